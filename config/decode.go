package config

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/syncform/syncform"
)

var (
	connectionSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "provider"}, {Name: "sandbox"}, {Name: "state"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "hubspot"}, {Type: "salesforce"}, {Type: "connector"}},
	}
	hubspotSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "portal_id", Required: true}, {Name: "token", Required: true}, {Name: "api_url"}}}
	salesforceSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "instance_url", Required: true}, {Name: "token", Required: true}}}
	connectorSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "mappings_csv"}, {Name: "endpoint"}, {Name: "manual"}}}
	objectSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "sync"}, {Name: "prune"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "property", LabelNames: []string{"name"}},
			{Type: "mapping", LabelNames: []string{"property"}},
			{Type: "resync"},
			{Type: "dynamic", LabelNames: []string{"type"}},
		},
	}
	propertySchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "label", Required: true}, {Name: "type", Required: true}, {Name: "group"}, {Name: "description"}}}
	mappingSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "salesforce_field", Required: true}, {Name: "rule", Required: true},
		{Name: "labels"}, {Name: "labels_from"}, {Name: "options"}}}
	resyncSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "to_salesforce"}, {Name: "segment"}, {Name: "records"}, {Name: "to_hubspot"}, {Name: "batch_size"}}}
)

// blockSchemas are the bodies of an object's blocks, by type.
var blockSchemas = map[string]*hcl.BodySchema{"property": propertySchema, "mapping": mappingSchema, "resync": resyncSchema}

// The names an attribute of these kinds may take, for oneOf.
var (
	fieldTypeNames = namesOf(syncform.FieldTypes())
	syncRuleNames  = namesOf(syncform.SyncRules())
)

func namesOf[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// propertyName is the shape of a HubSpot property's internal name.
var propertyName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// HubSpot's limits on the names and labels a configuration gives, in
// characters. A value past one would be refused by HubSpot halfway
// through an apply; it is refused here, where it is written.
const (
	// MaxPropertyNameLength is documented: an internal name has at most
	// 100 characters (HubSpot's knowledge base, "Understand the property
	// editor").
	MaxPropertyNameLength = 100
	// MaxOptionLength is documented: each option of a dropdown, radio or
	// checkboxes property has at most 3,000 characters, its label, value
	// and description together ("Property field types in HubSpot"). A
	// labels entry is an option's value (the ID) and label.
	MaxOptionLength = 3000
	// MaxPropertyLabelLength is assumed: HubSpot documents no limit on a
	// property's label.
	MaxPropertyLabelLength = 255
	// MaxGroupNameLength is assumed: a group's name is an internal name,
	// taken to have the limit of a property's.
	MaxGroupNameLength = MaxPropertyNameLength
	// MaxSegmentNameLength is assumed: HubSpot documents no limit on a
	// list's name.
	MaxSegmentNameLength = 255
)

// tooLong reports a string past a limit of HubSpot's, at rng.
func (l *loader) tooLong(what, s string, limit int, rng hcl.Range) bool {
	n := utf8.RuneCountInString(s)
	if n <= limit {
		return false
	}
	l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("%s too long", capitalize(what)),
		Detail:  fmt.Sprintf("This %s has %d characters; HubSpot takes at most %d.", what, n, limit),
		Subject: rng.Ptr()})
	return true
}

