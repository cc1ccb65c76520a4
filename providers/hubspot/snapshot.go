package hubspot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

// baseSObjects are the Salesforce objects the connector syncs with.
func baseSObjects() []string {
	var out []string
	for _, o := range sf.Objects() {
		out = append(out, o.SalesforceObjects()...)
	}
	return out
}

// Snapshot reads the live state: HubSpot properties, owners and lists,
// Salesforce describes, users and queues, and the connector's settings.
func (p *Provider) Snapshot(ctx context.Context) (*sf.Snapshot, error) {
	snap := &sf.Snapshot{
		Provider:   "hubspot",
		Properties: map[sf.Object][]sf.Property{},
		SObjects:   map[string]sf.SObject{},
	}
	var mu sync.Mutex
	g := p.newGroup(ctx)
	for _, o := range sf.Objects() {
		g.Go(func(ctx context.Context) error {
			ps, err := p.properties(ctx, o)
			mu.Lock()
			snap.Properties[o] = ps
			mu.Unlock()
			return err
		})
	}
	g.Go(func(ctx context.Context) error {
		var err error
		snap.Owners, err = p.owners(ctx)
		return err
	})
	g.Go(func(ctx context.Context) error { return p.salesforceSide(ctx, snap) })
	g.Go(func(ctx context.Context) error { return p.settings(ctx, snap) })
	g.Go(func(ctx context.Context) error {
		var err error
		snap.Segments, err = p.segments(ctx)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	snap.Sort()
	return snap, nil
}

func (p *Provider) properties(ctx context.Context, o sf.Object) ([]sf.Property, error) {
	var body struct {
		Results []apiwire.Property `json:"results"`
	}
	if _, err := p.c.do(ctx, p.hubspot("GET", "/crm/v3/properties/"+url.PathEscape(string(o)), nil, true), &body); err != nil {
		return nil, err
	}
	out := make([]sf.Property, 0, len(body.Results))
	for _, hp := range body.Results {
		if !hp.Archived {
			prop, _ := hp.Domain(o) // an unknown type keeps its name, with no Type
			out = append(out, prop)
		}
	}
	return out, nil
}

// property reads one property; found is false on 404.
func (p *Provider) property(ctx context.Context, o sf.Object, name string) (sf.Property, bool, error) {
	var hp apiwire.Property
	_, err := p.c.do(ctx, p.hubspot("GET", "/crm/v3/properties/"+url.PathEscape(string(o))+"/"+url.PathEscape(name), nil, true), &hp)
	if errors.Is(err, sf.ErrNotFound) {
		return sf.Property{}, false, nil
	}
	if err != nil {
		return sf.Property{}, false, err
	}
	prop, _ := hp.Domain(o)
	return prop, true, nil
}

func (p *Provider) owners(ctx context.Context) ([]sf.Owner, error) {
	var out []sf.Owner
	after := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(apiwire.MaxOwnersLimit)}}
		if after != "" {
			q.Set("after", after)
		}
		var body apiwire.Owners
		if _, err := p.c.do(ctx, p.hubspot("GET", "/crm/v3/owners?"+q.Encode(), nil, true), &body); err != nil {
			return nil, err
		}
		for _, o := range body.Results {
			if !o.Archived {
				out = append(out, sf.Owner{ID: o.ID, FirstName: o.FirstName, LastName: o.LastName, Email: o.Email})
			}
		}
		if body.Paging == nil || body.Paging.Next.After == "" || body.Paging.Next.After == after {
			return out, nil
		}
		after = body.Paging.Next.After
	}
}

// queryPage is one page of a SOQL query's answer.
type queryPage struct {
	Records        []map[string]any `json:"records"`
	NextRecordsURL string           `json:"nextRecordsUrl"`
}

// query runs SOQL, following nextRecordsUrl, and calls fn with each record.
func (p *Provider) query(ctx context.Context, soql string, fn func(map[string]any) error) error {
	var page queryPage
	if _, err := p.c.do(ctx, p.salesforce(queryPath(soql)), &page); err != nil {
		return err
	}
	return p.consume(ctx, page, fn)
}

func queryPath(soql string) string { return "/query?q=" + url.QueryEscape(soql) }

// consume calls fn with each record of page and of the pages after it.
func (p *Provider) consume(ctx context.Context, page queryPage, fn func(map[string]any) error) error {
	for {
		for _, r := range page.Records {
			if err := fn(r); err != nil {
				return err
			}
		}
		next := page.NextRecordsURL
		if next == "" {
			return nil
		}
		if !strings.HasPrefix(next, "/services/data/") {
			return fmt.Errorf("salesforce query: unexpected nextRecordsUrl")
		}
		page = queryPage{}
		if _, err := p.c.do(ctx, p.salesforce(next), &page); err != nil {
			return err
		}
	}
}

// str renders a SOQL value as text; null is empty.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(v)
	return string(b)
}

const (
	usersSOQL  = "SELECT Id, FirstName, LastName, Email, UserType, IsActive FROM User"
	queuesSOQL = "SELECT Id, Name FROM Group WHERE Type = 'Queue'"
)

func userOf(r map[string]any) sf.SalesforceUser {
	active, _ := r["IsActive"].(bool)
	return sf.SalesforceUser{ID: sf.SalesforceID(str(r["Id"])), FirstName: str(r["FirstName"]),
		LastName: str(r["LastName"]), Email: str(r["Email"]), UserType: str(r["UserType"]), Active: active}
}

func queueOf(r map[string]any) sf.Queue {
	return sf.Queue{ID: sf.SalesforceID(str(r["Id"])), Name: str(r["Name"])}
}

