package config

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// sensitiveMark marks values read through env(): they are secrets, and may
// only flow into attributes that hold credentials.
const sensitiveMark = "sensitive"

// evalContext is the scope of every expression: var.*, local.* and the
// function table.
func evalContext(vars, locals map[string]cty.Value, opts Options, read map[string]bool) *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   objectOf(vars),
			"local": objectOf(locals),
		},
		Functions: functions(opts, read),
	}
}

func objectOf(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// functions is go-cty's standard library, under the names HCL users know from
// other tools, plus env.
func functions(opts Options, read map[string]bool) map[string]function.Function {
	return map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"max": stdlib.MaxFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc,
		"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
		"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc,
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
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": stdlib.SetProductFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc, "slice": stdlib.SliceFunc,
		"sort": stdlib.SortFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
		"jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc, "csvdecode": stdlib.CSVDecodeFunc,
		"tostring": convertFunc(cty.String), "tonumber": convertFunc(cty.Number), "tobool": convertFunc(cty.Bool),
		"tolist": convertFunc(cty.List(cty.DynamicPseudoType)), "toset": convertFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":      convertFunc(cty.Map(cty.DynamicPseudoType)),
		"startswith": stringPredicate("prefix", strings.HasPrefix),
		"endswith":   stringPredicate("suffix", strings.HasSuffix),
		"env":        envFunc(opts, read),
	}
}

func convertFunc(t cty.Type) function.Function { return stdlib.MakeToFunc(t) }

// envFunc reads an environment variable. Its value is marked sensitive, and a
// missing variable is an error rather than an empty string, so a typo in a
// token's name is caught before anything is sent. Every value it returns is
// remembered in read, so that Load can scrub it from any diagnostic: marks
// keep a secret out of values, but a function's error message (tonumber,
// regex) may quote its argument.
func envFunc(opts Options, read map[string]bool) function.Function {
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
			if v != "" {
				read[v] = true
			}
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
