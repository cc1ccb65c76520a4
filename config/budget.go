package config

import (
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Evaluation is bounded, so that no configuration runs the process out of
// memory, which is fatal: a few lines can ask for terabytes (replace of a
// string by itself, twice; thirty locals each doubling the last; three
// nested for expressions over range(1000); a format width of ten million
// in formatlist). HCL and go-cty offer no budget to hook into, so:
//
//   - functions that can make a value much larger than their arguments are
//     checked before they run (withBudget's prechecks), and the value every
//     function makes is measured after;
//   - templates and for expressions are wrapped where the files are parsed
//     (budgetExpressions), so that each charges what it makes; a template
//     is measured from its parts before they are put together (three
//     thousand references to a local of a megabyte made 11 GB);
//   - JSON is refused past MaxNesting levels before it is decoded (the
//     decoder recurses, and overflowed the stack, which is fatal);
//   - one load may make at most maxEvalElements elements and maxEvalBytes
//     bytes of strings this way, all told.
//
// What stays unbounded: a value HCL builds without a function, template or
// for expression (literals, bounded by the size of the files, and object
// and tuple constructors referring to other values, which share them).
const (
	// maxValueElements bounds the elements of one value a function or a
	// for expression makes.
	maxValueElements = 1_000_000
	// maxStringBytes bounds a string a function or a template makes.
	maxStringBytes = 1 << 20
	// maxFormatWidth bounds a width or precision of format and formatlist.
	maxFormatWidth = 10_000
	// maxEvalElements and maxEvalBytes bound what one load makes in all
	// (about 300 MB of memory, measured).
	maxEvalElements = 2_000_000
	maxEvalBytes    = 64 << 20
	// maxGeneratedBlocks bounds the blocks the dynamic blocks of one load
	// make, two hundred times the connector's limit of 500 mappings an
	// object (each costs a few kilobytes to decode and plan).
	maxGeneratedBlocks = 100_000
)

// budget is what one load may still make. Objects are decoded in
// parallel, so it is charged from several goroutines.
type budget struct {
	elements, bytes atomic.Int64
	generated       atomic.Int64 // blocks made by dynamic blocks
	spent           atomic.Bool
	reported        atomic.Bool
}

// charge spends elements and bytes, and reports whether the budget holds.
func (b *budget) charge(elements, bytes int64) bool {
	if b.spent.Load() {
		return false
	}
	if b.elements.Add(elements) > maxEvalElements || b.bytes.Add(bytes) > maxEvalBytes {
		b.spent.Store(true)
		return false
	}
	return true
}

// stop is what a function gives once the budget is spent: the error the
// first time, and then an unknown value, which nothing reports again (a
// dynamic block of 100,000 would otherwise repeat it 100,000 times).
func (b *budget) stop(ret cty.Type) (cty.Value, error) {
	if b.reported.Swap(true) {
		return cty.UnknownVal(ret), nil
	}
	return cty.NilVal, spentError
}

// spentError is the error of what the spent budget stops.
var spentError = fmt.Errorf("evaluating the configuration would make more than %d elements or %s of strings, the most syncform allows: "+
	"some expression makes values far larger than any configuration needs", maxEvalElements, bytesString(maxEvalBytes))

// size measures v: its elements, all levels down, and the bytes of its
// strings, giving up past the limits (which is all a caller needs to know).
func size(v cty.Value) (elements, bytes int64) {
	var walk func(v cty.Value)
	walk = func(v cty.Value) {
		v, _ = v.Unmark()
		if elements > maxValueElements || bytes > maxStringBytes*4 || !v.IsKnown() || v.IsNull() {
			return
		}
		switch {
		case v.Type() == cty.String:
			bytes += int64(len(v.AsString()))
		case v.CanIterateElements():
			elements += int64(v.LengthInt())
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				walk(e)
			}
		}
	}
	walk(v)
	return elements, bytes
}

// tooLarge says what a value of the size measured has too much of ("more
// than 1000000 elements"), or "".
func tooLarge(elements, bytes int64) string {
	switch {
	case elements > maxValueElements:
		return fmt.Sprintf("more than %d elements", maxValueElements)
	case bytes > maxStringBytes:
		return fmt.Sprintf("more than %s of text", bytesString(maxStringBytes))
	}
	return ""
}