// settings fills Sync, Mappings and Manual, from the endpoint or the CSV.
func (p *Provider) settings(ctx context.Context, snap *sf.Snapshot) error {
	snap.Mappings = map[sf.Object][]sf.Mapping{}
	if p.cfg.ConnectorEndpoint == "" {
		ms, err := p.readCSV()
		if err != nil {
			return err
		}
		// The export has no toggles: contacts always sync, and an object
		// with mappings is taken to sync (the connector offers an object's
		// mappings once its sync is on).
		snap.Sync = map[sf.Object]bool{}
		for _, o := range sf.Objects() {
			snap.Sync[o] = o.AlwaysSynced()
		}
		for _, m := range ms {
			snap.Mappings[m.Object] = append(snap.Mappings[m.Object], m)
			snap.Sync[m.Object] = true
		}
		snap.Manual = []sf.Resource{sf.ResourceSync, sf.ResourceMapping, sf.ResourceBackfill}
		return nil
	}
	var body apiwire.Settings
	if _, err := p.c.do(ctx, p.connector("GET", "/connector/v1/settings", nil, true), &body); err != nil {
		return err
	}
	snap.Sync, snap.MappingLimit = body.Sync, body.MappingLimit
	if snap.Sync == nil {
		snap.Sync = map[sf.Object]bool{}
	}
	for _, m := range body.Mappings {
		snap.Mappings[m.Object] = append(snap.Mappings[m.Object], m.Domain())
	}
	return nil
}

// segments reads HubSpot's lists, the segments a back-fill can resync, with
// the public lists search, so a snapshot has them with or without a
// connector endpoint. It asks for the most lists a page allows and follows
// the offset each page returns until one says there are no more. Lists of
// objects syncform does not sync (tickets, custom objects) are left out.
func (p *Provider) segments(ctx context.Context) ([]sf.Segment, error) {
	out := []sf.Segment{}
	offset := 0
	for {
		var page apiwire.ListSearchResult
		// A search only reads, so it is retried like a GET.
		body := apiwire.ListSearch{Offset: offset, Count: apiwire.MaxListSearchCount}
		if _, err := p.c.do(ctx, p.hubspot("POST", "/crm/v3/lists/search", body, true), &page); err != nil {
			return nil, err
		}
		for _, l := range page.Lists {
			if seg, ok := l.Segment(); ok {
				out = append(out, seg)
			}
		}
		if !page.HasMore {
			return out, nil
		}
		// An offset that does not advance would page forever.
		if page.Offset <= offset {
			return nil, fmt.Errorf("POST /crm/v3/lists/search: %w: the next page's offset %d does not advance past %d", sf.ErrUnavailable, page.Offset, offset)
		}
		offset = page.Offset
	}
}

// soqlName is an API name safe to put in a path or a SOQL statement.
var soqlName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// soqlID is a Salesforce record ID safe to quote in SOQL.
var soqlID = regexp.MustCompile(`^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$`)

// recordsChunk keeps a query's URL well under common length limits.
const recordsChunk = 200

// Records reads records by ID with SOQL, in chunks.
func (p *Provider) Records(ctx context.Context, sobject string, ids []sf.SalesforceID, fields []string) ([]sf.SalesforceRecord, error) {
	if !soqlName.MatchString(sobject) {
		return nil, sf.Rejectf("invalid Salesforce object name %q", sobject)
	}
	cols := []string{"Id"}
	for _, f := range fields {
		if !soqlName.MatchString(f) {
			return nil, sf.Rejectf("invalid Salesforce field name %q", f)
		}
		if !strings.EqualFold(f, "Id") {
			cols = append(cols, f)
		}
	}
	var quoted []string
	seen := map[string]bool{}
	for _, id := range ids {
		// An ID that cannot exist cannot be found, which is not an error.
		if soqlID.MatchString(string(id)) && !seen[string(id)] {
			seen[string(id)] = true
			quoted = append(quoted, "'"+string(id)+"'")
		}
	}
	var out []sf.SalesforceRecord
	for start := 0; start < len(quoted); start += recordsChunk {
		chunk := quoted[start:min(len(quoted), start+recordsChunk)]
		soql := "SELECT " + strings.Join(cols, ", ") + " FROM " + sobject + " WHERE Id IN (" + strings.Join(chunk, ", ") + ")"
		err := p.query(ctx, soql, func(r map[string]any) error {
			rec := sf.SalesforceRecord{ID: sf.SalesforceID(str(r["Id"])), Fields: make(map[string]string, len(fields))}
			for _, f := range fields {
				rec.Fields[f] = str(r[f])
			}
			out = append(out, rec)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Values needs a values endpoint, which the connector-settings API does not
// serve yet; the public APIs would need a scan of every record. The planner
// treats ErrUnavailable here by hiding rather than deleting options.
func (p *Provider) Values(ctx context.Context, o sf.Object, side sf.Side, field string) ([]string, error) {
	if p.cfg.ConnectorEndpoint == "" {
		return nil, fmt.Errorf("values of %s %s field %q: %w: reading the values records hold needs a connector endpoint",
			o, side, field, sf.ErrUnavailable)
	}
	var body struct {
		Results []string `json:"results"`
	}
	path := "/connector/v1/values/" + url.PathEscape(string(o)) + "/" + url.PathEscape(string(side)) + "/" + url.PathEscape(field)
	if _, err := p.c.do(ctx, p.connector("GET", path, nil, true), &body); err != nil {
		return nil, err
	}
	return body.Results, nil
}
