package config

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// Options are the inputs of a load that do not come from the files.
type Options struct {
	// Vars are --var arguments, "name=value", in command-line order.
	Vars []string
	// VarFiles are --var-file paths, in command-line order.
	VarFiles []string
	// Env looks up environment variables for env() and SYNCFORM_VAR_name;
	// nil means an empty environment.
	Env func(name string) (string, bool)
	// Connected, when set, is called with the connection block as soon as
	// it is decoded, if nothing decoded so far has an error, and before the
	// objects are: a caller may start reading the live connection while
	// the rest of the configuration loads. It must not block.
	Connected func(Connection)
}

func (o Options) lookupEnv(name string) (string, bool) {
	if o.Env == nil {
		return "", false
	}
	return o.Env(name)
}

// VarFileSuffix marks variable files, which are read only through --var-file.
const VarFileSuffix = ".vars.hcl"

var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "connection"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "object", LabelNames: []string{"name"}},
		{Type: "rules"},
	},
}

// loader carries one Load's state.
type loader struct {
	parser *hclparse.Parser
	opts   Options
	diags  hcl.Diagnostics
	// dir is the configuration directory, and read the bytes of its files
	// read so far (see MaxConfigBytes).
	dir  string
	read int64
	// tokens counts the tokens of the files read so far (MaxTokens).
	tokens int
	// secrets are the values env() returned, scrubbed from diagnostics.
	secrets *secretSet
	// budget bounds what evaluating the configuration makes.
	budget *budget
}

func (l *loader) add(d ...*hcl.Diagnostic) { l.diags = append(l.diags, d...) }

// Load reads every *.hcl file of dir (except variable files) and returns the
// configuration with every problem found, in one pass: it keeps going after
// an error so that one run reports them all.
func Load(dir string, opts Options) (*Config, hcl.Diagnostics) {
	files, err := ConfigFiles(dir)
	if err != nil {
		return &Config{Dir: dir}, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read the configuration directory", Detail: err.Error()}}
	}
	return LoadFiles(dir, files, opts)
}

// LoadFiles is Load for an explicit list of files; dir is the directory
// relative paths in the configuration (the sandbox file) are resolved from.
func LoadFiles(dir string, files []string, opts Options) (*Config, hcl.Diagnostics) {
	l := &loader{parser: hclparse.NewParser(), opts: opts, secrets: &secretSet{}, budget: &budget{}, dir: dir}
	cfg := &Config{Dir: dir}
	defer func() { cfg.Files = l.parser.Files() }()

	if len(files) == 0 {
		where := "The directory " + dir
		if dir == "." {
			where = "This directory"
		}
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No configuration files",
			Detail: where + " holds no *.hcl files. Run \"syncform init\" to write a starter configuration."})
		return cfg, l.diags
	}

	var blocks hcl.Blocks
	for _, name := range files {
		f := l.parse(name)
		if f == nil {
			continue
		}
		content, diags := f.Body.Content(rootSchema)
		l.add(diags...)
		blocks = append(blocks, content.Blocks...)
	}

	vars := l.variables(blocks.OfType("variable"))
	locals := l.locals(blocks.OfType("locals"), vars)
	ctx := l.evalContext(vars, locals)

	cfg.Connection = l.connection(blocks.OfType("connection"), ctx)
	if l.opts.Connected != nil && !l.diags.HasErrors() {
		l.opts.Connected(cfg.Connection)
	}
	cfg.Rules = l.rules(blocks.OfType("rules"), ctx)
	cfg.Objects = l.objects(blocks.OfType("object"), ctx)

	l.diags = dropNowhere(l.diags)
	fixFunctionSuggestions(l.diags, slices.Sorted(maps.Keys(ctx.Parent().Functions)))
	tidyPanics(l.diags)
	withholdSensitive(l.diags)
	l.secrets.scrub(l.diags, l.parser.Files())
	for _, d := range l.diags { // for every view, not only WriteDiagnostics
		d.Summary, d.Detail = Visible(d.Summary), Visible(d.Detail)
	}
	sortDiagnostics(l.diags)
	return cfg, capDiagnostics(l.diags)
}

// MaxDiagnostics bounds the diagnostics of one load: past it, the rest are
// counted, not kept. Each costs a rendering, and a file of alternating
// invalid characters is millions of them.
const MaxDiagnostics = 100_000

// capDiagnostics keeps the first MaxDiagnostics of sorted diags and says
// how many more there were.
func capDiagnostics(diags hcl.Diagnostics) hcl.Diagnostics {
	if len(diags) <= MaxDiagnostics {
		return diags
	}
	more := len(diags) - MaxDiagnostics
	return append(diags[:MaxDiagnostics:MaxDiagnostics], &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Too many problems",
		Detail: fmt.Sprintf("%d more problems are not shown: syncform reports at most %d. Fix these first.", more, MaxDiagnostics)})
}

// ConfigFiles lists the configuration files of dir, sorted by name.
func ConfigFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".hcl") || strings.HasSuffix(n, VarFileSuffix) || strings.HasPrefix(n, ".") {
			continue
		}
		out = append(out, filepath.Join(dir, n))
	}
	sort.Strings(out)
	return out, nil
}

// sortDiagnostics orders diagnostics by file, line and column; those without
// a source range (command-line problems) come first.
func sortDiagnostics(diags hcl.Diagnostics) {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		case a.Start.Line != b.Start.Line:
			return a.Start.Line < b.Start.Line
		}
		return a.Start.Column < b.Start.Column
	})
}

// SortDiagnostics orders diagnostics as Load does: by file, line and column.
func SortDiagnostics(diags hcl.Diagnostics) { sortDiagnostics(diags) }

// duplicate reports a block or entry declared twice.
func duplicate(what, name string, first, again hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s %q", what, name),
		Detail:   fmt.Sprintf("%s %q was already declared at %s. Each may be declared once; remove or merge one of them.", capitalize(what), name, Where(first)),
		Subject:  again.Ptr(),
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// dropNowhere deals with diagnostics whose range names no file: HCL gives
// them when it evaluates what it recovered of a broken expression (an
// unclosed call, "regex(", is a call with no arguments and no closing
// parenthesis). They echo a syntax error reported with its position, so
// they go; were there no such error, they would stay, without the range.
func dropNowhere(diags hcl.Diagnostics) hcl.Diagnostics {
	placed := slices.ContainsFunc(diags, func(d *hcl.Diagnostic) bool {
		return d.Severity == hcl.DiagError && d.Subject != nil && d.Subject.Filename != ""
	})
	out := diags[:0]
	for _, d := range diags {
		if d.Context != nil && d.Context.Filename == "" {
			d.Context = nil
		}
		if d.Subject != nil && d.Subject.Filename == "" {
			if placed {
				continue
			}
			d.Subject = nil
		}
		out = append(out, d)
	}
	return out
}

// Where renders a range's start as people read it: file:line.
func Where(r hcl.Range) string { return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line) }