// withBudget wraps f, called name, with its precheck if it has one, and
// measures and charges what it makes.
func withBudget(name string, f function.Function, b *budget) function.Function {
	pre := prechecks[name]
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		// A return type can take as much as the call: jsondecode's is
		// that of the JSON, which it parses to find it.
		Type: func(args []cty.Value) (cty.Type, error) {
			if pre != nil {
				if err := pre(args); err != nil {
					return cty.NilType, err
				}
			}
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			if b.spent.Load() {
				return b.stop(ret)
			}
			if pre != nil {
				if err := pre(args); err != nil {
					return cty.NilVal, err
				}
			}
			v, err := f.Call(args)
			if err != nil {
				return v, err
			}
			elements, bytes := size(v)
			if much := tooLarge(elements, bytes); much != "" {
				return cty.NilVal, fmt.Errorf("the result would have %s", much)
			}
			if !b.charge(elements, bytes) {
				return b.stop(ret)
			}
			return v, nil
		},
	})
}

// prechecks refuse the calls that would make a value far larger than
// their arguments before they make it.
var prechecks = map[string]func(args []cty.Value) error{
	"replace": func(args []cty.Value) error {
		s, sub, repl := str(args[0]), str(args[1]), str(args[2])
		n := int64(strings.Count(s, sub))
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			n = int64(utf8.RuneCountInString(s)) + 1 // a regular expression matches at most everywhere
		}
		return atMost(int64(len(s)) + n*int64(len(repl)))
	},
	"regex_replace": func(args []cty.Value) error {
		s, repl := str(args[0]), str(args[2])
		return atMost(int64(len(s)) + (int64(utf8.RuneCountInString(s))+1)*int64(len(repl)))
	},
	"join": func(args []cty.Value) error {
		sep, total := int64(len(str(args[0]))), int64(0)
		for _, l := range args[1:] {
			l, _ = l.UnmarkDeep()
			if !l.IsKnown() || l.IsNull() || !l.CanIterateElements() {
				continue
			}
			for it := l.ElementIterator(); it.Next(); {
				_, e := it.Element()
				total += sep + int64(len(str(e)))
			}
		}
		return atMost(total)
	},
	"indent": func(args []cty.Value) error {
		spaces, _ := args[0].UnmarkDeep()
		s := str(args[1])
		if !spaces.IsKnown() || spaces.IsNull() || spaces.Type() != cty.Number {
			return nil
		}
		n, _ := spaces.AsBigFloat().Int64()
		if n < 0 || n > maxIndent {
			return nil // indent says so
		}
		return atMost(int64(len(s)) + int64(strings.Count(s, "\n"))*n)
	},
	// go-cty's JSON decoder recurses for each level of nesting, and a
	// string of a million ['s overflowed the stack, which is fatal.
	"jsondecode": func(args []cty.Value) error {
		if jsonDepth(str(args[0])) > MaxNesting {
			return function.NewArgErrorf(0, "the JSON nests more than %d levels deep", MaxNesting)
		}
		return nil
	},
	"format":     formatWidths,
	"formatlist": formatWidths,
	// These walk their argument all the way down, and a value that
	// refers to another twice, each level, is as large as 2 to the power
	// of its depth while it takes little memory.
	"flatten":    walks,
	"jsonencode": walks,
	"concat": func(args []cty.Value) error {
		total := int64(0)
		for _, l := range args {
			l, _ = l.Unmark()
			if l.IsKnown() && !l.IsNull() && l.CanIterateElements() {
				total += int64(l.LengthInt())
			}
		}
		if much := tooLarge(total, 0); much != "" {
			return fmt.Errorf("the result would have %s", much)
		}
		return nil
	},
}