func (l *loader) connection(blocks hcl.Blocks, ctx *hcl.EvalContext) Connection {
	c := Connection{Provider: ProviderSandbox, Sandbox: DefaultSandboxPath}
	for i, b := range blocks {
		if i > 0 {
			l.add(duplicate("block", "connection", blocks[0].DefRange, b.DefRange))
			continue
		}
		c.DeclRange = b.DefRange
		content, diags := b.Body.Content(connectionSchema)
		l.add(diags...)
		if a, ok := content.Attributes["provider"]; ok {
			if v, ok := l.oneOf(a, ctx, []string{ProviderSandbox, ProviderHubSpot}, "provider"); ok {
				c.Provider, c.ProviderRange = v, a.Expr.Range()
			}
		}
		if a, ok := content.Attributes["sandbox"]; ok {
			if v, ok := l.str(a, ctx); ok && v == "" {
				// Caught here, where it can be pointed at: opening "" fails
				// later with no position.
				l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Empty sandbox path",
					Detail: "sandbox names the sandbox file; leave it out for the default, " + DefaultSandboxPath + ".", Subject: a.Expr.Range().Ptr()})
			} else if ok {
				c.Sandbox = v
			}
		}
		if a, ok := content.Attributes["state"]; ok {
			if v, ok := l.str(a, ctx); ok {
				if err := CheckState(v); err != nil {
					d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid state database", Detail: err.Error(), Subject: a.Expr.Range().Ptr()}
					if IsPostgresState(v) {
						d.Extra = maskSubject{} // the quoted line may show a password
					}
					l.add(d)
				} else {
					c.State, c.StateRange = v, a.Expr.Range()
				}
			}
		}
		first := map[string]hcl.Range{}
		for _, sb := range content.Blocks {
			if r, dup := first[sb.Type]; dup {
				l.add(duplicate("block", sb.Type, r, sb.DefRange))
				continue
			}
			first[sb.Type] = sb.DefRange
			switch sb.Type {
			case "hubspot":
				c.HubSpot = l.hubspot(sb, ctx)
			case "salesforce":
				c.Salesforce = l.salesforce(sb, ctx)
			case "connector":
				c.Connector = l.connector(sb, ctx)
			}
		}
	}
	if c.Provider == ProviderHubSpot && len(blocks) > 0 && (c.HubSpot == nil || c.Salesforce == nil) {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Incomplete hubspot connection",
			Detail: "The hubspot provider needs both a hubspot block (portal_id, token) and a salesforce block (instance_url, token).", Subject: c.ProviderRange.Ptr()})
	}
	return c
}

func (l *loader) hubspot(b *hcl.Block, ctx *hcl.EvalContext) *HubSpotConnection {
	content, diags := b.Body.Content(hubspotSchema)
	l.add(diags...)
	h := &HubSpotConnection{}
	if a, ok := content.Attributes["portal_id"]; ok {
		if n, ok := l.integer(a, ctx); ok {
			h.PortalID = n
		}
	}
	if a, ok := content.Attributes["token"]; ok {
		h.Token, _ = l.secret(a, ctx)
	}
	if a, ok := content.Attributes["api_url"]; ok {
		h.APIURL, _ = l.str(a, ctx)
	}
	return h
}

func (l *loader) salesforce(b *hcl.Block, ctx *hcl.EvalContext) *SalesforceConnection {
	content, diags := b.Body.Content(salesforceSchema)
	l.add(diags...)
	s := &SalesforceConnection{}
	if a, ok := content.Attributes["instance_url"]; ok {
		s.InstanceURL, _ = l.str(a, ctx)
	}
	if a, ok := content.Attributes["token"]; ok {
		s.Token, _ = l.secret(a, ctx)
	}
	return s
}

func (l *loader) connector(b *hcl.Block, ctx *hcl.EvalContext) *ConnectorConnection {
	content, diags := b.Body.Content(connectorSchema)
	l.add(diags...)
	c := &ConnectorConnection{}
	if a, ok := content.Attributes["mappings_csv"]; ok {
		c.MappingsCSV, _ = l.str(a, ctx)
	}
	if a, ok := content.Attributes["endpoint"]; ok {
		c.Endpoint, _ = l.str(a, ctx)
	}
	if a, ok := content.Attributes["manual"]; ok {
		c.Manual, _ = l.boolean(a, ctx)
	}
	return c
}

