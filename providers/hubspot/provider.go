package hubspot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/regularfile"
)

// Config configures a Provider. Zero values take the defaults noted.
type Config struct {
	// PortalID, when set, is the portal the HubSpot token must reach
	// (Identity refuses another).
	PortalID int64
	// HubSpotURL is the HubSpot API's base URL; default DefaultHubSpotURL.
	HubSpotURL   string
	HubSpotToken sf.Secret
	// SalesforceURL is the org's instance URL.
	SalesforceURL   string
	SalesforceToken sf.Secret
	// APIVersion is the Salesforce REST API version; default "v60.0".
	APIVersion string
	// ConnectorEndpoint is the base URL of a connector-settings API in the
	// sandbox server's shapes (/connector/v1/...), authenticated with the
	// HubSpot token; empty means none.
	ConnectorEndpoint string
	// MappingsCSV is the path of the connector's mapping export, read when
	// there is no ConnectorEndpoint.
	MappingsCSV string
	// RateLimit is the most HubSpot requests per ten seconds; default 100.
	RateLimit int
	// MaxConcurrency bounds concurrent fetches; default 4.
	MaxConcurrency int
	// Timeout bounds one request attempt; default 30 s.
	Timeout time.Duration
	// Retries is how many times a failed request is retried; 0 means the
	// default of 5, a negative number none.
	Retries int
	// HTTPClient, when set, makes the requests.
	HTTPClient *http.Client
}

// Defaults.
const (
	DefaultHubSpotURL     = "https://api.hubapi.com"
	DefaultAPIVersion     = "v60.0"
	DefaultRateLimit      = 100
	DefaultMaxConcurrency = 4
	DefaultTimeout        = 30 * time.Second
	DefaultRetries        = 5
)

// rateWindow is HubSpot's burst window.
const rateWindow = 10 * time.Second

// Provider is a live connection over HTTP. See the package doc.
type Provider struct {
	cfg Config
	c   *client
	sem chan struct{}

	descMu    sync.Mutex
	describes map[string]*sf.SObject // nil value: the object has no describe (404)

	idMu sync.Mutex
	id   *sf.Identity // once read
}

var _ sf.Provider = (*Provider)(nil)

