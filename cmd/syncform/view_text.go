package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/reconciler"
)

// textView renders for people: plans on stdout, progress on stderr.
type textView struct {
	out, err io.Writer
	color    bool
	// live: stderr is a terminal, so progress can redraw in place
	live bool
	// what the last back-fill progress line said, to log changes only
	lastProgress string
	lastQuarter  int
}

func (a *app) textView() *textView {
	return &textView{out: a.stdout, err: a.stderr, color: a.color(), live: a.stderrTTY}
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
	ansiCyan   = "\x1b[36m"
)

func (v *textView) paint(code, s string) string {
	if !v.color {
		return s
	}
	return code + s + ansiReset
}

// symbol is an operation's sign and colour, as in every plan this tool prints.
func symbol(op syncform.Op) (string, string) {
	switch op {
	case syncform.OpCreate:
		return "+", ansiGreen
	case syncform.OpDelete:
		return "-", ansiRed
	}
	return "~", ansiYellow
}

func (v *textView) plan(p *planner.Result) {
	p = safeCopy(p)
	w := v.out
	if p.Empty() {
		fmt.Fprintln(w, v.paint(ansiBold, "No changes.")+" The live connection matches the configuration.")
		v.unmanaged(p)
		return
	}
	fmt.Fprintln(w, "syncform will perform the following actions:")
	fmt.Fprintln(w)
	for i, a := range p.Actions {
		if i > 0 {
			fmt.Fprintln(w)
		}
		sign, code := symbol(a.Change.Op)
		if a.Backfill != nil {
			sign, code = "↻", ansiCyan
		}
		mode := ""
		if a.Mode == syncform.ModeManual {
			mode = " " + v.paint(ansiCyan, "[manual]")
		}
		fmt.Fprintf(w, "  %s %s%s  (%s)\n", v.paint(code, sign), v.paint(ansiBold, a.Address), mode, a.Reason)
		for _, line := range v.details(a) {
			fmt.Fprintf(w, "      %s\n", line)
		}
	}
	fmt.Fprintln(w)
	v.unmanaged(p)
	drift := 0
	for _, a := range p.Actions {
		if a.Reason == planner.ReasonDrift {
			drift++
		}
	}
	if drift > 0 {
		fmt.Fprintf(w, "Drift: %d %s changed outside the configuration since the last apply; apply changes %s back.\n\n",
			drift, plural(drift, "setting was", "settings were"), plural(drift, "it", "them"))
	}
	s := p.Summary()
	line := fmt.Sprintf("Plan: %d to create, %d to update, %d to delete.", s.Create, s.Update, s.Delete)
	if s.Backfill > 0 {
		line = fmt.Sprintf("Plan: %d to create, %d to update, %d to delete, %d to back-fill.", s.Create, s.Update, s.Delete, s.Backfill)
	}
	if s.Manual > 0 {
		line += fmt.Sprintf(" %d of them manual.", s.Manual)
	}
	fmt.Fprintln(w, v.paint(ansiBold, line))
}

func (v *textView) unmanaged(p *planner.Result) {
	if len(p.Unmanaged) == 0 {
		return
	}
	fmt.Fprintf(v.out, "Unmanaged: %d live custom %s not declared in the configuration (prune = true deletes them):\n",
		len(p.Unmanaged), plural(len(p.Unmanaged), "mapping", "mappings"))
	for _, m := range p.Unmanaged {
		fmt.Fprintf(v.out, "    %s ↔ %s (%s)\n", m.Address(), m.SalesforceField, m.Rule)
	}
	fmt.Fprintln(v.out)
}

// details lists what an action changes: every attribute of a create, the
// changed ones of an update (before → after), the identity of a delete.
func (v *textView) details(a planner.Action) []string {
	c := a.Change
	switch {
	case a.Backfill != nil:
		return backfillDetails(a.Backfill)
	case c.Resource == syncform.ResourceSync && c.Sync != nil:
		before := a.Before != nil && a.Before.Sync != nil && *a.Before.Sync
		return []string{fmt.Sprintf("sync: %s → %s", onOff(before), onOff(*c.Sync))}
	case c.Resource == syncform.ResourceOptions && c.Property != nil:
		var before []syncform.Option
		if a.Before != nil && a.Before.Property != nil {
			before = a.Before.Property.Options
		}
		return v.optionDetails(before, c.Property.Options)
	case c.Resource == syncform.ResourceProperty && c.Property != nil:
		var before *syncform.Property
		if a.Before != nil {
			before = a.Before.Property
		}
		return v.propertyDetails(before, c.Property)
	case c.Resource == syncform.ResourceMapping && c.Op == syncform.OpDelete && a.Before != nil && a.Before.Mapping != nil:
		m := a.Before.Mapping
		return []string{fmt.Sprintf("%s ↔ %s (%s)", m.Property, m.SalesforceField, m.Rule)}
	case c.Resource == syncform.ResourceMapping && c.Mapping != nil:
		m := c.Mapping
		if a.Before != nil && a.Before.Mapping != nil {
			return []string{fmt.Sprintf("rule: %s → %s", a.Before.Mapping.Rule, m.Rule)}
		}
		return []string{fmt.Sprintf("salesforce_field: %s", m.SalesforceField), fmt.Sprintf("rule: %s", m.Rule)}
	}
	return nil
}

