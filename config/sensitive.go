package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
)

// A value read through env() is a secret, and so is every value computed
// from it: go-cty carries the mark through operators, functions and
// collections. Marks keep secrets out of values (only token attributes
// accept a marked value), but not out of what a load says: diagnostics
// reach pull request comments and logs, and whether one is given, and
// which, tells as much as its text. tonumber(substr(local.s, 0, 1) == "S"
// ? "x" : "1") fails unless the token begins with S: a bit a diagnostic,
// a token in a few dozen. So nothing that could fail, or branch, on a
// secret's content runs on one:
//
//  1. a function called with a secret fails before it runs, with the
//     same error whatever the secret holds (secretsRefused), unless it is
//     one of takesSecrets, which take strings to a string and cannot fail
//     on what they hold;
//  2. a secret cannot be the condition of a conditional or of a for
//     expression, an index, a key of an object or of a for expression, or
//     an operand of an operator other than == and != (guardSecrets); these
//     fail with the same error, whatever it holds.
//
// Then, in case something still quotes one:
//
//  3. an error of a function that takes secrets names the function and
//     says an argument is a secret, in place of what the function said;
//  4. a diagnostic about an expression that uses a secret, from HCL or
//     from syncform, has its detail withheld (withholdSensitive);
//  5. last, any diagnostic that still quotes a secret (or its upper- or
//     lower-case, reversed or quoted form, or a run of sensitiveRun
//     characters of one) has that text withheld (secretSet.scrub).
//
// What can still be learned is the length of a secret, roughly (the
// evaluation budget, budget.go, counts the bytes of strings made from
// one), and whether a guess written into the configuration is right (the
// last layer hides a source line that holds it): for a secret of
// sensitiveRun characters or more, that takes a guess of as many in a row.

// sensitiveMark marks values read through env(): they are secrets, and may
// only flow into attributes that hold credentials.
const sensitiveMark = "sensitive"

// withheldDetail replaces what a diagnostic said where that may quote a
// secret.
const withheldDetail = "This uses a value from env(), which syncform treats as a secret, so the details are not shown: they could quote it."

// notEvaluated ends every error of syncform's that refuses a secret
// before anything runs on it; withholdSensitive leaves such an error alone.
const notEvaluated = "syncform does not evaluate it, so that no error can depend on the secret and tell it"

// takesSecrets are the functions that may take a secret, each with what
// its other arguments must be: the functions that take strings to a
// string, and cannot fail whatever the strings hold (their errors are
// about types, and the type of a secret does not depend on what it
// holds), so that a token can be trimmed, changed in case, or put
// together from several. Every other function could fail, or make a value
// whose shape depends on the secret: tonumber and jsondecode fail unless
// it parses, regex unless it matches, lookup and element unless it is a
// key, replace when the result would pass the size bound (which depends on
// how often the secret holds what is replaced), coalesce when it is empty;
// split and length make a count to compare.
var takesSecrets = map[string]func(args []cty.Value) bool{
	"chomp": anyArgs, "lower": anyArgs, "upper": anyArgs, "title": anyArgs,
	"trim": anyArgs, "trimprefix": anyArgs, "trimsuffix": anyArgs, "trimspace": anyArgs,
	// tostring of a string, a number or a bool never fails; of a
	// collection it always does.
	"tostring": anyArgs,
	// join fails only on a null element, which a secret is not.
	"join":   anyArgs,
	"format": formatOfStrings,
}

func anyArgs([]cty.Value) bool { return true }

// formatOfStrings reports whether format's format string, the first
// argument, is known, no secret, and has no verbs but %s and %v (with
// flags, width and precision): %d fails unless its argument is a number,
// and a format string that is a secret fails unless it holds verbs enough.
func formatOfStrings(args []cty.Value) bool {
	if len(args) == 0 || args[0].IsMarked() || !args[0].IsKnown() || args[0].IsNull() || args[0].Type() != cty.String {
		return false
	}
	f := args[0].AsString()
	for i := strings.IndexByte(f, '%'); i >= 0; i = strings.IndexByte(f, '%') {
		f = strings.TrimLeft(f[i+1:], "+- #0123456789.")
		if f == "" || !strings.ContainsRune("sv%", rune(f[0])) {
			return false
		}
		f = f[1:]
	}
	return true
}

