package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/apiwire"
)

// salesforceSide reads the Salesforce half of a snapshot: the describes of
// the objects the connector syncs and, round by round, of every object
// their reference fields point at, and the users and queues. What is not
// cached goes through Salesforce's composite resource, which counts as one
// call against the org's daily limit (shared with the connector) for up to
// 25 subrequests: a plan reads the whole side in two calls, plus pages of
// long query answers. Objects without a describe (404: User, Group on some
// orgs) are left out.
func (p *Provider) salesforceSide(ctx context.Context, snap *sf.Snapshot) error {
	var users []sf.SalesforceUser
	var queues []sf.Queue
	queries := []subquery{
		{soql: usersSOQL, fn: func(r map[string]any) error { users = append(users, userOf(r)); return nil }},
		{soql: queuesSOQL, fn: func(r map[string]any) error { queues = append(queues, queueOf(r)); return nil }},
	}
	objects := map[string]sf.SObject{}
	seen := map[string]bool{}
	for next := baseSObjects(); len(next) > 0; {
		for _, n := range next {
			seen[n] = true
		}
		described, err := p.describe(ctx, next, queries)
		if err != nil {
			return err
		}
		queries = nil // the first round ran them
		var refs []string
		for _, so := range described {
			objects[so.Name] = cloneSObject(*so)
			for _, f := range so.Fields {
				for _, to := range f.ReferenceTo {
					if !seen[to] {
						seen[to] = true
						refs = append(refs, to)
					}
				}
			}
		}
		sort.Strings(refs)
		next = refs
	}
	snap.SObjects, snap.Users, snap.Queues = objects, users, queues
	return nil
}

// subquery is a SOQL query run in a composite call; fn gets each record of
// every page.
type subquery struct {
	soql string
	fn   func(map[string]any) error
}

// cloneSObject copies a cached describe so Sort and callers cannot alter the
// cache.
func cloneSObject(so sf.SObject) sf.SObject {
	so.Fields = slices.Clone(so.Fields)
	return so
}

// describe returns the describes of names (those with one), from the cache
// or fetched, and runs queries in the same composite calls.
func (p *Provider) describe(ctx context.Context, names []string, queries []subquery) ([]*sf.SObject, error) {
	var out []*sf.SObject
	var subs []apiwire.CompositeSubrequest
	var fetch []string
	for _, name := range names {
		p.descMu.Lock()
		so, cached := p.describes[name]
		p.descMu.Unlock()
		switch {
		case cached && so != nil:
			out = append(out, so)
		case cached, !soqlName.MatchString(name):
		default:
			fetch = append(fetch, name)
			subs = append(subs, apiwire.CompositeSubrequest{Method: http.MethodGet,
				URL: p.salesforcePath("/sobjects/" + url.PathEscape(name) + "/describe")})
		}
	}
	for _, q := range queries {
		subs = append(subs, apiwire.CompositeSubrequest{Method: http.MethodGet, URL: p.salesforcePath(queryPath(q.soql))})
	}
	answers, err := p.composite(ctx, subs)
	if err != nil {
		return nil, err
	}
	for i, name := range fetch {
		var d apiwire.Describe
		switch err := decodeSub(subs[i], answers[i], &d); {
		case answers[i].StatusCode == http.StatusNotFound:
			p.cacheDescribe(name, nil)
		case err != nil:
			return nil, p.c.subError(subs[i], answers[i], err)
		default:
			so := d.SObject()
			p.cacheDescribe(name, &so)
			out = append(out, &so)
		}
	}
	for k, q := range queries {
		i := len(fetch) + k
		var page queryPage
		if err := decodeSub(subs[i], answers[i], &page); err != nil {
			return nil, p.c.subError(subs[i], answers[i], err)
		}
		if err := p.consume(ctx, page, q.fn); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (p *Provider) cacheDescribe(name string, so *sf.SObject) {
	p.descMu.Lock()
	p.describes[name] = so
	p.descMu.Unlock()
}

// composite runs subs through Salesforce's composite resource, as few calls
// as its limits allow, and returns their answers in order. Every
// subrequest is a GET: a call is retried like one, and so are the
// subrequests that fail as a GET would be retried (429, 5xx), with the
// client's backoff and number of retries.
func (p *Provider) composite(ctx context.Context, subs []apiwire.CompositeSubrequest) ([]apiwire.CompositeSubresponse, error) {
	out, err := p.compositeCalls(ctx, subs)
	for attempt := 0; err == nil; attempt++ {
		var again []int
		for i, r := range out {
			if r.StatusCode == http.StatusTooManyRequests || r.StatusCode >= 500 {
				again = append(again, i)
			}
		}
		if len(again) == 0 || attempt >= p.c.retries {
			break
		}
		if err := p.c.sleep(ctx, p.c.jitter(min(maxBackoff, baseBackoff<<attempt))); err != nil {
			return nil, fmt.Errorf("POST %s: %w: %w", p.salesforcePath("/composite"), sf.ErrUnavailable, err)
		}
		retry := make([]apiwire.CompositeSubrequest, len(again))
		for k, i := range again {
			retry[k] = subs[i]
		}
		var answers []apiwire.CompositeSubresponse
		if answers, err = p.compositeCalls(ctx, retry); err == nil {
			for k, i := range again {
				out[i] = answers[k]
			}
		}
	}
	return out, err
}

// compositeCalls is composite's calls, once each.
func (p *Provider) compositeCalls(ctx context.Context, subs []apiwire.CompositeSubrequest) ([]apiwire.CompositeSubresponse, error) {
	var out []apiwire.CompositeSubresponse
	for start := 0; start < len(subs); {
		end, queries := start, 0
		for end < len(subs) && end-start < apiwire.MaxCompositeSubrequests {
			if isQueryPath(subs[end].URL) {
				if queries == apiwire.MaxCompositeQueries {
					break
				}
				queries++
			}
			end++
		}
		chunk := slices.Clone(subs[start:end])
		for i := range chunk {
			chunk[i].ReferenceID = "r" + strconv.Itoa(i)
		}
		var body apiwire.CompositeResponse
		req := p.salesforce("/composite")
		req.method, req.what, req.body = http.MethodPost, "POST "+p.salesforcePath("/composite"), apiwire.CompositeRequest{Requests: chunk}
		if _, err := p.c.do(ctx, req, &body); err != nil {
			return nil, err
		}
		if len(body.Responses) != len(chunk) {
			return nil, fmt.Errorf("%s: %w: %d answers for %d subrequests", req.what, sf.ErrUnavailable, len(body.Responses), len(chunk))
		}
		out = append(out, body.Responses...)
		start = end
	}
	return out, nil
}

// isQueryPath reports whether a rooted Salesforce path is a query.
func isQueryPath(path string) bool {
	_, rest, _ := strings.Cut(path, "/services/data/")
	_, rest, _ = strings.Cut(rest, "/")
	return strings.HasPrefix(rest, "query")
}

// decodeSub decodes a successful subrequest's body into out; a failed one
// is an *apiError.
func decodeSub(sub apiwire.CompositeSubrequest, r apiwire.CompositeSubresponse, out any) error {
	if r.StatusCode < 200 || r.StatusCode >= 300 {
		return decodeError(r.StatusCode, "", r.Body)
	}
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("decoding the answer to GET %s: %v", sub.URL, err)
	}
	return nil
}

// subError classifies a failed subrequest as a whole response of its own
// would be.
func (c *client) subError(sub apiwire.CompositeSubrequest, r apiwire.CompositeSubresponse, err error) error {
	return c.classify(request{api: apiSalesforce, what: "GET " + sub.URL}, r.StatusCode, err, 0)
}
