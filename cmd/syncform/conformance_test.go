package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sf "github.com/syncform/syncform"
	"github.com/syncform/syncform/examples"
	"github.com/syncform/syncform/providers/hubspot"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/providers/sandbox/server"
)

// TestProvidersAgree runs the quickstart through the CLI twice, on two new
// sandboxes: once with the sandbox provider in-process, once with the
// hubspot provider over HTTP against the same kind of sandbox served on
// 127.0.0.1 with 20 ms of latency and 5% injected faults (5xx, 429 with
// Retry-After, dropped connections). Both must show
// the same plan, apply it, and then plan no changes.
func TestProvidersAgree(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "main.hcl"))
	if len(dirs) < 3 {
		t.Fatalf("examples: %v", dirs)
	}
	for _, ex := range dirs {
		name := filepath.Base(filepath.Dir(ex))
		t.Run(name, func(t *testing.T) {
			providersAgree(t, withoutConnection(mustRead(t, ex)), examples.CustomFields[name])
		})
	}
}

// withoutConnection drops a configuration's connection block: the test
// supplies its own.
func withoutConnection(src string) string {
	start := strings.Index(src, "connection {")
	if start < 0 {
		return src
	}
	depth := 0
	for i := start; i < len(src); i++ {
		switch src[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return src[:start] + src[i+1:]
			}
		}
	}
	return src
}

// providersAgree runs body on both providers; each sandbox first gets
// customFields generated custom fields.
func providersAgree(t *testing.T, body string, customFields int) {
	const token = "sandbox-token-0123456789"
	var plans []string
	for _, provider := range []string{"sandbox", "hubspot"} {
		t.Run(provider, func(t *testing.T) {
			dir := t.TempDir()
			conn := "connection {\n  provider = \"sandbox\"\n}\n"
			path := filepath.Join(dir, ".syncform", "sandbox.db")
			if provider == "hubspot" {
				path = filepath.Join(dir, "served.db")
			}
			sb, err := sandbox.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if err := sb.AddCustomFields(context.Background(), customFields); err != nil {
				t.Fatal(err)
			}
			if provider == "sandbox" {
				sb.Close()
			} else {
				defer sb.Close()
				// 20 ms a request, and 5% of requests failing (502/503 or a
				// dropped connection) before doing anything.
				srv := httptest.NewServer(server.New(sb, server.Options{Token: token, Latency: 20 * time.Millisecond,
					FaultRate: 0.05, Rand: rand.NewPCG(7, 7)}))
				defer srv.Close()
				conn = servedConnection(t, srv.URL, sb)
			}
			os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(conn+body), 0o644)
			t.Chdir(dir)
			env := map[string]string{"HUBSPOT_TOKEN": token, "SALESFORCE_TOKEN": token}
			runCLI := func(args ...string) (string, string) {
				a, out, errb := testApp("", false)
				a.lookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
				if code := run(context.Background(), a, args); code != exitOK {
					t.Fatalf("syncform %s: exit %d\n%s", strings.Join(args, " "), code, errb)
				}
				if strings.Contains(out.String()+errb.String(), token) {
					t.Fatal("the token reached the output")
				}
				return out.String(), errb.String()
			}
			out, _ := runCLI("plan", "--out", "plan.json")
			plans = append(plans, out)
			// Nor in a saved plan, nor in the state database.
			for _, f := range []string{"plan.json", filepath.Join(".syncform", "state.db")} {
				if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), token) {
					t.Fatalf("the token reached %s", f)
				}
			}
			out, _ = runCLI("apply", "--auto-approve")
			if !strings.Contains(out, "Apply complete:") {
				t.Fatalf("apply:\n%s", out)
			}
			if out, _ = runCLI("plan"); !strings.Contains(out, "No changes.") {
				t.Fatalf("plan after apply:\n%s", out)
			}
		})
	}
	if len(plans) == 2 && plans[0] != plans[1] {
		t.Errorf("the providers planned differently:\n--- sandbox\n%s\n--- hubspot\n%s", plans[0], plans[1])
	}
}

