package config

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// evalContext is the scope of every expression: var.*, local.* and the
// function table. var and local live in two contexts, parent and child,
// because HCL suggests a name for an unknown variable from the first close
// one it meets, walking each context's map: with both in one map, "cal"
// was "Did you mean "var"?" on one run and "local" on the next.
func (l *loader) evalContext(vars, locals map[string]cty.Value) *hcl.EvalContext {
	return withLocals(&hcl.EvalContext{
		Variables: map[string]cty.Value{"var": objectOf(vars)},
		Functions: l.functions(),
	}, locals)
}

// withLocals is the scope of root (var.* and the functions) with locals.
func withLocals(root *hcl.EvalContext, locals map[string]cty.Value) *hcl.EvalContext {
	ctx := root.NewChild()
	ctx.Variables = map[string]cty.Value{"local": objectOf(locals)}
	return ctx
}

func objectOf(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// functions is go-cty's standard library, under the names HCL users know from
// other tools, plus env; each spends the load's budget (withBudget) and
// refuses a secret unless it is one of takesSecrets (secretsRefused).
func (l *loader) functions() map[string]function.Function {
	fns := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"max": stdlib.MaxFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc,
		"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
		"indent": indentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc,
		"upper": stdlib.UpperFunc, "replace": stdlib.ReplaceFunc, "regex": stdlib.RegexFunc,
		"regexall": stdlib.RegexAllFunc, "regex_replace": stdlib.RegexReplaceFunc,
		"split": stdlib.SplitFunc, "strlen": stdlib.StrlenFunc, "substr": stdlib.SubstrFunc,
		"title": stdlib.TitleFunc, "trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
		"trimsuffix": stdlib.TrimSuffixFunc, "trimspace": stdlib.TrimSpaceFunc, "reverse": stdlib.ReverseListFunc,
		"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc,
		"compact": stdlib.CompactFunc, "concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
		"distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc,
		"index": stdlib.IndexFunc, "keys": stdlib.KeysFunc, "length": stdlib.LengthFunc,
		"lookup": stdlib.LookupFunc, "merge": stdlib.MergeFunc, "range": stdlib.RangeFunc,
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": setProductFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc, "slice": stdlib.SliceFunc,
		"sort": stdlib.SortFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
		"jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc, "csvdecode": stdlib.CSVDecodeFunc,
		"tostring": convertFunc(cty.String), "tonumber": convertFunc(cty.Number), "tobool": convertFunc(cty.Bool),
		"tolist": convertFunc(cty.List(cty.DynamicPseudoType)), "toset": convertFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":      convertFunc(cty.Map(cty.DynamicPseudoType)),
		"startswith": stringPredicate("prefix", strings.HasPrefix),
		"endswith":   stringPredicate("suffix", strings.HasSuffix),
		"env":        envFunc(l.opts, l.secrets),
	}
	for name, f := range fns {
		fns[name] = secretsRefused(name, withBudget(name, f, l.budget))
	}
	return fns
}

func convertFunc(t cty.Type) function.Function { return stdlib.MakeToFunc(t) }

// envFunc reads an environment variable. Its value is marked sensitive, and a
// missing variable is an error rather than an empty string, so a typo in a
// token's name is caught before anything is sent. Every value it returns is
// remembered in read, for the last line of defence (secretSet.scrub).
func envFunc(opts Options, read *secretSet) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the value of an environment variable, as a secret.",
		Params:      []function.Parameter{{Name: "name", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := args[0].AsString()
			v, ok := opts.lookupEnv(name)
			if !ok {
				return cty.NilVal, fmt.Errorf("the environment variable %q is not set", name)
			}
			read.add(v)
			return cty.StringVal(v).Mark(sensitiveMark), nil
		},
	})
}

// stringPredicate builds startswith and endswith, which HCL users know from
// other tools but go-cty's library lacks.
func stringPredicate(arg string, f func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "string", Type: cty.String}, {Name: arg, Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

// maxIndent bounds indent's spaces: go-cty's indent panics on a negative
// count and asks for all the memory there is on a huge one, which is fatal.
const maxIndent = 1000

// indentFunc is go-cty's indent with its count checked.
var indentFunc = function.New(&function.Spec{
	Description: "Adds a given number of spaces after each newline character in the given string.",
	Params:      []function.Parameter{{Name: "spaces", Type: cty.Number}, {Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, acc := args[0].AsBigFloat().Int64()
		if acc != big.Exact || n < 0 || n > maxIndent {
			return cty.NilVal, function.NewArgErrorf(0, "spaces must be a whole number from 0 to %d", maxIndent)
		}
		return cty.StringVal(strings.ReplaceAll(args[1].AsString(), "\n", "\n"+strings.Repeat(" ", int(n)))), nil
	},
})

// setProductFunc is go-cty's setproduct, refusing a product of more than
// maxValueElements before it is made: three range(1000) arguments would ask
// for a billion elements, and running out of memory is fatal.
var setProductFunc = function.New(&function.Spec{
	Description: stdlib.SetProductFunc.Description(),
	VarParam:    stdlib.SetProductFunc.VarParam(),
	Type:        stdlib.SetProductFunc.ReturnTypeForValues,
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		total := 1
		for _, a := range args {
			a, _ = a.Unmark()
			if !a.IsKnown() || a.IsNull() || !a.CanIterateElements() {
				continue // setproduct itself reports or defers these
			}
			if n := a.LengthInt(); n == 0 {
				total = 0
			} else if total > maxValueElements/n {
				return cty.NilVal, fmt.Errorf("the product has more than %d elements", maxValueElements)
			} else {
				total *= n
			}
		}
		return stdlib.SetProductFunc.Call(args)
	},
})

// tidyPanics shortens the diagnostic of a function that panicked: go-cty
// recovers the panic, but its message carries a goroutine stack, which
// means nothing to the person who called the function with arguments it
// cannot take.
func tidyPanics(diags hcl.Diagnostics) {
	const marker = "panic in function implementation: "
	for _, d := range diags {
		i := strings.Index(d.Detail, marker)
		if i < 0 {
			continue
		}
		msg := d.Detail[i+len(marker):]
		if j := strings.IndexByte(msg, '\n'); j >= 0 {
			msg = msg[:j]
		}
		d.Detail = d.Detail[:i] + "it cannot take these arguments (" + msg + ")."
	}
}

// fixFunctionSuggestions makes the suggestion for an unknown function the
// same on every run: HCL takes the first close name it meets in the map of
// functions, which differs from run to run; this takes the nearest, and of
// equally near ones the first by name.
func fixFunctionSuggestions(diags hcl.Diagnostics, names []string) {
	for _, d := range diags {
		call, ok := d.Expression.(*hclsyntax.FunctionCallExpr)
		if d.Summary != "Call to unknown function" || !ok || strings.Contains(call.Name, "::") {
			continue
		}
		best, bestDist := "", 3 // HCL's threshold: a distance under 3
		for _, n := range names {
			if dist := levenshtein.Distance(call.Name, n, nil); dist < bestDist {
				best, bestDist = n, dist
			}
		}
		d.Detail = fmt.Sprintf("There is no function named %q.", call.Name)
		if best != "" {
			d.Detail += fmt.Sprintf(" Did you mean %q?", best)
		}
	}
}
