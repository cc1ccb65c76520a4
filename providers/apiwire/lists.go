package apiwire

import (
	"encoding/json"
	"strconv"

	sf "github.com/syncform/syncform"
)

// HubSpot's lists (segments) in the JSON of its CRM v3 lists API.

// Processing types of a list. MANUAL and SNAPSHOT lists hold the records
// added to them (static segments); a DYNAMIC list holds the records its
// filters match.
const (
	ProcessingManual   = "MANUAL"
	ProcessingSnapshot = "SNAPSHOT"
	ProcessingDynamic  = "DYNAMIC"
)

// ListSizeProperty is the list property holding a list's size, which search
// results carry in additionalProperties rather than in size.
const ListSizeProperty = "hs_list_size"

// objectTypeIDs are HubSpot's object type IDs of the synced objects.
var objectTypeIDs = map[sf.Object]string{sf.Contacts: "0-1", sf.Companies: "0-2", sf.Deals: "0-3"}

// ObjectTypeID is o's object type ID ("0-1" for contacts); empty for an
// object HubSpot has no such ID for.
func ObjectTypeID(o sf.Object) string { return objectTypeIDs[o] }

// ObjectOfTypeID is the object with object type ID id; false for any other
// object type (tickets, custom objects).
func ObjectOfTypeID(id string) (sf.Object, bool) {
	for o, tid := range objectTypeIDs {
		if tid == id {
			return o, true
		}
	}
	return "", false
}

// List is a list's definition, the parts syncform reads.
type List struct {
	ListID         string `json:"listId"`
	Name           string `json:"name"`
	ObjectTypeID   string `json:"objectTypeId"`
	ProcessingType string `json:"processingType"`
	// Size is sent when one list is read; search results leave it out and
	// carry hs_list_size in AdditionalProperties instead.
	Size                 *int              `json:"size,omitempty"`
	AdditionalProperties map[string]string `json:"additionalProperties,omitempty"`
}

// ListOf is seg, with list ID id, as HubSpot shows it: its size both in size
// and as hs_list_size.
func ListOf(id string, seg sf.Segment) List {
	size := seg.Size
	pt := ProcessingDynamic
	if seg.Static {
		pt = ProcessingManual
	}
	return List{ListID: id, Name: seg.Name, ObjectTypeID: ObjectTypeID(seg.Object), ProcessingType: pt, Size: &size,
		AdditionalProperties: map[string]string{ListSizeProperty: strconv.Itoa(size)}}
}

// Segment is the domain's segment l describes; ok is false for a list of an
// object syncform does not sync. The size is size when sent, else
// hs_list_size, else 0.
func (l List) Segment() (seg sf.Segment, ok bool) {
	o, ok := ObjectOfTypeID(l.ObjectTypeID)
	if !ok {
		return sf.Segment{}, false
	}
	seg = sf.Segment{Name: l.Name, Object: o, Static: l.ProcessingType != ProcessingDynamic}
	switch {
	case l.Size != nil:
		seg.Size = *l.Size
	case l.AdditionalProperties[ListSizeProperty] != "":
		seg.Size, _ = strconv.Atoi(l.AdditionalProperties[ListSizeProperty])
	}
	return seg, true
}

// ListResponse is the body of a read or a create of one list.
type ListResponse struct {
	List List `json:"list"`
}

// ListCreate is the body of a list create. FilterBranch, a DYNAMIC list's
// filters, is kept raw: syncform creates only MANUAL lists.
type ListCreate struct {
	Name           string          `json:"name"`
	ObjectTypeID   string          `json:"objectTypeId"`
	ProcessingType string          `json:"processingType"`
	FilterBranch   json.RawMessage `json:"filterBranch,omitempty"`
}

// ListSearch is the body of a list search: lists whose names contain Query,
// Count of them from Offset.
type ListSearch struct {
	Query  string `json:"query,omitempty"`
	Offset int    `json:"offset"`
	Count  int    `json:"count,omitempty"`
}

// Search limits of the lists API.
const (
	DefaultListSearchCount = 20
	MaxListSearchCount     = 500
)

// ListSearchResult is a page of a list search. Offset is where the next
// page starts.
type ListSearchResult struct {
	Lists   []List `json:"lists"`
	HasMore bool   `json:"hasMore"`
	Offset  int    `json:"offset"`
	Total   int    `json:"total"`
}

// Membership limits of the lists API.
const (
	DefaultMembershipLimit = 100
	MaxMembershipLimit     = 250
)

// Membership is one member of a list.
type Membership struct {
	RecordID string `json:"recordId"`
}

// Paging leads to the next page of a cursor-paged result; absent on the last.
type Paging struct {
	Next struct {
		After string `json:"after"`
	} `json:"next"`
}

// Memberships is a page of a list's members, in record ID order.
type Memberships struct {
	Results []Membership `json:"results"`
	Paging  *Paging      `json:"paging,omitempty"`
}

// MembershipsAdded answers an add of records to a list: the records added,
// and those that do not exist. The request body is a JSON array of record
// IDs.
type MembershipsAdded struct {
	RecordIDsAdded   []string `json:"recordIdsAdded"`
	RecordIDsMissing []string `json:"recordIdsMissing"`
}