func (l *loader) rules(blocks hcl.Blocks, ctx *hcl.EvalContext) []RuleSetting {
	var out []RuleSetting
	seen := map[string]hcl.Range{}
	for _, b := range blocks {
		attrs, diags := b.Body.JustAttributes()
		l.add(diags...)
		for name, a := range attrs {
			if first, ok := seen[name]; ok {
				l.add(duplicate("rule setting", name, first, a.NameRange))
				continue
			}
			seen[name] = a.NameRange
			if sev, ok := l.oneOf(a, ctx, Severities, "severity"); ok {
				out = append(out, RuleSetting{Slug: name, Severity: sev, Range: a.NameRange})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out
}

func objectNames() []string {
	var names []string
	for _, o := range syncform.Objects() {
		names = append(names, string(o))
	}
	return names
}

func (l *loader) objects(blocks hcl.Blocks, ctx *hcl.EvalContext) []*Object {
	byObject := map[syncform.Object]*hcl.Block{}
	var order []syncform.Object
	for _, b := range blocks {
		o, err := syncform.ParseObject(b.Labels[0])
		if err != nil {
			l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown object",
				Detail:  fmt.Sprintf("There is no object %q.%s", b.Labels[0], didYouMean(b.Labels[0], objectNames())),
				Subject: b.LabelRanges[0].Ptr()})
			continue
		}
		if prev, ok := byObject[o]; ok {
			l.add(duplicate("object", string(o), prev.DefRange, b.DefRange))
			continue
		}
		byObject[o] = b
		order = append(order, o)
	}
	// Objects are independent, and a large one is thousands of blocks that
	// dynamic blocks expand and HCL evaluates one by one: decode each on its
	// own goroutine, with its own diagnostics, merged in a fixed order.
	decoded := make([]*Object, len(order))
	diags := make([]hcl.Diagnostics, len(order))
	var wg sync.WaitGroup
	for i, o := range order {
		wg.Go(func() {
			sub := &loader{opts: l.opts, secrets: l.secrets, budget: l.budget}
			decoded[i] = sub.object(o, byObject[o], ctx)
			diags[i] = sub.diags
		})
	}
	wg.Wait()
	for _, d := range diags {
		l.add(d...)
	}
	var out []*Object
	for _, o := range syncform.Objects() {
		if i := slices.Index(order, o); i >= 0 {
			out = append(out, decoded[i])
		}
	}
	return out
}

func (l *loader) object(o syncform.Object, b *hcl.Block, ctx *hcl.EvalContext) *Object {
	ob := &Object{Object: o, DeclRange: b.DefRange}
	content, diags := b.Body.Content(objectSchema)
	l.add(diags...)
	if a, ok := content.Attributes["sync"]; ok {
		if v, ok := l.boolean(a, ctx); ok {
			ob.Sync, ob.SyncRange = &v, a.Range
		}
	}
	if a, ok := content.Attributes["prune"]; ok {
		ob.Prune, _ = l.boolean(a, ctx)
	}
	properties := map[string]*Property{}
	decode := func(blk *hcl.Block, body *hcl.BodyContent, ctx *hcl.EvalContext) {
		switch blk.Type {
		case "property":
			if p := l.property(o, blk, body, ctx); p != nil {
				if prev := properties[p.Name]; prev != nil {
					l.add(duplicate("property", p.Name, prev.DeclRange, p.DeclRange))
					return
				}
				properties[p.Name] = p
				ob.Properties = append(ob.Properties, p)
			}
		case "mapping":
			// Two mappings of one property are kept: the planner reports
			// them as the property-mapped-twice rule.
			if m := l.mapping(o, blk, body, ctx); m != nil {
				ob.Mappings = append(ob.Mappings, m)
			}
		case "resync":
			if ob.Resync != nil {
				l.add(duplicate("block", "resync", ob.Resync.DeclRange, blk.DefRange))
				return
			}
			ob.Resync = l.resync(blk, body, ctx)
		}
	}
	for _, blk := range content.Blocks {
		if blk.Type == "dynamic" {
			l.dynamic(blk, ctx, decode)
			continue
		}
		body, diags := blk.Body.Content(blockSchemas[blk.Type])
		l.add(diags...)
		decode(blk, body, ctx)
	}
	ob.byName = properties
	return ob
}

// name validates a block label that is a HubSpot property's internal name.
func (l *loader) name(b *hcl.Block) (string, bool) {
	n := b.Labels[0]
	if l.tooLong("property name", n, MaxPropertyNameLength, b.LabelRanges[0]) {
		return n, false
	}
	if !propertyName.MatchString(n) {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid property name",
			Detail:  fmt.Sprintf("%q is not a HubSpot internal property name: use lower-case letters, digits and underscores, starting with a letter.", n),
			Subject: b.LabelRanges[0].Ptr()})
		return n, false
	}
	return n, true
}

