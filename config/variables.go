package config

import (
	"fmt"
	"maps"
	"slices"
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
	// The value has no file to point into: its diagnostics point at the
	// declaration of the variable it was meant for.
	invalid := func(format string, args ...any) cty.Value {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for variable",
			Detail: fmt.Sprintf(format, args...), Subject: d.declRange.Ptr()})
		return cty.UnknownVal(d.typ)
	}
	if len(raw) > MaxVarBytes {
		return invalid("The value given by %s for variable %q is longer than %s, the most syncform takes of one value.", source, d.name, bytesString(MaxVarBytes))
	}
	if d.typ == cty.String || d.typ == cty.DynamicPseudoType {
		return cty.StringVal(raw)
	}
	// Parsing recurses, so a value nested too deeply is refused first, as in
	// a file.
	tokens, _ := hclsyntax.LexExpression([]byte(raw), source, hcl.InitialPos)
	if nestingError(tokens) != nil {
		return invalid("The value given by %s for variable %q nests more than %d levels deep.", source, d.name, MaxNesting)
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), source, hcl.InitialPos)
	if diags.HasErrors() {
		return invalid("The value given by %s for variable %q is not a valid expression of type %s (%s).", source, d.name, d.typ.FriendlyName(), firstError(diags))
	}
	budgetExpressions(expr, l.budget)
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return invalid("The value given by %s for variable %q cannot be evaluated: a value may not refer to variables or call functions.", source, d.name)
	}
	out, err := convert.Convert(v, d.typ)
	if err != nil {
		return invalid("The value given by %s for variable %q is not a %s: %s.", source, d.name, d.typ.FriendlyName(), err)
	}
	return out
}

// firstError is the summary of the first error of diags, lower-cased as
// part of a sentence.
func firstError(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return strings.ToLower(d.Summary)
		}
	}
	return ""
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
	f := l.parseVarFile(path)
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
// (through others) refers to itself is reported. The order comes from one
// pass of Tarjan's algorithm, so that a long chain of locals costs time in
// proportion to its length, not to its square.
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
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	refs := map[string][]string{}
	whole := map[string]bool{} // refers to local as a whole, or by a computed key
	for _, n := range names {
		refs[n], whole[n] = localRefs(attrs[n], attrs)
	}

	values := map[string]cty.Value{}
	failed := map[string]bool{} // on a cycle, or depending on one
	base := l.evalContext(vars, nil).Parent()
	for _, scc := range stronglyConnected(names, refs) {
		n := scc[0]
		cyclic := len(scc) > 1 || slices.Contains(refs[n], n)
		if cyclic {
			for _, m := range scc {
				failed[m], values[m] = true, cty.DynamicVal
				l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Circular reference between local values",
					Detail:  fmt.Sprintf("local.%s refers, directly or through other locals, to itself. Break the cycle.", m),
					Subject: attrs[m].Expr.Range().Ptr()})
			}
			continue
		}
		// Only the locals on a cycle are to blame; the others merely depend
		// on one and fail with it, silently.
		if slices.ContainsFunc(refs[n], func(m string) bool { return failed[m] }) {
			failed[n], values[n] = true, cty.DynamicVal
			continue
		}
		// The scope holds the locals n refers to, which are all evaluated by
		// now (one it names that is not declared is an error either way);
		// every local evaluated so far when which it needs cannot be told.
		scope := map[string]cty.Value{}
		if whole[n] {
			maps.Copy(scope, values)
		} else {
			for _, m := range refs[n] {
				scope[m] = values[m]
			}
		}
		v, diags := attrs[n].Expr.Value(withLocals(base, scope))
		l.add(diags...)
		if !diags.HasErrors() {
			// A local that holds another twice, each level down, doubles
			// with each: measured here, it is bounded.
			if much := tooLarge(size(v)); much != "" {
				l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Value too large",
					Detail:  fmt.Sprintf("local.%s has %s; syncform stops rather than run out of memory.", n, much),
					Subject: attrs[n].Expr.Range().Ptr()})
				failed[n] = true
			}
		}
		if diags.HasErrors() || failed[n] {
			v = cty.DynamicVal
		}
		values[n] = v
	}
	return values
}

// stronglyConnected returns the strongly connected components of the graph
// of locals (edges from a local to those it refers to), each component after
// every component it refers to: the order to evaluate them in. It is
// Tarjan's algorithm with an explicit stack, so that a chain of a million
// locals does not recurse a million deep.
func stronglyConnected(names []string, refs map[string][]string) [][]string {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out [][]string
	type frame struct {
		n    string
		next int // the next of refs[n] to visit
	}
	for _, root := range names {
		if _, seen := index[root]; seen {
			continue
		}
		calls := []frame{{n: root}}
		index[root], low[root] = len(index), len(index)
		stack, onStack[root] = append(stack, root), true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			if f.next < len(refs[f.n]) {
				m := refs[f.n][f.next]
				f.next++
				if _, seen := index[m]; !seen {
					index[m], low[m] = len(index), len(index)
					stack, onStack[m] = append(stack, m), true
					calls = append(calls, frame{n: m})
				} else if onStack[m] {
					low[f.n] = min(low[f.n], index[m])
				}
				continue
			}
			n := f.n
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				parent := calls[len(calls)-1].n
				low[parent] = min(low[parent], low[n])
			}
			if low[n] != index[n] {
				continue
			}
			var scc []string
			for {
				m := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[m] = false
				scc = append(scc, m)
				if m == n {
					break
				}
			}
			sort.Strings(scc)
			out = append(out, scc)
		}
	}
	return out
}

// localRefs lists the declared locals a refers to, each once, in order of
// name; whole reports whether it also refers to local as a whole, or with a
// key that is not a name (local[var.x]).
func localRefs(a *hcl.Attribute, attrs map[string]*hcl.Attribute) (refs []string, whole bool) {
	for _, t := range a.Expr.Variables() {
		if t.RootName() != "local" {
			continue
		}
		name, ok := "", false
		if len(t) >= 2 {
			switch step := t[1].(type) {
			case hcl.TraverseAttr:
				name, ok = step.Name, true
			case hcl.TraverseIndex: // local["name"]
				if k := step.Key; k.Type() == cty.String && k.IsKnown() && !k.IsNull() {
					name, ok = k.AsString(), true
				}
			}
		}
		if !ok {
			whole = true
			continue
		}
		if _, declared := attrs[name]; declared {
			refs = append(refs, name)
		}
	}
	sort.Strings(refs)
	return slices.Compact(refs), whole
}