// secretsRefused wraps f, called name, so that it is not called with an
// argument that holds a secret, unless takesSecrets allows it: the call
// fails before f sees its arguments, with an error that does not depend on
// them. Even converting an argument to its parameter's type is running on
// it ("12" is a number, "S3cret" is not), and so is f's return type
// (jsondecode's is that of the JSON): the wrapper's parameters take any
// type, and marks, so that HCL passes the arguments as they are, and it
// converts them, as HCL would, once they are known to hold no secret. f
// marks its result as go-cty's machinery does. An error f gives with a
// secret among its arguments is replaced by one that says so
// (sensitiveError).
func secretsRefused(name string, f function.Function) function.Function {
	inner := f.Params()
	params := slices.Clone(inner)
	for i := range params {
		params[i].Type, params[i].AllowMarked, params[i].AllowDynamicType = cty.DynamicPseudoType, true, true
	}
	innerVar, varParam := f.VarParam(), f.VarParam()
	if varParam != nil {
		p := *varParam
		p.Type, p.AllowMarked, p.AllowDynamicType = cty.DynamicPseudoType, true, true
		varParam = &p
	}
	allowed := takesSecrets[name]
	// prepare returns the arguments converted for f, and whether one
	// holds a secret.
	prepare := func(args []cty.Value) ([]cty.Value, bool, error) {
		i, checked := firstSecret(args)
		if !checked {
			return nil, false, fmt.Errorf("its arguments have more than %d elements, too many to check that none is a secret", maxValueElements)
		}
		if i >= 0 && (allowed == nil || !allowed(args)) {
			return nil, true, function.NewArgErrorf(i, "%s cannot take a secret (a value from env()), and %s. "+
				"Only chomp, format (with %%s and %%v), join, lower, title, tostring, trim, trimprefix, trimspace, trimsuffix and upper take one", name, notEvaluated)
		}
		out := slices.Clone(args)
		for i, a := range args {
			p := innerVar
			if i < len(inner) {
				p = &inner[i]
			}
			if p == nil {
				break // too many arguments: f says so
			}
			if p.Type != cty.DynamicPseudoType && a.Type() != cty.DynamicPseudoType {
				v, err := convert.Convert(a, p.Type)
				if err != nil {
					return nil, i >= 0, function.NewArgError(i, err)
				}
				out[i] = v
			}
		}
		return out, i >= 0, nil
	}
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      params,
		VarParam:    varParam,
		Type: func(args []cty.Value) (cty.Type, error) {
			args, secret, err := prepare(args)
			if err != nil {
				return cty.NilType, err
			}
			t, err := f.ReturnTypeForValues(args)
			return t, sensitiveError(name, err, secret, len(args))
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			args, secret, err := prepare(args)
			if err != nil {
				return cty.NilVal, err
			}
			v, err := f.Call(args)
			return v, sensitiveError(name, err, secret, len(args))
		},
	})
}

// firstSecret is the index of the first of args that holds a secret, or
// -1. It walks at most maxValueElements elements, without allocating
// (cty's ContainsMarked allocates a path for each, gigabytes for two
// arguments of a million), and gives up past them: checked is false. A
// value that holds another twice, each level down, is as large as 2 to the
// power of its depth while it takes little memory.
func firstSecret(args []cty.Value) (index int, checked bool) {
	budget := maxValueElements
	var holds func(v cty.Value) bool
	holds = func(v cty.Value) bool {
		if v.IsMarked() {
			return true
		}
		if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
			return false
		}
		for it := v.ElementIterator(); it.Next() && budget >= 0; {
			budget--
			k, e := it.Element()
			if k.IsMarked() || holds(e) { // a set's elements are their keys
				return true
			}
		}
		return false
	}
	for i, a := range args {
		if holds(a) {
			return i, true
		}
		if budget < 0 {
			return -1, false
		}
	}
	return -1, true
}

// sensitiveError is err, unless an argument holds a secret: then an error
// that says so, for the same argument when err names one.
func sensitiveError(name string, err error, secret bool, nargs int) error {
	if err == nil || !secret {
		return err
	}
	var argErr function.ArgError
	if errors.As(err, &argErr) && argErr.Index < nargs {
		return function.NewArgErrorf(argErr.Index, "%s cannot take it, and %s", name, sensitiveReason)
	}
	return fmt.Errorf("it cannot take these arguments, and %s", sensitiveReason)
}

// sensitiveReason ends the message of a function error withheld because an
// argument holds a secret. withholdSensitive leaves alone a detail that has
// it.
const sensitiveReason = "as an argument comes from env() (a secret), the reason is not shown"