// jsonDepth is how deep the arrays and objects of the JSON text s nest,
// at the deepest; text in strings does not count. It stops counting past
// MaxNesting.
func jsonDepth(s string) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(s) && deepest <= MaxNesting; i++ {
		switch c := s[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// walks refuses an argument too large to walk.
func walks(args []cty.Value) error {
	for _, a := range args {
		if much := tooLarge(size(a)); much != "" {
			return fmt.Errorf("an argument has %s", much)
		}
	}
	return nil
}

// str is a known string argument, or "".
func str(v cty.Value) string {
	v, _ = v.UnmarkDeep()
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func atMost(n int64) error {
	if much := tooLarge(0, n); much != "" {
		return fmt.Errorf("the result would have %s", much)
	}
	return nil
}

// formatWidths refuses a width or precision past maxFormatWidth in a
// format string: formatlist("%09999999d", range(1000)) asked for 10 GB.
func formatWidths(args []cty.Value) error {
	f := str(args[0])
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		i++
		for i < len(f) && strings.IndexByte("+- #0", f[i]) >= 0 { // flags
			i++
		}
		for i < len(f) && (f[i] >= '0' && f[i] <= '9' || f[i] == '.' || f[i] == '[' || f[i] == ']' || f[i] == '*') {
			start := i
			for i < len(f) && f[i] >= '0' && f[i] <= '9' {
				i++
			}
			if i > start {
				var n big.Int
				n.SetString(f[start:i], 10)
				if n.Cmp(big.NewInt(maxFormatWidth)) > 0 {
					return fmt.Errorf("a width or precision is larger than %d", maxFormatWidth)
				}
				continue
			}
			i++
		}
	}
	return nil
}

// budgetExpressions wraps, in body, every for expression and every
// template that is not a plain string, so that each charges b with what
// it makes: HCL evaluates them without a function call, so a function's
// budget does not see them. It walks every node, and replaces the
// expressions held in fields of type hclsyntax.Expression (and slices
// and structs of them) by reflection, so that a node type HCL adds is
// walked too.
func budgetExpressions(node hclsyntax.Node, b *budget) {
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		rewrite(reflect.ValueOf(n), b)
		return nil
	})
}

var expressionType = reflect.TypeFor[hclsyntax.Expression]()

// rewrite wraps the expressions n holds directly: in its fields, and in
// slices and structs of them (a tuple's items, an object's keys and values).
func rewrite(n reflect.Value, b *budget) {
	if n.Kind() == reflect.Pointer {
		n = n.Elem()
	}
	if n.Kind() != reflect.Struct {
		return
	}
	for i := range n.NumField() {
		f := n.Field(i)
		if !f.CanSet() {
			continue
		}
		switch {
		case f.Type() == expressionType:
			if e, ok := f.Interface().(hclsyntax.Expression); ok {
				if w := wrapped(e, b); w != nil {
					f.Set(reflect.ValueOf(w))
				}
			}
		case f.Kind() == reflect.Slice && (f.Type().Elem() == expressionType || f.Type().Elem().Kind() == reflect.Struct):
			for j := range f.Len() {
				item := f.Index(j)
				if item.Kind() == reflect.Struct {
					rewrite(item.Addr(), b)
				} else if e, ok := item.Interface().(hclsyntax.Expression); ok {
					if w := wrapped(e, b); w != nil {
						item.Set(reflect.ValueOf(w))
					}
				}
			}
		}
	}
}

// wrapped is e wrapped to charge b, or nil when e makes nothing to charge.
func wrapped(e hclsyntax.Expression, b *budget) hclsyntax.Expression {
	switch e := e.(type) {
	case *hclsyntax.ForExpr:
	case *hclsyntax.TemplateExpr:
		if e.IsStringLiteral() {
			return nil
		}
	default:
		return nil
	}
	return &charged{ParenthesesExpr: &hclsyntax.ParenthesesExpr{Expression: e, SrcRange: e.Range()}, budget: b}
}

// charged is an expression that charges its budget with the value it
// makes. It embeds a ParenthesesExpr around the expression so that HCL's
// walks (Variables, VisitAll) go through it into the expression.
type charged struct {
	*hclsyntax.ParenthesesExpr
	budget *budget
}

func (c *charged) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	if c.budget.spent.Load() {
		return cty.DynamicVal, c.spentDiagnostic()
	}
	var v cty.Value
	var diags hcl.Diagnostics
	switch e := c.Expression.(type) {
	case *hclsyntax.TemplateExpr:
		v, diags = c.template(e, ctx)
	default:
		v, diags = c.Expression.Value(ctx)
	}
	elements, bytes := int64(0), int64(0)
	if u, _ := v.Unmark(); u.IsKnown() && !u.IsNull() {
		if u.Type() == cty.String {
			bytes = int64(len(u.AsString()))
		} else if u.CanIterateElements() {
			elements = int64(u.LengthInt()) // what each element makes was charged where it was made
		}
	}
	if much := tooLarge(elements, bytes); much != "" {
		return cty.DynamicVal, append(diags, c.tooLargeDiagnostic(much))
	}
	if !c.budget.charge(elements, bytes) {
		return cty.DynamicVal, append(diags, c.spentDiagnostic()...)
	}
	return v, diags
}

