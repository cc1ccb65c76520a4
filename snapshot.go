package syncform

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// Snapshot is everything syncform reads from the live connection before it
// plans: the connector's settings, the HubSpot schema and owners, and the
// Salesforce schema and users. Providers fill it; it is never persisted as
// truth (the live system is the truth and is read at every plan).
type Snapshot struct {
	// Provider names the provider that read the snapshot, for messages.
	Provider string `json:"provider"`
	// Sync is each object's sync toggle.
	Sync map[Object]bool `json:"sync"`
	// Mappings holds each object's field mappings, sorted by property.
	Mappings map[Object][]Mapping `json:"mappings"`
	// Properties holds each object's HubSpot properties, sorted by name.
	Properties map[Object][]Property `json:"properties"`
	// SObjects is the Salesforce describe of each object the connector syncs
	// and of the objects their reference fields point at, by API name.
	SObjects map[string]SObject `json:"sobjects"`
	// Owners are the HubSpot owners; Users and Queues the Salesforce side.
	Owners []Owner          `json:"owners"`
	Users  []SalesforceUser `json:"users"`
	Queues []Queue          `json:"queues"`
	// Manual lists the resources the provider cannot change itself: changes to
	// them are planned with ModeManual and go to a runbook.
	Manual []Resource `json:"manual,omitempty"`
	// Segments are the HubSpot segments (lists) back-fills can resync.
	Segments []Segment `json:"segments,omitempty"`
	// Values holds, for the fields the plan needs them of, the distinct
	// values linked records hold (see ValuesKey). Filled by the reader of
	// live state, not by Snapshot; a field not looked up is absent.
	Values map[string][]string `json:"values,omitempty"`
	// MappingLimit is the most field mappings one object may hold; 0 means
	// the connector's documented MaxMappingsPerObject. Only a sandbox raised
	// for measuring scale has another (MaxMappings).
	MappingLimit int `json:"mapping_limit,omitempty"`
	// Records holds Salesforce records looked up because the configuration
	// names them (the IDs of reference labels), by SObject. Records not found
	// are absent. Filled by the reader of live state, not by Snapshot.
	Records map[string][]SalesforceRecord `json:"records,omitempty"`
}

// SalesforceRecord is one Salesforce record, with the fields that were asked
// for.
type SalesforceRecord struct {
	ID     SalesforceID      `json:"id"`
	Fields map[string]string `json:"fields,omitempty"`
}

// Record returns the looked-up record of id, if it exists.
func (s *Snapshot) Record(sobject string, id SalesforceID) (SalesforceRecord, bool) {
	for _, r := range s.Records[sobject] {
		if r.ID.Equal(id) {
			return r, true
		}
	}
	return SalesforceRecord{}, false
}

// ValuesKey is the key of Values for a field of o's records on one side.
func ValuesKey(o Object, side Side, field string) string {
	return string(o) + "/" + string(side) + "/" + field
}

// HeldValues returns the values o's records hold in field on side, and
// whether they were looked up.
func (s *Snapshot) HeldValues(o Object, side Side, field string) ([]string, bool) {
	v, ok := s.Values[ValuesKey(o, side, field)]
	return v, ok
}

// Segment returns the segment of that name.
func (s *Snapshot) Segment(name string) (Segment, bool) {
	for _, sg := range s.Segments {
		if sg.Name == name {
			return sg, true
		}
	}
	return Segment{}, false
}

// SObjectByPrefix returns the described object whose records' IDs start with
// prefix.
func (s *Snapshot) SObjectByPrefix(prefix string) (SObject, bool) {
	for _, so := range s.SObjects {
		if so.KeyPrefix == prefix {
			return so, true
		}
	}
	return SObject{}, false
}

// SObject is the describe of one Salesforce object.
type SObject struct {
	Name      string            `json:"name"`
	Label     string            `json:"label"`
	KeyPrefix string            `json:"key_prefix"`
	Custom    bool              `json:"custom,omitempty"`
	Fields    []SalesforceField `json:"fields"` // sorted by name (Snapshot.Sort)
}

// Field returns the field of that API name.
func (s SObject) Field(name string) (SalesforceField, bool) {
	if i, ok := slices.BinarySearchFunc(s.Fields, name, func(f SalesforceField, n string) int { return strings.Compare(f.Name, n) }); ok {
		return s.Fields[i], true
	}
	return SalesforceField{}, false
}