// guardSecrets wraps, in node, every expression whose value decides what
// HCL does next, so that it fails when the value is a secret (see
// secretFree): conditions, indexes, keys and the operands of operators
// that convert them (to a number or a bool, which succeeds or not
// depending on what the string holds). == and != never fail. Run it after
// budgetExpressions, whose wrappers it walks through.
func guardSecrets(node hclsyntax.Node) {
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.ConditionalExpr:
			n.Condition = secretFreeExpr(n.Condition, "the condition of a conditional")
		case *hclsyntax.IndexExpr:
			n.Key = secretFreeExpr(n.Key, "an index")
		case *hclsyntax.ForExpr:
			if n.KeyExpr != nil {
				n.KeyExpr = secretFreeExpr(n.KeyExpr, "a key of a for expression")
			}
			if n.CondExpr != nil {
				n.CondExpr = secretFreeExpr(n.CondExpr, "the condition of a for expression")
			}
		case *hclsyntax.ObjectConsExpr:
			for i := range n.Items {
				// A key written as a bare name is that name, not an
				// expression; wrapping it would make it one.
				if k, ok := n.Items[i].KeyExpr.(*hclsyntax.ObjectConsKeyExpr); ok {
					if k.ForceNonLiteral || hcl.ExprAsKeyword(k.Wrapped) == "" {
						k.Wrapped = secretFreeExpr(k.Wrapped, "a key of an object")
					}
				} else {
					n.Items[i].KeyExpr = secretFreeExpr(n.Items[i].KeyExpr, "a key of an object")
				}
			}
		case *hclsyntax.BinaryOpExpr:
			if n.Op != hclsyntax.OpEqual && n.Op != hclsyntax.OpNotEqual {
				n.LHS = secretFreeExpr(n.LHS, "an operand of an arithmetic, comparison or logical operator")
				n.RHS = secretFreeExpr(n.RHS, "an operand of an arithmetic, comparison or logical operator")
			}
		case *hclsyntax.UnaryOpExpr:
			n.Val = secretFreeExpr(n.Val, "an operand of an arithmetic, comparison or logical operator")
		}
		return nil
	})
}

// secretFreeExpr is e wrapped to refuse a secret as role.
func secretFreeExpr(e hclsyntax.Expression, role string) hclsyntax.Expression {
	if _, done := e.(*secretFree); done {
		return e
	}
	return &secretFree{ParenthesesExpr: &hclsyntax.ParenthesesExpr{Expression: e, SrcRange: e.Range()}, role: role}
}

// secretFree is an expression whose value may not hold a secret: it gives
// an unknown value and an error in its place, the same whatever the secret
// holds, and so what follows (a branch, a lookup, a conversion) does not
// depend on it. It embeds a ParenthesesExpr, as charged does, so that
// HCL's walks go through it.
type secretFree struct {
	*hclsyntax.ParenthesesExpr
	role string
}

func (s *secretFree) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	v, diags := s.Expression.Value(ctx)
	// Where a guard stands, a collection fails on its type, whatever it
	// holds: only a marked value need be refused.
	if !v.IsMarked() {
		return v, diags
	}
	return cty.DynamicVal, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Secret value not allowed here",
		Detail:  fmt.Sprintf("This value comes from env(), which syncform treats as a secret; it cannot be %s, and %s.", s.role, notEvaluated),
		Subject: s.Range().Ptr()})
}

// withholdSensitive withholds the detail of every diagnostic about an
// expression that uses a secret: HCL quotes values in some (the key of a
// duplicate in a for expression, attribute names of inconsistent
// conditional results), and cannot tell which are secrets.
func withholdSensitive(diags hcl.Diagnostics) {
	for _, d := range diags {
		if d.Expression == nil || strings.Contains(d.Detail, sensitiveReason) || strings.Contains(d.Detail, notEvaluated) || d.Detail == withheldDetail {
			continue
		}
		if usesSecret(d.Expression, d.EvalContext) {
			d.Detail = withheldDetail
		}
	}
}

// usesSecret reports whether expr calls env() or refers to a value that
// holds a secret in ctx (a local, an iterator of a for expression or of a
// dynamic block). A diagnostic about a call of env itself (a variable not
// set) is about its name, which is no secret.
func usesSecret(expr hcl.Expression, ctx *hcl.EvalContext) bool {
	if node, ok := expr.(hclsyntax.Node); ok {
		found := false
		hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
			if call, ok := n.(*hclsyntax.FunctionCallExpr); ok && call.Name == "env" && n != node {
				found = true
			}
			return nil
		})
		if found {
			return true
		}
	}
	if ctx == nil {
		return false
	}
	for _, t := range expr.Variables() {
		// Each prefix: local.t.x fails to traverse when local.t is a
		// secret string, but it is the secret that failed.
		for i := 1; i <= len(t); i++ {
			v, diags := t[:i].TraverseAbs(ctx)
			if diags.HasErrors() {
				break
			}
			if v.ContainsMarked() {
				return true
			}
		}
	}
	return false
}

