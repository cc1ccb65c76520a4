package syncform_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/syncform/syncform"

// layers is DESIGN.md §7: each package may import, of this module, only the
// packages named here. A package missing from the table fails the test, so a
// new one must be placed deliberately.
var layers = map[string][]string{
	".":                        {},
	"config":                   {".", "internal/regularfile"},
	"planner":                  {".", "config"},
	"reconciler":               {".", "config", "planner", "reconciler/state"},
	"reconciler/state":         {".", "config", "planner"},
	"reconciler/watch":         {".", "config", "planner", "reconciler", "reconciler/state"},
	"providers/sandbox":        {".", "internal/regularfile"},
	"providers/sandbox/server": {".", "providers/sandbox", "providers/apiwire"},
	"providers/apiwire":        {"."},
	"providers/hubspot":        {".", "providers/apiwire", "internal/regularfile"},
	"cmd/syncform":             {"*"},
	"internal/fixture":         {},
	"internal/regularfile":     {},
	"internal/testutil":        {"*"},
	"examples":                 {"*"},
	"bench":                    {"*"},
	"internal/conformance":     {"*"},
}

// forbidden are outside packages a layer must not use: the pure core does no
// network or terminal I/O, and only the CLI knows cobra.
var forbidden = map[string][]string{
	".":                 {"os", "net", "net/http", "database/sql", "github.com/spf13/cobra", "golang.org/x/term"},
	"config":            {"net", "net/http", "database/sql", "time", "github.com/spf13/cobra", "golang.org/x/term"},
	"planner":           {"os", "net", "net/http", "database/sql", "time", "github.com/spf13/cobra", "golang.org/x/term"},
	"reconciler":        {"github.com/spf13/cobra", "golang.org/x/term"},
	"reconciler/watch":  {"github.com/spf13/cobra", "golang.org/x/term"},
	"providers/sandbox": {"github.com/spf13/cobra", "golang.org/x/term"},
	"providers/hubspot": {"github.com/spf13/cobra", "golang.org/x/term"},
}

// textOnly are standard packages under a forbidden path that only work on
// text: net/url parses URLs and opens no connection.
var textOnly = map[string]bool{"net/url": true}

func TestDependencyDirection(t *testing.T) {
	imports := map[string]map[string]bool{} // package dir → imports (non-test files)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if imports[dir] == nil {
			imports[dir] = map[string]bool{}
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			imports[dir][p] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 5 {
		t.Fatalf("found only %d packages; is the walk broken?", len(imports))
	}
	dirs := make([]string, 0, len(imports))
	for d := range imports {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		allowed, ok := layerOf(dir)
		if !ok {
			t.Errorf("package %s is not placed in the layer table of architecture_test.go", dir)
			continue
		}
		for p := range imports[dir] {
			if strings.HasPrefix(p, module) {
				target := strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
				if target == "" {
					target = "."
				}
				if !contains(allowed, "*") && !contains(allowed, target) {
					t.Errorf("%s imports %s: not allowed (DESIGN.md §7)", dir, target)
				}
				continue
			}
			for _, bad := range forbidden[dir] {
				if p == bad || strings.HasPrefix(p, bad+"/") && !textOnly[p] {
					t.Errorf("%s imports %s: the layer must not", dir, p)
				}
			}
		}
	}
}

func layerOf(dir string) ([]string, bool) {
	// A package nested in a placed one (providers/sandbox/server) shares its
	// layer; the module root's layer is never inherited.
	for d := dir; d != "." && d != "/"; d = filepath.ToSlash(filepath.Dir(d)) {
		if l, ok := layers[d]; ok {
			return l, true
		}
	}
	l, ok := layers[dir]
	return l, ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
