package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// EnvVarPrefix names environment variables that set configuration variables:
// SYNCFORM_VAR_region_rule sets var.region_rule.
const EnvVarPrefix = "SYNCFORM_VAR_"

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
	},
}

type variableDecl struct {
	name      string
	typ       cty.Type
	def       cty.Value // cty.NilVal when there is no default
	declRange hcl.Range
}

// variables decodes the variable blocks and resolves each value from, in
// rising precedence: the default, SYNCFORM_VAR_name, --var-file files in
// order, and --var arguments in order.
func (l *loader) variables(blocks hcl.Blocks) map[string]cty.Value {
	decls := map[string]*variableDecl{}
	var names []string
	for _, b := range blocks {
		name := b.Labels[0]
		if !hclsyntax.ValidIdentifier(name) {
			l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid variable name",
				Detail: "A variable name must start with a letter and contain only letters, digits, underscores and dashes.", Subject: b.LabelRanges[0].Ptr()})
			continue
		}
		if prev, ok := decls[name]; ok {
			l.add(duplicate("variable", name, prev.declRange, b.DefRange))
			continue
		}
		content, diags := b.Body.Content(variableSchema)
		l.add(diags...)
		d := &variableDecl{name: name, typ: cty.DynamicPseudoType, def: cty.NilVal, declRange: b.DefRange}
		if a, ok := content.Attributes["type"]; ok {
			t, diags := typeexpr.TypeConstraint(a.Expr)
			l.add(diags...)
			if !diags.HasErrors() {
				d.typ = t
			}
		}
		if a, ok := content.Attributes["default"]; ok {
			v, diags := a.Expr.Value(nil)
			l.add(diags...)
			if !diags.HasErrors() {
				d.def = l.convertVar(d, v, a.Expr.Range())
			}
		}
		decls[name] = d
		names = append(names, name)
	}
	sort.Strings(names)

	values := map[string]cty.Value{}
	for _, n := range names {
		d := decls[n]
		if raw, ok := l.opts.lookupEnv(EnvVarPrefix + n); ok {
			values[n] = l.rawVar(d, raw, "environment variable "+EnvVarPrefix+n)
		}
	}
	for _, path := range l.opts.VarFiles {
		l.varFile(path, decls, names, values)
	}
	for _, arg := range l.opts.Vars {
		name, raw, ok := strings.Cut(arg, "=")
		if !ok || name == "" {
			l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid --var argument",
				Detail: fmt.Sprintf("The argument %q is not of the form name=value.", arg)})
			continue
		}
		d, ok := decls[name]
		if !ok {
			l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Value for undeclared variable",
				Detail: fmt.Sprintf("--var sets %q, but no variable of that name is declared.%s", name, DidYouMean(name, names))})
			continue
		}
		values[name] = l.rawVar(d, raw, "--var "+name)
	}
	for _, n := range names {
		d := decls[n]
		if _, ok := values[n]; ok {
			continue
		}
		if d.def == cty.NilVal {
			l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No value for required variable",
				Detail:  fmt.Sprintf("The variable %q has no default. Set it with --var %s=..., a --var-file, or the environment variable %s%s.", n, n, EnvVarPrefix, n),
				Subject: d.declRange.Ptr()})
			values[n] = cty.UnknownVal(d.typ)
			continue
		}
		values[n] = d.def
	}
	return values
}

// rawVar converts a value given on the command line or in the environment:
// a string variable takes it literally, any other type parses it as an HCL
// expression (so --var 'fields=["a","b"]' works).
func (l *loader) rawVar(d *variableDecl, raw, source string) cty.Value {
	if d.typ == cty.String || d.typ == cty.DynamicPseudoType {
		return cty.StringVal(raw)
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), source, hcl.Pos{Line: 1, Column: 1, Byte: 0})
	if diags.HasErrors() {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf("The value given by %s for variable %q is not a valid expression of type %s.", source, d.name, d.typ.FriendlyName())})
		return cty.UnknownVal(d.typ)
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf("The value given by %s for variable %q cannot be evaluated: it may not refer to anything.", source, d.name)})
		return cty.UnknownVal(d.typ)
	}
	out, err := convert.Convert(v, d.typ)
	if err != nil {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf("The value given by %s for variable %q is not a %s: %s.", source, d.name, d.typ.FriendlyName(), err)})
		return cty.UnknownVal(d.typ)
	}
	return out
}

