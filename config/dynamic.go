package config

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Dynamic blocks follow HCL's dynblock extension: for_each, an optional
// iterator name, labels for the generated blocks, and one content block. The
// loader expands them itself because an object's blocks hold only
// attributes, so one level of expansion is the whole job: each generated
// block gets one evaluation context, and the content's schema is checked
// once per dynamic block. dynblock, being general, builds a context for every
// expression it evaluates, which made it the largest cost of loading a
// configuration at the mapping limit (docs/performance.md).
var (
	dynamicSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "for_each", Required: true}, {Name: "iterator"}, {Name: "labels", Required: true}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "content"}},
	}
	dynamicSchemaNoLabels = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "for_each", Required: true}, {Name: "iterator"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "content"}},
	}
)

// dynamic calls each for every block the dynamic block d generates, with the
// block, its content and the context its expressions evaluate in. It checks
// the whole dynamic block before it generates anything, so that one run
// reports every problem of it, and reports a problem that every generated
// block repeats (an unknown variable in a label) once.
func (l *loader) dynamic(d *hcl.Block, ctx *hcl.EvalContext, each func(*hcl.Block, *hcl.BodyContent, *hcl.EvalContext)) {
	typ := d.Labels[0]
	if blockSchemas[typ] == nil { // a dynamic block makes no dynamic blocks
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported block type",
			Detail: fmt.Sprintf("Blocks of type %q are not expected here, so a dynamic block cannot make them.%s",
				typ, didYouMean(typ, slices.Sorted(maps.Keys(blockSchemas)))),
			Subject: d.LabelRanges[0].Ptr()})
		return
	}
	want := 0 // the labels a block of this type has
	for _, h := range objectSchema.Blocks {
		if h.Type == typ {
			want = len(h.LabelNames)
		}
	}
	specSchema := dynamicSchema
	if want == 0 {
		specSchema = dynamicSchemaNoLabels
	}
	spec, diags := d.Body.Content(specSchema)
	l.add(diags...)
	broken := diags.HasErrors()

	iterator := typ
	if a := spec.Attributes["iterator"]; a != nil {
		t, diags := hcl.AbsTraversalForExpr(a.Expr)
		if !diags.HasErrors() && len(t) != 1 {
			diags = diags.Append(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid dynamic iterator name",
				Detail: "Dynamic iterator must be a single variable name.", Subject: t.SourceRange().Ptr()})
		}
		l.add(diags...)
		if diags.HasErrors() {
			broken = true
		} else {
			iterator = t.RootName()
		}
	}

	var labels []hcl.Expression
	if a := spec.Attributes["labels"]; a != nil {
		labels, diags = hcl.ExprList(a.Expr)
		switch {
		case diags.HasErrors():
		case len(labels) > want:
			diags = diags.Append(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Extraneous dynamic block label",
				Detail:  fmt.Sprintf("Blocks of type %q require %d label(s).", typ, want),
				Subject: labels[want].Range().Ptr()})
		case len(labels) < want:
			diags = diags.Append(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Insufficient dynamic block labels",
				Detail:  fmt.Sprintf("Blocks of type %q require %d label(s).", typ, want),
				Subject: a.Expr.Range().Ptr()})
		}
		l.add(diags...)
		broken = broken || diags.HasErrors()
	}

	// The content is checked against its block's schema even when for_each
	// is empty: it is wrong whatever for_each holds, and would fail the day
	// a variable fills the collection.
	var body hcl.Body
	var content *hcl.BodyContent
	switch len(spec.Blocks) {
	case 0:
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing dynamic content block",
			Detail:  "A dynamic block must have a nested block of type \"content\" to describe the body of each generated block.",
			Subject: &spec.MissingItemRange})
		broken = true
	default:
		for _, extra := range spec.Blocks[1:] {
			l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Extraneous dynamic content block",
				Detail: "Only one nested content block is allowed for each dynamic block.", Subject: extra.DefRange.Ptr()})
			broken = true
		}
		fallthrough
	case 1:
		body = spec.Blocks[0].Body
		content, diags = body.Content(blockSchemas[typ])
		l.add(diags...)
	}

	var forEach cty.Value
	if a := spec.Attributes["for_each"]; a != nil {
		var ok bool
		forEach, ok = l.forEach(a.Expr, ctx)
		broken = broken || !ok
	}
	if broken {
		return
	}

	first := len(l.diags)
	for it := forEach.ElementIterator(); it.Next(); {
		key, value := it.Element()
		ictx := ctx.NewChild()
		ictx.Variables = map[string]cty.Value{iterator: cty.ObjectVal(map[string]cty.Value{"key": key, "value": value})}
		b := &hcl.Block{Type: typ, TypeRange: d.LabelRanges[0], DefRange: d.DefRange, Body: body}
		for _, e := range labels {
			s, ok := l.label(e, ictx)
			if !ok {
				b = nil
				break
			}
			b.Labels = append(b.Labels, s)
			b.LabelRanges = append(b.LabelRanges, e.Range())
		}
		if b != nil {
			each(b, content, ictx)
		}
	}
	l.diags = append(l.diags[:first], dedupe(l.diags[first:])...)
}