// sensitiveRun is the length of a run of a secret's characters that,
// found in a diagnostic, has it withheld: long enough that the words of
// messages do not match by chance, short enough that no useful part of a
// token gets through. A secret shorter than that ("1", "true": a flag read
// with env()) matches only as a whole quoted string: as a run it would
// match every message that says "line 1", or "true".
const sensitiveRun = 8

// secretSet holds the values env() returned during one Load: the last
// line of defence. Objects are decoded in parallel, so env() may be
// called from several goroutines.
type secretSet struct {
	mu sync.Mutex
	m  map[string]bool
}

func (s *secretSet) add(v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]bool{}
	}
	s.m[v] = true
}

// scrub withholds the summary or detail of any diagnostic that quotes a
// secret, whole or in part, as it is or changed by a function: upper or
// lower case, reversed, quoted for JSON or Go. A part is a run of
// sensitiveRun characters, compared without regard to case; a secret
// shorter than that must be quoted whole ("1", with its quotes). A
// diagnostic whose quoted source lines hold one (a --var-file of
// /proc/self/environ) is marked to show no source.
func (s *secretSet) scrub(diags hcl.Diagnostics, files map[string]*hcl.File) {
	quotes := s.matcher()
	if quotes == nil {
		return
	}
	for _, d := range diags {
		if quotes(d.Summary) {
			d.Summary = "Error involving a secret"
		}
		if quotes(d.Detail) {
			d.Detail = withheldDetail
		}
		if d.Subject != nil && quotes(string(quotedLines(d, files))) {
			d.Extra = hideSource{}
		}
	}
}

// matcher returns a function that reports whether a text quotes one of
// the secrets (see scrub), or nil when there are none.
func (s *secretSet) matcher() func(string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) == 0 {
		return nil
	}
	runs := map[string]bool{}
	var whole []string // short secrets, quoted
	for v := range s.m {
		for _, form := range secretForms(v) {
			rs := []rune(strings.ToLower(form))
			if len([]rune(v)) < sensitiveRun {
				whole = append(whole, `"`+string(rs)+`"`)
				continue
			}
			for i := 0; i+sensitiveRun <= len(rs); i++ {
				runs[string(rs[i:i+sensitiveRun])] = true
			}
		}
	}
	return func(text string) bool {
		lower := strings.ToLower(text)
		if slices.ContainsFunc(whole, func(q string) bool { return strings.Contains(lower, q) }) {
			return true
		}
		if len(runs) == 0 {
			return false
		}
		rs := []rune(lower)
		for i := 0; i+sensitiveRun <= len(rs); i++ {
			if runs[string(rs[i:i+sensitiveRun])] {
				return true
			}
		}
		return false
	}
}

// quotedLines are the whole lines of its file a diagnostic quotes.
func quotedLines(d *hcl.Diagnostic, files map[string]*hcl.File) []byte {
	f := files[d.Subject.Filename]
	if f == nil {
		return nil
	}
	r := *d.Subject
	if d.Context != nil {
		r = hcl.RangeOver(r, *d.Context)
	}
	b := f.Bytes
	lo, hi := min(r.Start.Byte, r.End.Byte, len(b)), min(max(r.Start.Byte, r.End.Byte), len(b))
	lo = bytes.LastIndexAny(b[:lo], "\r\n") + 1
	if i := bytes.IndexAny(b[hi:], "\r\n"); i >= 0 {
		hi += i
	} else {
		hi = len(b)
	}
	return b[lo:hi]
}

// hideSource, as a diagnostic's Extra, says that the source lines it
// would quote hold a secret: they are not shown.
type hideSource struct{}

// secretForms are the forms of v scrub looks for; upper and lower case
// are covered by comparing in lower case.
func secretForms(v string) []string {
	j, _ := json.Marshal(v)
	return []string{v, reversed(v), strings.Trim(string(j), `"`), strings.Trim(strconv.Quote(v), `"`)}
}

func reversed(s string) string {
	rs := []rune(s)
	slices.Reverse(rs)
	return string(rs)
}