// property decodes a property block whose body holds content.
func (l *loader) property(o syncform.Object, b *hcl.Block, content *hcl.BodyContent, ctx *hcl.EvalContext) *Property {
	name, ok := l.name(b)
	p := &Property{Property: syncform.Property{Object: o, Name: name, Group: o.DefaultPropertyGroup()}, DeclRange: b.DefRange}
	if a, ok := content.Attributes["label"]; ok {
		if v, ok := l.str(a, ctx); ok && !l.tooLong("property label", v, MaxPropertyLabelLength, a.Expr.Range()) {
			p.Label = v
		}
	}
	if a, ok := content.Attributes["type"]; ok {
		p.TypeRange = a.Expr.Range()
		if v, ok := l.oneOf(a, ctx, fieldTypeNames, "field type"); ok {
			p.Type = syncform.FieldType(v)
		}
	}
	if a, ok := content.Attributes["group"]; ok {
		if v, ok := l.str(a, ctx); ok && !l.tooLong("group name", v, MaxGroupNameLength, a.Expr.Range()) {
			p.Group = v
		}
	}
	if a, ok := content.Attributes["description"]; ok {
		p.Description, _ = l.str(a, ctx)
	}
	if !ok {
		return nil
	}
	return p
}

// mapping decodes a mapping block whose body holds content.
func (l *loader) mapping(o syncform.Object, b *hcl.Block, content *hcl.BodyContent, ctx *hcl.EvalContext) *Mapping {
	name, ok := l.name(b)
	m := &Mapping{Mapping: syncform.Mapping{Object: o, Property: name}, DeclRange: b.DefRange}
	if a, ok := content.Attributes["salesforce_field"]; ok {
		m.SalesforceField, _ = l.str(a, ctx)
		m.FieldRange = a.Expr.Range()
	}
	if a, ok := content.Attributes["rule"]; ok {
		m.RuleRange = a.Expr.Range()
		if v, ok := l.oneOf(a, ctx, syncRuleNames, "sync rule"); ok {
			m.Rule = syncform.SyncRule(v)
		}
	}
	if a, ok := content.Attributes["labels"]; ok {
		m.Labels, m.LabelsRange = l.labels(a, ctx), a.Expr.Range()
	}
	if a, ok := content.Attributes["labels_from"]; ok {
		m.LabelsFrom, _ = l.str(a, ctx)
		m.LabelsFromRange = a.Expr.Range()
	}
	if a, ok := content.Attributes["options"]; ok {
		m.OptionsRange = a.Expr.Range()
		m.Options, _ = l.oneOf(a, ctx, []string{OptionsFromSalesforce}, "options source")
	}
	if !ok {
		return nil
	}
	return m
}