// TestPlanRequestsDoNotGrow plans n new mappings through the hubspot
// provider against a served sandbox and counts the requests the server
// sees: a plan reads settings, schema and owners in a fixed number of
// requests, however many mappings there are.
func TestPlanRequestsDoNotGrow(t *testing.T) {
	const token = "sandbox-token-0123456789"
	counts := map[int]int64{}
	for _, perObject := range []int{5, 495} {
		dir := t.TempDir()
		ctx := context.Background()
		sb, err := sandbox.Open(ctx, filepath.Join(dir, "served.db"))
		if err != nil {
			t.Fatal(err)
		}
		if err := sb.AddCustomFields(ctx, perObject); err != nil {
			t.Fatal(err)
		}
		var n atomic.Int64
		h := server.New(sb, server.Options{Token: token})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			h.ServeHTTP(w, r)
		}))
		var b strings.Builder
		b.WriteString(servedConnection(t, srv.URL, sb) + `rules {
  mapping-limit = "off"
}
`)
		for _, o := range []string{"contacts", "companies", "deals"} {
			count := perObject
			if o == "contacts" && count > 470 {
				count = 470 // 25 standard mappings already
			}
			fmt.Fprintf(&b, `object %q {
  sync = true
  dynamic "property" {
    for_each = range(1, %d)
    labels   = [format("extra_%%03d", property.value)]
    content {
      label = format("Extra %%d", property.value)
      type  = "text"
    }
  }
  dynamic "mapping" {
    for_each = range(1, %d)
    labels   = [format("extra_%%03d", mapping.value)]
    content {
      salesforce_field = format("Extra_%%03d__c", mapping.value)
      rule             = "always_use_salesforce"
    }
  }
  resync {
    to_salesforce = "none"
  }
}
`, o, count+1, count+1)
		}
		os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(b.String()), 0o644)
		t.Chdir(dir)
		a, out, errb := testApp("", false)
		a.lookupEnv = func(k string) (string, bool) { return token, k == "HUBSPOT_TOKEN" || k == "SALESFORCE_TOKEN" }
		if code := run(ctx, a, []string{"plan"}); code != exitOK {
			t.Fatalf("plan: exit %d\n%s", code, errb)
		}
		if !strings.Contains(out.String(), "to back-fill") {
			t.Fatalf("plan:\n%s", tail(out.String()))
		}
		counts[perObject] = n.Load()
		t.Logf("%d mappings per object: %d requests (%s)", perObject, n.Load(), tail(out.String()))
		srv.Close()
		sb.Close()
	}
	if counts[495] != counts[5] {
		t.Errorf("requests: %d for 15 mappings, %d for about 1,460; want the same", counts[5], counts[495])
	}
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// servedConnection is a connection block for the hubspot provider against
// sb served at url (HubSpot, Salesforce and the connector endpoint alike),
// with its portal ID and tokens from the environment.
func servedConnection(t *testing.T, url string, sb *sandbox.Sandbox) string {
	t.Helper()
	portal, _, err := sb.Portal(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return `connection {
  provider = "hubspot"
  hubspot {
    portal_id = ` + strconv.FormatInt(portal, 10) + `
    token     = env("HUBSPOT_TOKEN")
    api_url   = "` + url + `"
  }
  salesforce {
    instance_url = "` + url + `"
    token        = env("SALESFORCE_TOKEN")
  }
  connector {
    endpoint = "` + url + `"
  }
}
`
}

// overHTTPEnv, set to 1, makes the scenarios' syncform reach every sandbox
// over HTTP (TestScriptsOverHTTP).
const overHTTPEnv = "SYNCFORM_TEST_OVER_HTTP"

// serveOverHTTP serves sb on 127.0.0.1, with 20 ms of latency and 5% of
// requests failing, and returns the hubspot provider connected to it. A
// manual connection is read from the connector's mapping export instead of
// the endpoint, as a person would export it. Closing the provider stops the
// server and closes sb.
func serveOverHTTP(ctx context.Context, sb *sandbox.Sandbox, manual bool) (sf.Provider, error) {
	tok := make([]byte, 16)
	crand.Read(tok)
	token := hex.EncodeToString(tok)
	srv := httptest.NewServer(server.New(sb, server.Options{Token: token, Latency: 20 * time.Millisecond, FaultRate: 0.05}))
	cleanup := func() {
		srv.Close()
		sb.Close()
	}
	c := hubspot.Config{HubSpotURL: srv.URL, HubSpotToken: sf.NewSecret(token),
		SalesforceURL: srv.URL, SalesforceToken: sf.NewSecret(token), ConnectorEndpoint: srv.URL}
	if manual {
		csv, err := exportMappings(ctx, sb)
		if err != nil {
			cleanup()
			return nil, err
		}
		c.ConnectorEndpoint, c.MappingsCSV = "", csv
		cleanup = func() {
			srv.Close()
			sb.Close()
			os.Remove(csv)
		}
	}
	p, err := hubspot.Connect(c)
	if err != nil {
		cleanup()
		return nil, err
	}
	switch p := p.(type) {
	case *hubspot.BackfillProvider:
		return servedBackfill{p, cleanup}, nil
	case *hubspot.Provider:
		return served{p, cleanup}, nil
	}
	return nil, fmt.Errorf("unexpected provider %T", p)
}

// exportMappings writes the mapping export of the objects that sync, as the
// connector's settings page gives it, to a temporary file.
func exportMappings(ctx context.Context, sb *sandbox.Sandbox) (string, error) {
	snap, err := sb.Snapshot(ctx)
	if err != nil {
		return "", err
	}
	var on []sf.Object
	for _, o := range sf.Objects() {
		if snap.Sync[o] {
			on = append(on, o)
		}
	}
	f, err := os.CreateTemp("", "mappings-*.csv")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := sf.WriteMappingsCSV(f, snap, on); err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

// served and servedBackfill are the hubspot provider types, closing their
// server too (embedding keeps the optional interfaces they implement).
type served struct {
	*hubspot.Provider
	cleanup func()
}

func (s served) Close() error { s.Provider.Close(); s.cleanup(); return nil }

type servedBackfill struct {
	*hubspot.BackfillProvider
	cleanup func()
}

func (s servedBackfill) Close() error { s.BackfillProvider.Close(); s.cleanup(); return nil }