func (l *loader) convertVar(d *variableDecl, v cty.Value, rng hcl.Range) cty.Value {
	out, err := convert.Convert(v, d.typ)
	if err != nil {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf("The variable %q requires a %s: %s.", d.name, d.typ.FriendlyName(), err), Subject: rng.Ptr()})
		return cty.UnknownVal(d.typ)
	}
	return out
}

// varFile reads one --var-file: attributes naming declared variables.
func (l *loader) varFile(path string, decls map[string]*variableDecl, names []string, values map[string]cty.Value) {
	f, diags := l.parser.ParseHCLFile(path)
	l.add(diags...)
	if f == nil {
		return
	}
	attrs, diags := f.Body.JustAttributes()
	l.add(diags...)
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := attrs[k]
		d, ok := decls[k]
		if !ok {
			l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Value for undeclared variable",
				Detail: fmt.Sprintf("This file sets %q, but no variable of that name is declared.%s", k, DidYouMean(k, names)), Subject: a.NameRange.Ptr()})
			continue
		}
		v, diags := a.Expr.Value(nil)
		l.add(diags...)
		if diags.HasErrors() {
			continue
		}
		values[k] = l.convertVar(d, v, a.Expr.Range())
	}
}

// locals evaluates every locals block, in dependency order; a local that
// (through others) refers to itself is reported.
func (l *loader) locals(blocks hcl.Blocks, vars map[string]cty.Value) map[string]cty.Value {
	attrs := map[string]*hcl.Attribute{}
	for _, b := range blocks {
		as, diags := b.Body.JustAttributes()
		l.add(diags...)
		for name, a := range as {
			if prev, ok := attrs[name]; ok {
				l.add(duplicate("local value", name, prev.NameRange, a.NameRange))
				continue
			}
			attrs[name] = a
		}
	}
	values := map[string]cty.Value{}
	pending := make([]string, 0, len(attrs))
	for n := range attrs {
		pending = append(pending, n)
	}
	sort.Strings(pending)
	for len(pending) > 0 {
		var waiting []string
		for _, n := range pending {
			if dependsOnPending(attrs[n], attrs, values) {
				waiting = append(waiting, n)
				continue
			}
			v, diags := attrs[n].Expr.Value(evalContext(vars, values, l.opts, l.secrets))
			l.add(diags...)
			if diags.HasErrors() {
				v = cty.DynamicVal
			}
			values[n] = v
		}
		if len(waiting) == len(pending) {
			// Only the locals on a cycle are to blame; the others merely
			// depend on one and fail with it.
			for _, n := range waiting {
				values[n] = cty.DynamicVal
				if !onCycle(n, attrs) {
					continue
				}
				l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Circular reference between local values",
					Detail:  fmt.Sprintf("local.%s refers, directly or through other locals, to itself. Break the cycle.", n),
					Subject: attrs[n].Expr.Range().Ptr()})
			}
			break
		}
		pending = waiting
	}
	return values
}

// dependsOnPending reports whether a refers to a declared local not yet
// evaluated.
func dependsOnPending(a *hcl.Attribute, attrs map[string]*hcl.Attribute, done map[string]cty.Value) bool {
	for _, n := range localRefs(a, attrs) {
		if _, evaluated := done[n]; !evaluated {
			return true
		}
	}
	return false
}

// onCycle reports whether local n can reach itself through references.
func onCycle(n string, attrs map[string]*hcl.Attribute) bool {
	seen := map[string]bool{}
	stack := localRefs(attrs[n], attrs)
	for len(stack) > 0 {
		m := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if m == n {
			return true
		}
		if !seen[m] {
			seen[m] = true
			stack = append(stack, localRefs(attrs[m], attrs)...)
		}
	}
	return false
}

// localRefs lists the declared locals a refers to.
func localRefs(a *hcl.Attribute, attrs map[string]*hcl.Attribute) []string {
	var out []string
	for _, t := range a.Expr.Variables() {
		if t.RootName() != "local" || len(t) < 2 {
			continue
		}
		if step, ok := t[1].(hcl.TraverseAttr); ok {
			if _, declared := attrs[step.Name]; declared {
				out = append(out, step.Name)
			}
		}
	}
	return out
}