// labels decodes a map of ID to label. A literal map gives each entry its own
// range, so a bad ID is reported on its line.
func (l *loader) labels(a *hcl.Attribute, ctx *hcl.EvalContext) []Label {
	var out []Label
	if pairs, diags := hcl.ExprMap(a.Expr); !diags.HasErrors() {
		for _, kv := range pairs {
			k, ok1 := l.strExpr(kv.Key, ctx)
			v, ok2 := l.strExpr(kv.Value, ctx)
			r := hcl.RangeBetween(kv.Key.Range(), kv.Value.Range())
			if ok1 && ok2 && !l.tooLong("option (ID and label)", k+v, MaxOptionLength, r) {
				out = append(out, Label{ID: k, Label: v, Range: r})
			}
		}
		return out
	}
	v, ok := l.value(a.Expr, ctx, cty.Map(cty.String))
	if !ok || v.IsNull() {
		return nil
	}
	for k, lv := range v.AsValueMap() {
		if lv.IsNull() {
			l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing value",
				Detail: fmt.Sprintf("The label of %q is null; every ID needs a label.", k), Subject: a.Expr.Range().Ptr()})
			continue
		}
		if !l.tooLong("option (ID and label)", k+lv.AsString(), MaxOptionLength, a.Expr.Range()) {
			out = append(out, Label{ID: k, Label: lv.AsString(), Range: a.Expr.Range()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// resync decodes a resync block whose body holds content.
func (l *loader) resync(b *hcl.Block, content *hcl.BodyContent, ctx *hcl.EvalContext) *Resync {
	r := &Resync{DeclRange: b.DefRange}
	if a, ok := content.Attributes["to_salesforce"]; ok {
		r.ToSalesforce, _ = l.oneOf(a, ctx, []string{ResyncSegment, ResyncRecords, ResyncNone}, "resync method")
	}
	if a, ok := content.Attributes["segment"]; ok {
		if v, ok := l.str(a, ctx); ok && !l.tooLong("segment name", v, MaxSegmentNameLength, a.Expr.Range()) {
			r.Segment = v
		}
		r.SegmentRange = a.Expr.Range()
	}
	if a, ok := content.Attributes["records"]; ok {
		if v, ok := l.value(a.Expr, ctx, cty.List(cty.Number)); ok && !v.IsNull() {
			for _, n := range v.AsValueSlice() {
				if n.IsNull() {
					l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid record ID",
						Detail: "records lists HubSpot record IDs; null is not one.", Subject: a.Expr.Range().Ptr()})
					break
				}
				id, acc := n.AsBigFloat().Int64()
				if acc != big.Exact || id <= 0 {
					l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid record ID",
						Detail: "records lists HubSpot record IDs: positive whole numbers.", Subject: a.Expr.Range().Ptr()})
					break
				}
				r.Records = append(r.Records, id)
			}
		}
	}
	if a, ok := content.Attributes["to_hubspot"]; ok {
		r.ToHubSpot, _ = l.oneOf(a, ctx, []string{ResyncImport, ResyncNone}, "import method")
	}
	if a, ok := content.Attributes["batch_size"]; ok {
		r.BatchRange = a.Expr.Range()
		if n, ok := l.integer(a, ctx); ok {
			if n <= 0 {
				l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid batch size",
					Detail: "batch_size must be a positive number of records.", Subject: a.Expr.Range().Ptr()})
			} else {
				r.BatchSize = int(n)
			}
		}
	}
	if _, given := content.Attributes["records"]; r.ToSalesforce == ResyncRecords && !given {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing records",
			Detail: "to_salesforce = \"records\" resyncs named records: list their HubSpot IDs with records = [...].", Subject: b.DefRange.Ptr()})
	}
	return r
}

// value evaluates expr and converts it to want. Secrets are refused: only
// credential attributes (see secret) may hold a value read through env().
func (l *loader) value(expr hcl.Expression, ctx *hcl.EvalContext, want cty.Type) (cty.Value, bool) {
	v, diags := expr.Value(ctx)
	l.add(diags...)
	if diags.HasErrors() || l.tooLarge(v, expr) {
		return cty.NilVal, false
	}
	if v.ContainsMarked() {
		l.add(secretHere(expr, "only token attributes may hold one. "+
			"Use a variable (--var, --var-file or SYNCFORM_VAR_name) for values that are not secret."))
		return cty.NilVal, false
	}
	if !v.IsWhollyKnown() {
		return cty.NilVal, false // an earlier error (an unset variable) made it unknown; already reported
	}
	out, err := convert.Convert(v, want)
	if err != nil {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Incorrect attribute value type",
			Detail: fmt.Sprintf("Inappropriate value: %s is required.", want.FriendlyName()), Subject: expr.Range().Ptr()})
		return cty.NilVal, false
	}
	return out, true
}