// SalesforceField is one field of a describe.
type SalesforceField struct {
	Name        string          `json:"name"`
	Label       string          `json:"label"`
	Type        SalesforceType  `json:"type"`
	ReferenceTo []string        `json:"reference_to,omitempty"`
	Picklist    []PicklistValue `json:"picklist,omitempty"`
	// Restricted: Salesforce rejects values outside the picklist.
	Restricted bool `json:"restricted,omitempty"`
	// Calculated: a formula field, whose changes never trigger a sync.
	Calculated bool `json:"calculated,omitempty"`
	Custom     bool `json:"custom,omitempty"`
}

// PicklistValue is one value of a picklist field.
type PicklistValue struct {
	Value  string `json:"value"`
	Label  string `json:"label"`
	Active bool   `json:"active"`
}

// Owner is a HubSpot owner.
type Owner struct {
	ID        string `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
	// Records counts the HubSpot records of each object the owner owns.
	Records map[Object]int `json:"records,omitempty"`
}

// Name is the owner's full name as the connector matches it.
func (o Owner) Name() string { return joinName(o.FirstName, o.LastName) }

// SalesforceUser is a Salesforce user that can own records.
type SalesforceUser struct {
	ID        SalesforceID `json:"id"`
	FirstName string       `json:"first_name"`
	LastName  string       `json:"last_name"`
	Email     string       `json:"email"`
	// UserType is Standard, PowerPartner, Guest, or another licence type.
	UserType string `json:"user_type"`
	Active   bool   `json:"active"`
}

// Name is the user's full name as the connector matches it.
func (u SalesforceUser) Name() string { return joinName(u.FirstName, u.LastName) }

// Queue is a Salesforce queue (a Group of Type Queue); it can own leads.
type Queue struct {
	ID   SalesforceID `json:"id"`
	Name string       `json:"name"`
}

func joinName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}

// Mapping returns the live mapping of property on o.
func (s *Snapshot) Mapping(o Object, property string) (Mapping, bool) {
	ms := s.Mappings[o]
	i := sort.Search(len(ms), func(i int) bool { return ms[i].Property >= property })
	if i < len(ms) && ms[i].Property == property {
		return ms[i], true
	}
	return Mapping{}, false
}

// Property returns the HubSpot property name of o.
func (s *Snapshot) Property(o Object, name string) (Property, bool) {
	ps := s.Properties[o]
	i := sort.Search(len(ps), func(i int) bool { return ps[i].Name >= name })
	if i < len(ps) && ps[i].Name == name {
		return ps[i], true
	}
	return Property{}, false
}

// FieldSide is a mapping's Salesforce field on one Salesforce object.
type FieldSide struct {
	SObject string
	Field   SalesforceField
}

// Fields returns the Salesforce field a mapping of o names, on every Salesforce
// object o syncs with that has it (Lead and Contact for contacts).
func (s *Snapshot) Fields(o Object, field string) []FieldSide {
	var out []FieldSide
	for _, so := range o.SalesforceObjects() {
		if f, ok := s.SObjects[so].Field(FieldOn(so, field)); ok {
			out = append(out, FieldSide{SObject: so, Field: f})
		}
	}
	return out
}

// ModeFor reports whether the provider that read the snapshot can change r.
func (s *Snapshot) ModeFor(r Resource) Mode {
	for _, m := range s.Manual {
		if m == r {
			return ModeManual
		}
	}
	return ModeAuto
}

// Sort puts every list in its canonical order; providers call it before
// returning a snapshot so lookups and output are deterministic.
func (s *Snapshot) Sort() {
	for _, ms := range s.Mappings {
		slices.SortFunc(ms, func(a, b Mapping) int { return strings.Compare(a.Property, b.Property) })
	}
	for _, ps := range s.Properties {
		slices.SortFunc(ps, func(a, b Property) int { return strings.Compare(a.Name, b.Name) })
	}
	for k, so := range s.SObjects {
		slices.SortFunc(so.Fields, func(a, b SalesforceField) int { return strings.Compare(a.Name, b.Name) })
		s.SObjects[k] = so
	}
	slices.SortFunc(s.Owners, func(a, b Owner) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(s.Users, func(a, b SalesforceUser) int { return strings.Compare(string(a.ID), string(b.ID)) })
	slices.SortFunc(s.Queues, func(a, b Queue) int { return strings.Compare(string(a.ID), string(b.ID)) })
	slices.SortFunc(s.Segments, func(a, b Segment) int { return strings.Compare(a.Name, b.Name) })
}

// MaxMappings is the most field mappings one object may hold.
func (s *Snapshot) MaxMappings() int {
	if s.MappingLimit > 0 {
		return s.MappingLimit
	}
	return MaxMappingsPerObject
}

// SetMapping puts m among its object's mappings, replacing the mapping of
// the same property, and keeps them sorted: a provider that decides several
// changes on one snapshot edits it as each is made.
func (s *Snapshot) SetMapping(m Mapping) {
	s.Mappings[m.Object] = setSorted(s.Mappings[m.Object], m, func(x Mapping) string { return x.Property })
}

// DeleteMapping removes o's mapping of property, if any.
func (s *Snapshot) DeleteMapping(o Object, property string) {
	s.Mappings[o] = deleteSorted(s.Mappings[o], property, func(x Mapping) string { return x.Property })
}

// SetProperty puts p among its object's properties, replacing the one of
// the same name, and keeps them sorted.
func (s *Snapshot) SetProperty(p Property) {
	s.Properties[p.Object] = setSorted(s.Properties[p.Object], p, func(x Property) string { return x.Name })
}

// DeleteProperty removes o's property name, if any.
func (s *Snapshot) DeleteProperty(o Object, name string) {
	s.Properties[o] = deleteSorted(s.Properties[o], name, func(x Property) string { return x.Name })
}

func setSorted[T any](list []T, v T, key func(T) string) []T {
	k := key(v)
	i := sort.Search(len(list), func(i int) bool { return key(list[i]) >= k })
	if i < len(list) && key(list[i]) == k {
		list[i] = v
		return list
	}
	return slices.Insert(list, i, v)
}

func deleteSorted[T any](list []T, k string, key func(T) string) []T {
	i := sort.Search(len(list), func(i int) bool { return key(list[i]) >= k })
	if i < len(list) && key(list[i]) == k {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// Clone is a deep copy of s: a provider that keeps a snapshot hands out
// clones, so what a caller changes is its own.
func (s *Snapshot) Clone() *Snapshot {
	c := *s
	c.Sync = maps.Clone(s.Sync)
	c.Mappings = make(map[Object][]Mapping, len(s.Mappings))
	for o, ms := range s.Mappings {
		c.Mappings[o] = slices.Clone(ms)
	}
	c.Properties = make(map[Object][]Property, len(s.Properties))
	for o, ps := range s.Properties {
		ps = slices.Clone(ps)
		for i := range ps {
			ps[i].Options = slices.Clone(ps[i].Options)
		}
		c.Properties[o] = ps
	}
	c.SObjects = make(map[string]SObject, len(s.SObjects))
	for n, so := range s.SObjects {
		so.Fields = slices.Clone(so.Fields)
		for i := range so.Fields {
			so.Fields[i].ReferenceTo = slices.Clone(so.Fields[i].ReferenceTo)
			so.Fields[i].Picklist = slices.Clone(so.Fields[i].Picklist)
		}
		c.SObjects[n] = so
	}
	c.Owners = slices.Clone(s.Owners)
	for i := range c.Owners {
		c.Owners[i].Records = maps.Clone(c.Owners[i].Records)
	}
	c.Users, c.Queues = slices.Clone(s.Users), slices.Clone(s.Queues)
	c.Manual, c.Segments = slices.Clone(s.Manual), slices.Clone(s.Segments)
	if s.Values != nil {
		c.Values = make(map[string][]string, len(s.Values))
		for k, v := range s.Values {
			c.Values[k] = slices.Clone(v)
		}
	}
	if s.Records != nil {
		c.Records = make(map[string][]SalesforceRecord, len(s.Records))
		for k, rs := range s.Records {
			rs = slices.Clone(rs)
			for i := range rs {
				rs[i].Fields = maps.Clone(rs[i].Fields)
			}
			c.Records[k] = rs
		}
	}
	return &c
}