// backfillDetails says what a back-fill moves, how, and what it would change.
func backfillDetails(b *planner.Backfill) []string {
	j := b.Job
	var how string
	switch j.Method {
	case syncform.MethodImport:
		how = "Salesforce import"
	case syncform.MethodSegment:
		how = fmt.Sprintf("resync of segment %q", j.Segment)
	case syncform.MethodRecords:
		how = fmt.Sprintf("resync of %d %s", len(j.Records), plural(len(j.Records), "record", "records"))
	}
	if n := len(b.Batches); n > 0 {
		how += fmt.Sprintf(", in %d batches of at most %d", n, b.Batches[0].Limit)
	}
	lines := []string{how + " for: " + strings.Join(j.Properties, ", ")}
	if im := b.Impact; im != nil {
		lines = append(lines, fmt.Sprintf("impact: %d %s examined; %d %s change in HubSpot, %d in Salesforce; %d non-empty %s overwritten",
			im.Examined, plural(im.Examined, "record", "records"), im.HubSpotChanges, plural(im.HubSpotChanges, "value would", "values would"),
			im.SalesforceChanges, im.Overwrites, plural(im.Overwrites, "value", "values")))
		for _, s := range im.Samples {
			lines = append(lines, fmt.Sprintf("  %s: %s %s %q → %q", s.Record, s.Side, s.Field, s.Before, s.After))
		}
	}
	return lines
}

// longOptionList is the size past which an option change is also shown as a
// line diff of the list.
const longOptionList = 8

// optionDetails shows an option list change compactly: counts, and for long
// lists a line diff; short lists are shown whole.
func (v *textView) optionDetails(before, after []syncform.Option) []string {
	c := planner.CompareOptions(before, after)
	var counts []string
	for _, x := range []struct {
		n    int
		what string
	}{{c.Added, "added"}, {c.Relabelled, "relabelled"}, {c.Hidden, "hidden (records hold them)"}, {c.Shown, "shown again"}, {c.Removed, "removed"}} {
		if x.n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", x.n, x.what))
		}
	}
	lines := []string{fmt.Sprintf("options: %s (%d in all)", strings.Join(counts, ", "), len(after))}
	render := func(opts []syncform.Option) string {
		var b strings.Builder
		for _, o := range opts {
			hidden := ""
			if o.Hidden {
				hidden = " (hidden)"
			}
			fmt.Fprintf(&b, "%s = %q%s\n", o.Value, o.Label, hidden)
		}
		return b.String()
	}
	if len(before) == 0 || len(after) <= longOptionList && len(before) <= longOptionList {
		if len(after) <= longOptionList {
			for _, l := range strings.Split(strings.TrimSuffix(render(after), "\n"), "\n") {
				lines = append(lines, "  "+l)
			}
		}
		return lines
	}
	dmp := diffmatchpatch.New()
	a, b, index := dmp.DiffLinesToChars(render(before), render(after))
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), index) {
		sign := map[diffmatchpatch.Operation]string{diffmatchpatch.DiffInsert: "+ ", diffmatchpatch.DiffDelete: "- "}[d.Type]
		if sign == "" {
			continue
		}
		for _, l := range strings.Split(strings.TrimSuffix(d.Text, "\n"), "\n") {
			lines = append(lines, "  "+sign+l)
		}
	}
	return lines
}

func (v *textView) propertyDetails(before, after *syncform.Property) []string {
	attrs := []struct{ name, before, after string }{
		{"label", "", after.Label}, {"type", "", string(after.Type)},
		{"group", "", after.Group}, {"description", "", after.Description},
	}
	if before != nil {
		attrs[0].before, attrs[1].before = before.Label, string(before.Type)
		attrs[2].before, attrs[3].before = before.Group, before.Description
	}
	var out []string
	for _, at := range attrs {
		switch {
		case before == nil && at.after != "":
			out = append(out, fmt.Sprintf("%s: %q", at.name, at.after))
		case before != nil && at.before != at.after:
			out = append(out, fmt.Sprintf("%s: %s", at.name, v.change(at.before, at.after)))
		}
	}
	return out
}

// longValue is the length past which a changed value is shown as a diff.
const longValue = 60

// change renders before → after; long values become a character diff so the
// edit is visible, marked [-removed-]{+added+} without colour.
func (v *textView) change(before, after string) string {
	if len(before) < longValue && len(after) < longValue {
		return fmt.Sprintf("%q → %q", before, after)
	}
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMain(before, after, false))
	var b strings.Builder
	for _, d := range diffs {
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			b.WriteString(v.paintOr(ansiRed, "[-", d.Text, "-]"))
		case diffmatchpatch.DiffInsert:
			b.WriteString(v.paintOr(ansiGreen, "{+", d.Text, "+}"))
		default:
			b.WriteString(d.Text)
		}
	}
	return b.String()
}

