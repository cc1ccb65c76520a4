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
	"github.com/zclconf/go-cty/cty/function"
)

// A value read through env() is a secret, and so is every value computed
// from it: go-cty carries the mark through operators, functions and
// collections. Marks keep secrets out of values (only token attributes
// accept a marked value), but not out of messages: an error of a function,
// or of HCL, can quote the value it failed on (tonumber(upper(env("T"))),
// the key of a duplicate in a for expression), and diagnostics reach pull
// request comments and logs. Three layers keep them out:
//
//  1. every function is wrapped (hideSensitiveErrors): an error for
//     arguments that hold a secret names the function and says an argument
//     is a secret, in place of what the function said;
//  2. a diagnostic about an expression that uses a secret, from HCL or
//     from syncform, has its detail withheld (withholdSensitive);
//  3. last, any diagnostic that still quotes a secret (or its upper- or
//     lower-case, reversed or quoted form, or a run of sensitiveRun
//     characters of one) has that text withheld (secretSet.scrub).

// sensitiveMark marks values read through env(): they are secrets, and may
// only flow into attributes that hold credentials.
const sensitiveMark = "sensitive"

// withheldDetail replaces what a diagnostic said where that may quote a
// secret.
const withheldDetail = "This uses a value from env(), which syncform treats as a secret, so the details are not shown: they could quote it."

// hideSensitiveErrors wraps f so that an error it gives when an argument
// holds a secret is replaced by one that says so. f still gets the marked
// arguments, and marks its result, as go-cty's machinery does: every
// parameter of the wrapper takes marks, so that it can see them, and
// passes them on to f.
func hideSensitiveErrors(name string, f function.Function) function.Function {
	params := f.Params()
	for i := range params {
		params[i].AllowMarked = true
	}
	varParam := f.VarParam()
	if varParam != nil {
		varParam.AllowMarked = true
	}
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      params,
		VarParam:    varParam,
		Type: func(args []cty.Value) (cty.Type, error) {
			t, err := f.ReturnTypeForValues(args)
			return t, sensitiveError(name, err, args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, err := f.Call(args)
			return v, sensitiveError(name, err, args)
		},
	})
}

// sensitiveError is err, unless an argument holds a secret: then an error
// that says so, for the same argument when err names one.
func sensitiveError(name string, err error, args []cty.Value) error {
	if err == nil || !slices.ContainsFunc(args, cty.Value.ContainsMarked) {
		return err
	}
	var argErr function.ArgError
	if errors.As(err, &argErr) && argErr.Index < len(args) {
		return function.NewArgErrorf(argErr.Index, "%s cannot take it, and %s", name, sensitiveReason)
	}
	return fmt.Errorf("it cannot take these arguments, and %s", sensitiveReason)
}

// sensitiveReason ends the message of a function error withheld because an
// argument holds a secret. withholdSensitive leaves alone a detail that has
// it.
const sensitiveReason = "as an argument comes from env() (a secret), the reason is not shown"

// withholdSensitive withholds the detail of every diagnostic about an
// expression that uses a secret: HCL quotes values in some (the key of a
// duplicate in a for expression, attribute names of inconsistent
// conditional results), and cannot tell which are secrets.
func withholdSensitive(diags hcl.Diagnostics) {
	for _, d := range diags {
		if d.Expression == nil || strings.Contains(d.Detail, sensitiveReason) || d.Detail == withheldDetail {
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
// token gets through.
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
// sensitiveRun characters (the whole secret when it is shorter), compared
// without regard to case. A diagnostic whose quoted source lines hold one
// (a --var-file of /proc/self/environ) is marked to show no source.
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
	lengths := map[int]bool{}
	for v := range s.m {
		for _, form := range secretForms(v) {
			rs := []rune(strings.ToLower(form))
			n := min(sensitiveRun, len(rs))
			lengths[n] = true
			for i := 0; i+n <= len(rs); i++ {
				runs[string(rs[i:i+n])] = true
			}
		}
	}
	return func(text string) bool {
		rs := []rune(strings.ToLower(text))
		for n := range lengths {
			for i := 0; i+n <= len(rs); i++ {
				if runs[string(rs[i:i+n])] {
					return true
				}
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
