package main

import (
	"context"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	examples, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "main.hcl"))
	if len(examples) < 3 {
		t.Fatalf("examples: %v", examples)
	}
	for _, ex := range examples {
		t.Run(filepath.Base(filepath.Dir(ex)), func(t *testing.T) { providersAgree(t, withoutConnection(mustRead(t, ex))) })
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

func providersAgree(t *testing.T, body string) {
	const token = "sandbox-token-0123456789"
	var plans []string
	for _, provider := range []string{"sandbox", "hubspot"} {
		t.Run(provider, func(t *testing.T) {
			dir := t.TempDir()
			conn := "connection {\n  provider = \"sandbox\"\n}\n"
			if provider == "hubspot" {
				sb, err := sandbox.Open(context.Background(), filepath.Join(dir, "served.db"))
				if err != nil {
					t.Fatal(err)
				}
				defer sb.Close()
				// 20 ms a request, and 5% of requests failing (502/503 or a
				// dropped connection) before doing anything.
				srv := httptest.NewServer(server.New(sb, server.Options{Token: token, Latency: 20 * time.Millisecond,
					FaultRate: 0.05, Rand: rand.NewPCG(7, 7)}))
				defer srv.Close()
				conn = `connection {
  provider = "hubspot"
  hubspot {
    portal_id = 12345678
    token     = env("HUBSPOT_TOKEN")
    api_url   = "` + srv.URL + `"
  }
  salesforce {
    instance_url = "` + srv.URL + `"
    token        = env("SALESFORCE_TOKEN")
  }
  connector {
    endpoint = "` + srv.URL + `"
  }
}
`
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
			out, _ := runCLI("plan")
			plans = append(plans, out)
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