// New checks c, fills its defaults and returns a Provider. It makes no
// request.
func New(c Config) (*Provider, error) {
	if c.HubSpotURL == "" {
		c.HubSpotURL = DefaultHubSpotURL
	}
	if c.APIVersion == "" {
		c.APIVersion = DefaultAPIVersion
	}
	if c.RateLimit <= 0 {
		c.RateLimit = DefaultRateLimit
	}
	if c.MaxConcurrency <= 0 {
		c.MaxConcurrency = DefaultMaxConcurrency
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Retries < 0 {
		c.Retries = 0
	} else if c.Retries == 0 {
		c.Retries = DefaultRetries
	}
	for _, u := range []struct{ name, v string }{
		{"HubSpot URL", c.HubSpotURL}, {"Salesforce URL", c.SalesforceURL}, {"connector endpoint", c.ConnectorEndpoint},
	} {
		if u.v == "" && u.name == "connector endpoint" {
			continue
		}
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, fmt.Errorf("hubspot provider: the %s must be an http(s) URL", u.name)
		}
		if p.User != nil {
			return nil, fmt.Errorf("hubspot provider: the %s must not carry credentials; use the token settings", u.name)
		}
	}
	if c.HubSpotToken.IsZero() || c.SalesforceToken.IsZero() {
		return nil, errors.New("hubspot provider: both the HubSpot and the Salesforce token are required")
	}
	if c.ConnectorEndpoint == "" && c.MappingsCSV == "" {
		return nil, errors.New("hubspot provider: set a connector endpoint or the path of the connector's mappings CSV export")
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	return &Provider{
		cfg: c,
		c: &client{
			http: hc, timeout: c.Timeout, retries: c.Retries,
			limiter: newBucket(c.RateLimit, rateWindow),
			now:     time.Now, sleep: sleepCtx, jitter: fullJitter,
			requests: map[string]int{},
		},
		sem:       make(chan struct{}, c.MaxConcurrency),
		describes: map[string]*sf.SObject{},
	}, nil
}

// Connect is New, returning a *BackfillProvider (which also implements
// syncform.Backfiller) when a connector endpoint is configured.
func Connect(c Config) (sf.Provider, error) {
	p, err := New(c)
	if err != nil {
		return nil, err
	}
	if p.cfg.ConnectorEndpoint != "" {
		return &BackfillProvider{p}, nil
	}
	return p, nil
}

// Close releases idle connections.
func (p *Provider) Close() error {
	p.c.http.CloseIdleConnections()
	return nil
}

// SalesforceUsage is the org's API usage as the last Salesforce response's
// Sforce-Limit-Info reported it (0, 0 before any).
func (p *Provider) SalesforceUsage() (used, limit int) { return p.c.usage() }

// Requests counts the requests made per API ("hubspot", "salesforce",
// "connector"), retries included.
func (p *Provider) Requests() map[string]int {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	out := make(map[string]int, len(p.c.requests))
	for k, v := range p.c.requests {
		out[k] = v
	}
	return out
}

// hubspot, salesforce and connector build requests to each API; path is
// escaped by the caller.
func (p *Provider) hubspot(method, path string, body any, retry bool) request {
	return request{api: apiHubSpot, method: method, url: strings.TrimRight(p.cfg.HubSpotURL, "/") + path,
		what: method + " " + path, token: p.cfg.HubSpotToken, body: body, retry: retry}
}

// salesforcePath roots path in the REST API of the configured version.
func (p *Provider) salesforcePath(path string) string {
	if strings.HasPrefix(path, "/services/") {
		return path // a nextRecordsUrl is already rooted
	}
	return "/services/data/" + p.cfg.APIVersion + path
}

func (p *Provider) salesforce(path string) request {
	full := p.salesforcePath(path)
	what := "GET " + full
	if i := strings.Index(what, "?"); i >= 0 {
		what = what[:i] // a query string is long and says nothing useful
	}
	return request{api: apiSalesforce, method: http.MethodGet, url: strings.TrimRight(p.cfg.SalesforceURL, "/") + full,
		what: what, token: p.cfg.SalesforceToken, retry: true}
}

func (p *Provider) connector(method, path string, body any, retry bool) request {
	return request{api: apiConnector, method: method, url: strings.TrimRight(p.cfg.ConnectorEndpoint, "/") + path,
		what: method + " " + path, token: p.cfg.HubSpotToken, body: body, retry: retry}
}

// group runs fetches with at most MaxConcurrency at once and keeps the
// first error.
type group struct {
	p    *Provider
	wg   sync.WaitGroup
	mu   sync.Mutex
	err  error
	ctx  context.Context
	stop context.CancelFunc
}

func (p *Provider) newGroup(ctx context.Context) *group {
	ctx, stop := context.WithCancel(ctx)
	return &group{p: p, ctx: ctx, stop: stop}
}

func (g *group) Go(fn func(ctx context.Context) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		select {
		case g.p.sem <- struct{}{}:
		case <-g.ctx.Done():
			g.fail(g.ctx.Err())
			return
		}
		err := fn(g.ctx)
		<-g.p.sem
		if err != nil {
			g.fail(err)
		}
	}()
}

func (g *group) fail(err error) {
	g.mu.Lock()
	if g.err == nil {
		g.err = err
		g.stop()
	}
	g.mu.Unlock()
}

func (g *group) Wait() error {
	g.wg.Wait()
	g.stop()
	return g.err
}

// MaxMappingsCSV bounds the connector's mapping export that readCSV reads:
// 3 objects of at most 500 mappings are about 300 KB of CSV, so a larger
// file is not one (a device such as /dev/zero would never end).
const MaxMappingsCSV = 16 << 20

// readCSV reads the connector's mapping export: a regular file of at most
// MaxMappingsCSV bytes. It is opened without blocking, so that a named pipe
// is refused rather than waited on for ever.
func (p *Provider) readCSV() ([]sf.Mapping, error) {
	f, fi, err := regularfile.Open(p.cfg.MappingsCSV)
	var nr *regularfile.NotRegularError
	switch {
	case errors.As(err, &nr):
		return nil, fmt.Errorf("%s: the connector's mappings export is not a regular file (it is %s)", p.cfg.MappingsCSV, regularfile.Kind(nr.Mode))
	case err != nil:
		return nil, fmt.Errorf("reading the connector's mappings export: %w", err)
	}
	defer f.Close()
	tooLarge := fmt.Errorf("%s: the connector's mappings export is larger than %d MiB, the most syncform reads", p.cfg.MappingsCSV, MaxMappingsCSV>>20)
	if fi.Size() > MaxMappingsCSV {
		return nil, tooLarge
	}
	lr := &io.LimitedReader{R: f, N: MaxMappingsCSV + 1}
	ms, err := sf.ReadMappingsCSV(lr)
	if lr.N == 0 {
		return nil, tooLarge // the file grew while it was read
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.cfg.MappingsCSV, err)
	}
	return ms, nil
}