// tooLarge refuses a value too large to walk (see size), where expr makes
// it: an attribute that refers a thousand times to a local of a million
// elements is walked a billion times over to be checked.
func (l *loader) tooLarge(v cty.Value, expr hcl.Expression) bool {
	much := tooLarge(size(v))
	if much != "" {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Value too large",
			Detail:  fmt.Sprintf("This value has %s; syncform stops rather than run out of memory.", much),
			Subject: expr.Range().Ptr()})
	}
	return much != ""
}

// secretHere refuses a value read through env() where expr uses it; why
// says what may hold one instead, or why this place may not.
func secretHere(expr hcl.Expression, why string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Secret value not allowed here",
		Detail: "This value comes from env(), which syncform treats as a secret; " + why, Subject: expr.Range().Ptr()}
}

func (l *loader) strExpr(expr hcl.Expression, ctx *hcl.EvalContext) (string, bool) {
	v, ok := l.value(expr, ctx, cty.String)
	if !ok {
		return "", false
	}
	if v.IsNull() {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing value",
			Detail: "A string is required here, not null.", Subject: expr.Range().Ptr()})
		return "", false
	}
	return v.AsString(), true
}

func (l *loader) str(a *hcl.Attribute, ctx *hcl.EvalContext) (string, bool) {
	return l.strExpr(a.Expr, ctx)
}

// oneOf decodes a string that must be one of valid, suggesting the nearest.
func (l *loader) oneOf(a *hcl.Attribute, ctx *hcl.EvalContext, valid []string, what string) (string, bool) {
	s, ok := l.str(a, ctx)
	if !ok {
		return "", false
	}
	for _, v := range valid {
		if s == v {
			return s, true
		}
	}
	l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("Unknown %s", what),
		Detail: fmt.Sprintf("%q is not a valid %s.%s", s, what, didYouMean(s, valid)), Subject: a.Expr.Range().Ptr()})
	return "", false
}

func (l *loader) boolean(a *hcl.Attribute, ctx *hcl.EvalContext) (bool, bool) {
	v, ok := l.value(a.Expr, ctx, cty.Bool)
	if !ok || v.IsNull() {
		return false, false
	}
	return v.True(), true
}

func (l *loader) integer(a *hcl.Attribute, ctx *hcl.EvalContext) (int64, bool) {
	v, ok := l.value(a.Expr, ctx, cty.Number)
	if !ok || v.IsNull() {
		return 0, false
	}
	bf := v.AsBigFloat()
	n, acc := bf.Int64()
	if acc != big.Exact {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid number",
			Detail: "A whole number is required here.", Subject: a.Expr.Range().Ptr()})
		return 0, false
	}
	return n, true
}

// secret decodes a credential: it must come from env(), so that no token is
// ever written into a configuration file.
func (l *loader) secret(a *hcl.Attribute, ctx *hcl.EvalContext) (syncform.Secret, bool) {
	v, diags := a.Expr.Value(ctx)
	l.add(diags...)
	if diags.HasErrors() || !v.IsKnown() {
		return syncform.Secret{}, false
	}
	if !v.HasMark(sensitiveMark) {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Token must come from the environment",
			Detail:  "Write token = env(\"NAME\") and set NAME in the environment: a credential in a configuration file ends up in git.",
			Subject: a.Expr.Range().Ptr(), Extra: maskSubject{}}) // not quoted further
		return syncform.Secret{}, false
	}
	v, _ = v.Unmark()
	if v.IsNull() || v.Type() != cty.String {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Incorrect attribute value type",
			Detail: "A token must be a string.", Subject: a.Expr.Range().Ptr()})
		return syncform.Secret{}, false
	}
	if v.AsString() == "" {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Empty token",
			Detail: "The environment variable this token is read from is set but empty.", Subject: a.Expr.Range().Ptr()})
		return syncform.Secret{}, false
	}
	return syncform.NewSecret(v.AsString()), true
}