// forEach evaluates a dynamic block's for_each: a collection that is known,
// not null, and not a secret. A secret inside it is refused only where a
// generated block uses it.
func (l *loader) forEach(expr hcl.Expression, ctx *hcl.EvalContext) (cty.Value, bool) {
	v, diags := expr.Value(ctx)
	l.add(diags...)
	switch {
	case diags.HasErrors() || l.tooLarge(v, expr):
		return cty.NilVal, false
	case v.IsMarked():
		l.add(secretHere(expr, "a dynamic block cannot iterate over it."))
		return cty.NilVal, false
	case !v.IsKnown():
		return cty.NilVal, false // an earlier error (an unset variable) made it unknown; already reported
	case v.IsNull():
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid dynamic for_each value",
			Detail: "Cannot use a null value in for_each.", Subject: expr.Range().Ptr(), Expression: expr, EvalContext: ctx})
		return cty.NilVal, false
	case !v.CanIterateElements():
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid dynamic for_each value",
			Detail:  fmt.Sprintf("Cannot use a %s value in for_each. An iterable collection is required.", v.Type().FriendlyName()),
			Subject: expr.Range().Ptr(), Expression: expr, EvalContext: ctx})
		return cty.NilVal, false
	case l.budget.generated.Add(int64(v.LengthInt())) > maxGeneratedBlocks:
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Too many dynamic blocks",
			Detail:  fmt.Sprintf("With this one, the dynamic blocks of the configuration would make more than %d blocks, far more than the connector takes.", maxGeneratedBlocks),
			Subject: expr.Range().Ptr()})
		return cty.NilVal, false
	}
	return v, true
}

// label evaluates a generated block's label: a known string that is no
// secret, for labels name properties in every plan.
func (l *loader) label(e hcl.Expression, ctx *hcl.EvalContext) (string, bool) {
	v, diags := e.Value(ctx)
	l.add(diags...)
	if !diags.HasErrors() && l.tooLarge(v, e) {
		return "", false
	}
	invalid := func(detail string) (string, bool) {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid dynamic block label",
			Detail: detail, Subject: e.Range().Ptr(), Expression: e, EvalContext: ctx})
		return "", false
	}
	switch {
	case diags.HasErrors():
		return "", false
	case v.ContainsMarked():
		l.add(secretHere(e, "a block label is shown in every plan, so it cannot be one."))
		return "", false
	case !v.IsWhollyKnown():
		return "", false // an earlier error made it unknown; already reported
	case v.IsNull():
		return invalid("Cannot use a null value as a dynamic block label.")
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return invalid(fmt.Sprintf("Cannot use this value as a dynamic block label: %s.", err))
	}
	return s.AsString(), true
}

// dedupe drops the diagnostics that repeat an earlier one word for word
// at the same place.
func dedupe(diags hcl.Diagnostics) hcl.Diagnostics {
	if len(diags) < 2 {
		return diags
	}
	type key struct {
		summary, detail string
		subject         hcl.Range
	}
	seen := map[key]bool{}
	out := diags[:0]
	for _, d := range diags {
		k := key{d.Summary, d.Detail, hcl.Range{}}
		if d.Subject != nil {
			k.subject = *d.Subject
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}