func (c *charged) tooLargeDiagnostic(much string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Value too large",
		Detail: fmt.Sprintf("This value would have %s; syncform stops rather than run out of memory.", much), Subject: c.Range().Ptr()}
}

// template evaluates e as HCL does, but measures its parts before it puts
// them together: HCL builds the string first, and a template of three
// thousand references to a local of a megabyte asked for gigabytes before
// it could be measured. The parts are evaluated once, here, and HCL puts
// together their values (in a stand-in template of literals, so that
// nulls, unknowns, marks and conversions stay HCL's).
func (c *charged) template(e *hclsyntax.TemplateExpr, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	parts := make([]hclsyntax.Expression, len(e.Parts))
	originals := map[hcl.Expression]hcl.Expression{}
	total := int64(0)
	for i, p := range e.Parts {
		var v cty.Value
		var d hcl.Diagnostics
		if j, ok := p.(*hclsyntax.TemplateJoinExpr); ok {
			v, d = c.join(j, ctx)
		} else {
			v, d = p.Value(ctx)
		}
		diags = append(diags, d...)
		if total += textBytes(v); total > maxStringBytes {
			return cty.DynamicVal, append(diags, c.tooLargeDiagnostic(tooLarge(0, total)))
		}
		lit := &hclsyntax.LiteralValueExpr{Val: v, SrcRange: p.Range()}
		parts[i], originals[lit] = lit, p
	}
	v, d := (&hclsyntax.TemplateExpr{Parts: parts, SrcRange: e.SrcRange}).Value(ctx)
	for _, x := range d {
		if p, ok := originals[x.Expression]; ok {
			x.Expression = p // so that the values of its variables are shown
		}
	}
	return v, append(diags, d...)
}

// join evaluates a part of a template that is a for directive ("%{ for x
// in xs }${x}%{ endfor }") as HCL does, measuring first what it joins: the
// results of the iterations, each of which may be a reference to a large
// value.
func (c *charged) join(e *hclsyntax.TemplateJoinExpr, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	tuple, diags := e.Tuple.Value(ctx)
	if much := tooLarge(0, textBytes(tuple)); much != "" {
		return cty.DynamicVal, append(diags, c.tooLargeDiagnostic(much))
	}
	standIn := &hclsyntax.TemplateJoinExpr{Tuple: &hclsyntax.LiteralValueExpr{Val: tuple, SrcRange: e.Tuple.Range()}}
	v, d := standIn.Value(ctx)
	for _, x := range d {
		if x.Expression == standIn {
			x.Expression = e
		}
	}
	return v, append(diags, d...)
}

// textBytes is about how many bytes v takes as text in a template: a
// string's length, a number's digits (1e1000000 has a million), the
// sum of the elements of a tuple (a for directive's results), giving up
// past maxStringBytes.
func textBytes(v cty.Value) int64 {
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return 0
	}
	switch t := v.Type(); {
	case t == cty.String:
		return int64(len(v.AsString()))
	case t == cty.Number:
		exp := int64(v.AsBigFloat().MantExp(nil))
		return max(exp, -exp)*30103/100000 + 160 // log10(2) digits a binary digit, and the mantissa's
	case t == cty.Bool:
		return 5
	case t.IsTupleType():
		n := int64(0)
		for it := v.ElementIterator(); it.Next() && n <= maxStringBytes; {
			_, e := it.Element()
			n += textBytes(e)
		}
		return n
	}
	return 0
}

// spentDiagnostic reports the spent budget once, where it ran out; what it
// stops after that fails without a word (an unknown value, which nothing
// reports again).
func (c *charged) spentDiagnostic() hcl.Diagnostics {
	if c.budget.reported.Swap(true) {
		return nil
	}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Configuration too costly to evaluate",
		Detail: capitalize(spentError.Error()) + ".", Subject: c.Range().Ptr()}}
}
