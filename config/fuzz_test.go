package config

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform"
)

// fuzzSecret is what env("HOSTILE_TOKEN") and env("T") return under
// FuzzLoad: no part of it may show in a diagnostic. Random letters and
// digits, so that no run of four turns up in a message by chance.
const fuzzSecret = "Zq8vN4kXw2Tm9PrB"

// FuzzLoad feeds arbitrary bytes to the loader as a configuration's one
// main.hcl. No input may make it panic or overflow its stack; its result
// either holds an error diagnostic or is a configuration the planner can
// use (see usable); every diagnostic renders, never quotes the secret in
// any form (a run of four of its characters, in any case, either way
// round, that the file itself does not hold), and points into a file the
// result holds; and loading the same bytes twice reports the same. The
// seeds include the secret changed by each of secretTransforms, in turn
// in each of secretContexts.
func FuzzLoad(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{
		"../examples/*/main.hcl",
		"testdata/valid/*.hcl",
		"testdata/invalid/*.hcl",
		"../cmd/syncform/testdata/hostile/*.hcl",
		"../cmd/syncform/testdata/hostile/*/*.hcl",
	} {
		matches, _ := filepath.Glob(pattern)
		seeds = append(seeds, matches...)
	}
	if len(seeds) < 50 {
		f.Fatalf("only %d seed files", len(seeds))
	}
	for _, name := range seeds {
		// The huge cases expand a few lines into 100,000 values: seconds
		// an execution, for every mutation of them.
		if strings.HasPrefix(filepath.Base(name), "huge_") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for i, x := range secretTransforms {
		ctx := secretContexts[i%len(secretContexts)]
		f.Add([]byte(secretLocals + strings.ReplaceAll(ctx, "X", x)))
	}
	env := envOf("HOSTILE_TOKEN", fuzzSecret, "SALESFORCE_TOKEN", fuzzSecret, "T", fuzzSecret)
	// One directory for every execution of a process (they run one at a
	// time): a new one each would cost more than loading.
	dir := f.TempDir()
	name := filepath.Join(dir, "main.hcl")
	f.Fuzz(func(t *testing.T, src []byte) {
		if err := os.WriteFile(name, src, 0o644); err != nil {
			t.Fatal(err)
		}
		load := func() (*Config, hcl.Diagnostics, string) {
			cfg, diags := LoadFiles(dir, []string{name}, Options{Env: env})
			var out bytes.Buffer
			if err := WriteDiagnostics(&out, cfg.Files, diags, 100, false); err != nil {
				t.Fatal(err)
			}
			return cfg, diags, out.String()
		}
		cfg, diags, text := load()
		if leak := secretLeak(text, fuzzSecret); leak != "" && !strings.Contains(strings.ToLower(string(src)), leak) {
			t.Fatalf("the secret is in a diagnostic (%q):\n%s", leak, text)
		}
		for _, d := range diags {
			if d.Subject != nil && cfg.Files[d.Subject.Filename] == nil {
				t.Errorf("%q points into %s, which the result does not hold", d.Summary, d.Subject.Filename)
			}
		}
		if _, _, again := load(); again != text {
			t.Fatalf("a second load reports differently:\n--- first\n%s\n--- second\n%s", text, again)
		}
		if !diags.HasErrors() {
			if err := usable(cfg); err != "" {
				t.Fatalf("no error reported, but %s", err)
			}
		}
	})
}

// usable says what is wrong with a configuration loaded without error that
// the planner relies on, or "".
func usable(cfg *Config) string {
	c := cfg.Connection
	switch {
	case c.Provider != ProviderSandbox && c.Provider != ProviderHubSpot:
		return "the provider is " + c.Provider
	case c.Provider == ProviderSandbox && c.Sandbox == "":
		return "the sandbox path is empty"
	case c.Provider == ProviderHubSpot && c.DeclRange.Filename != "" && (c.HubSpot == nil || c.Salesforce == nil):
		return "a hubspot connection lacks a block"
	case c.HubSpot != nil && c.HubSpot.Token.Reveal() == "":
		return "the hubspot token is empty"
	}
	seen := map[syncform.Object]bool{}
	for _, ob := range cfg.Objects {
		if _, err := syncform.ParseObject(string(ob.Object)); err != nil || seen[ob.Object] {
			return "object " + string(ob.Object) + " is unknown or twice"
		}
		seen[ob.Object] = true
		for _, p := range ob.Properties {
			if !propertyName.MatchString(p.Name) || !slices.Contains(syncform.FieldTypes(), p.Type) {
				return "property " + p.Name + " has a bad name or type " + string(p.Type)
			}
			if utf8.RuneCountInString(p.Name) > MaxPropertyNameLength || utf8.RuneCountInString(p.Label) > MaxPropertyLabelLength ||
				utf8.RuneCountInString(p.Group) > MaxGroupNameLength {
				return "property " + p.Name + " has a name, label or group past HubSpot's limits"
			}
		}
		for _, m := range ob.Mappings {
			if !propertyName.MatchString(m.Property) || !slices.Contains(syncform.SyncRules(), m.Rule) {
				return "mapping " + m.Property + " has a bad name or rule " + string(m.Rule)
			}
			if m.Options != "" && m.Options != OptionsFromSalesforce {
				return "mapping " + m.Property + " has options " + m.Options
			}
			for _, lb := range m.Labels {
				if utf8.RuneCountInString(lb.ID+lb.Label) > MaxOptionLength {
					return "mapping " + m.Property + " has a label past HubSpot's limit"
				}
			}
		}
		if r := ob.Resync; r != nil {
			if !slices.Contains([]string{"", ResyncSegment, ResyncRecords, ResyncNone}, r.ToSalesforce) ||
				!slices.Contains([]string{"", ResyncImport, ResyncNone}, r.ToHubSpot) || r.BatchSize < 0 ||
				utf8.RuneCountInString(r.Segment) > MaxSegmentNameLength {
				return "a resync block is not one apply can carry out"
			}
		}
	}
	for _, r := range cfg.Rules {
		if !slices.Contains(Severities, r.Severity) {
			return "rule " + r.Slug + " has severity " + r.Severity
		}
	}
	return ""
}