func (v *textView) paintOr(code, open, text, close string) string {
	if v.color {
		return code + text + ansiReset
	}
	return open + text + close
}

func (v *textView) progress(ev reconciler.Event) {
	if ev.Backfill != nil {
		v.backfillProgress(ev.Backfill)
		return
	}
	if !ev.Done {
		return
	}
	status := "done"
	if ev.Err != nil {
		status = "failed"
	}
	fmt.Fprintf(v.err, "[%d/%d] %s %s: %s\n", ev.Index, ev.Total, terminalSafe(string(ev.Action.Change.Op)), terminalSafe(ev.Action.Address), status)
}

// backfillProgress shows a running back-fill: a bar redrawn in place on a
// terminal; elsewhere a log line when a batch starts, at each quarter, and
// when it ends.
func (v *textView) backfillProgress(b *reconciler.BackfillProgress) {
	b = safeCopy(b)
	j := b.Job
	pct := 0
	if j.Total > 0 {
		pct = j.Done * 100 / j.Total
	}
	label := b.Address
	if b.Batches > 1 {
		label += fmt.Sprintf(" batch %d/%d", b.Batch+1, b.Batches)
	}
	if v.live {
		const width = 30
		bar := strings.Repeat("█", pct*width/100) + strings.Repeat("░", width-pct*width/100)
		fmt.Fprintf(v.err, "\r%s %s %3d%% %d/%d", label, bar, pct, j.Done, j.Total)
		if j.State != syncform.JobRunning {
			fmt.Fprintf(v.err, " %s\n", j.State)
		}
		return
	}
	key := label + "/" + string(j.State)
	q := pct / 25
	switch {
	case j.State != syncform.JobRunning:
		msg := fmt.Sprintf("%s: %s, %d records, %d values changed", label, j.State, j.Done, j.Changed)
		if j.Error != "" {
			msg += ": " + j.Error
		}
		fmt.Fprintln(v.err, msg)
	case v.lastProgress != key:
		fmt.Fprintf(v.err, "%s: started (job %s)\n", label, j.ID)
		v.lastQuarter = 0
	case q > v.lastQuarter && j.Total > 0:
		fmt.Fprintf(v.err, "%s: %d%% (%d/%d records)\n", label, pct, j.Done, j.Total)
		v.lastQuarter = q
	}
	v.lastProgress = key
}

// applied reports what an apply did; failed says it stopped with an error
// (reported apart), so it is never called complete.
func (v *textView) applied(r *reconciler.Result, failed bool) {
	r = safeCopy(r)
	heading := "Apply complete"
	if failed {
		heading = "Apply stopped"
	}
	fmt.Fprintf(v.out, "\n%s: %d %s applied", heading, len(r.Applied), plural(len(r.Applied), "change", "changes"))
	if n := len(r.Backfilled); n > 0 {
		fmt.Fprintf(v.out, ", %d %s finished", n, plural(n, "back-fill", "back-fills"))
	}
	fmt.Fprintln(v.out, ".")
	for _, addr := range r.Abandoned {
		fmt.Fprintf(v.out, "Abandoned the journalled back-fill %s: none of its mappings lets values flow that way any more.\n", addr)
	}
	if len(r.Runbook) == 0 {
		return
	}
	fmt.Fprintln(v.out, "\nThese changes must be made by hand; the next plan verifies them:")
	for i, a := range r.Runbook {
		d := v.details(a)
		what := a.Address
		if len(d) > 0 {
			what += ": " + strings.Join(d, "; ")
		}
		op := string(a.Change.Op)
		if a.Backfill != nil {
			op = "run"
		}
		fmt.Fprintf(v.out, "  %d. %s %s\n", i+1, op, what)
	}
}

func (v *textView) inspect(s *syncform.Snapshot) {
	s = safeCopy(s)
	tw := tabwriter.NewWriter(v.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OBJECT\tSYNC\tMAPPINGS")
	for _, o := range syncform.Objects() {
		fmt.Fprintf(tw, "%s\t%s\t%d\n", o, onOff(s.Sync[o]), len(s.Mappings[o]))
	}
	tw.Flush()
	fmt.Fprintln(v.out)
	tw = tabwriter.NewWriter(v.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OBJECT\tHUBSPOT PROPERTY\tSALESFORCE FIELD\tRULE\tKIND")
	for _, o := range syncform.Objects() {
		for _, m := range s.Mappings[o] {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o, m.Property, m.SalesforceField, m.Rule, m.Kind())
		}
	}
	tw.Flush()
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// notes writes informational findings to stderr, after the diagnostics.
func (v *textView) notes(notes []planner.Note) {
	notes = safeCopy(notes)
	for _, n := range notes {
		fmt.Fprintf(v.err, "%s %s\n\n  on %s:\n%s\n\n", v.paint(ansiCyan, "Note:"), n.Summary, config.Where(n.Range), indent(wrap(n.Detail, 96), "  "))
	}
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
