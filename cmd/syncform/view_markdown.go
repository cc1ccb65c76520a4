package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/planner"
)

// Markdown limits: a GitHub comment holds at most 65,536 characters; a
// section with more rows than collapseAt folds into <details>.
const (
	markdownLimit = 65536
	collapseAt    = 10
)

// markdownMarker begins every plan comment: a pipeline finds its earlier
// comment for the same connection by it and updates it in place. The
// connection is hashed so no local path reaches a pull request. A
// configuration too broken to name its connection is keyed by its
// directory instead: two broken configurations of one repository must not
// share one comment (which the hash of an empty ID would give them).
func markdownMarker(doc planner.Document) string {
	key := doc.Connection.ID
	if key == "" {
		key = "directory:" + workingDir()
	}
	sum := sha256.Sum256([]byte(key))
	return "<!-- syncform:plan connection=" + hex.EncodeToString(sum[:6]) + " -->"
}

// workingDir is the configuration's directory (the working directory,
// after --chdir), or "" when it cannot be known.
func workingDir() string {
	wd, _ := os.Getwd()
	return wd
}

// markdown writes the document as a pull-request comment.
func (a *app) markdown(doc planner.Document) error {
	out := renderMarkdown(doc, true)
	if len(out) > markdownLimit-512 {
		out = renderMarkdown(doc, false) // too long: the summary and diagnostics only
	}
	if len(out) > markdownLimit-512 {
		// Still too long (thousands of diagnostics): keep whole findings
		// only, cutting between two of them.
		cut := strings.LastIndex(out[:markdownLimit-512], "\n- ")
		if cut < 0 {
			cut = strings.LastIndex(out[:markdownLimit-512], "\n")
		}
		out = out[:cut] + "\n\n_… cut: the plan is longer than a comment holds; see the job's log._\n"
	}
	_, err := io.WriteString(a.stdout, out)
	return err
}

// renderMarkdown renders doc; detailed adds the changes and the back-fill
// tables.
func renderMarkdown(doc planner.Document, detailed bool) string {
	var b strings.Builder
	b.WriteString(markdownMarker(doc) + "\n")
	b.WriteString("## syncform plan\n\n")
	errs, warns := 0, 0
	for _, d := range doc.Diagnostics {
		switch d.Severity {
		case "error":
			errs++
		case "warning":
			warns++
		}
	}
	s := doc.Summary
	switch {
	case !doc.Valid:
		fmt.Fprintf(&b, "**The configuration has %d %s: nothing can be applied.**\n\n", errs, plural(errs, "error", "errors"))
	case len(doc.Changes) == 0:
		b.WriteString("**No changes.** The live connection matches the configuration.\n\n")
	default:
		fmt.Fprintf(&b, "**%d to create, %d to update, %d to delete, %d to back-fill**", s.Create, s.Update, s.Delete, s.Backfill)
		if s.Manual > 0 {
			fmt.Fprintf(&b, " · %d manual", s.Manual)
		}
		b.WriteString("\n\n")
	}
	if len(doc.Changes) > 0 {
		b.WriteString("| object | create | update | delete | back-fill | manual |\n|---|---:|---:|---:|---:|---:|\n")
		for _, o := range syncform.Objects() {
			var of []planner.Action
			for _, a := range doc.Changes {
				if a.Object() == o {
					of = append(of, a)
				}
			}
			c := (&planner.Result{Actions: of}).Summary()
			if c != (planner.Summary{}) {
				fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", o, c.Create, c.Update, c.Delete, c.Backfill, c.Manual)
			}
		}
		fmt.Fprintf(&b, "| **total** | **%d** | **%d** | **%d** | **%d** | **%d** |\n\n", s.Create, s.Update, s.Delete, s.Backfill, s.Manual)
	}
	if detailed {
		changesMarkdown(&b, doc)
		backfillMarkdown(&b, doc)
	} else if len(doc.Changes) > 0 {
		b.WriteString("_The changes are too many to list here; see the plan in the job's log (`syncform show plan.json`)._\n\n")
	}
	if len(doc.Drift) > 0 {
		fmt.Fprintf(&b, "### Drift\n\nChanged outside the configuration since the last apply; apply changes them back:\n\n")
		for _, addr := range doc.Drift {
			fmt.Fprintf(&b, "- %s\n", mdCode(addr))
		}
		b.WriteString("\n")
	}
	diagnosticsMarkdown(&b, doc, errs, warns)
	if len(doc.Unmanaged) > 0 {
		fmt.Fprintf(&b, "<details><summary>%d unmanaged custom %s (not declared; <code>prune = true</code> deletes them)</summary>\n\n", len(doc.Unmanaged), plural(len(doc.Unmanaged), "mapping", "mappings"))
		for _, addr := range doc.Unmanaged {
			fmt.Fprintf(&b, "- %s\n", mdCode(addr))
		}
		b.WriteString("\n</details>\n\n")
	}
	fmt.Fprintf(&b, "<sub>syncform %s · plan format %s</sub>\n", mdText(doc.SyncformVersion), mdText(doc.FormatVersion))
	return b.String()
}

// changesMarkdown lists the setting changes by object, folding long lists.
func changesMarkdown(b *strings.Builder, doc planner.Document) {
	v := &textView{}
	for _, o := range syncform.Objects() {
		var rows []string
		for _, a := range doc.Changes {
			if a.Backfill != nil || a.Change.Object != o {
				continue
			}
			sign, _ := symbol(a.Change.Op)
			what := strings.Join(v.details(a), "; ")
			mode := ""
			if a.Mode == syncform.ModeManual {
				mode = " (manual)"
			}
			rows = append(rows, fmt.Sprintf("| `%s` | %s%s | %s | %s |", sign, mdCode(a.Address), mode, mdText(what), mdText(string(a.Reason))))
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(b, "### %s\n\n", o)
		table := "| | address | change | why |\n|---|---|---|---|\n" + strings.Join(rows, "\n") + "\n"
		if len(rows) > collapseAt {
			fmt.Fprintf(b, "<details><summary>%d changes</summary>\n\n%s\n</details>\n\n", len(rows), table)
		} else {
			b.WriteString(table + "\n")
		}
	}
}

// backfillMarkdown shows every back-fill's impact, with samples folded.
func backfillMarkdown(b *strings.Builder, doc planner.Document) {
	var rows, samples []string
	for _, a := range doc.Changes {
		if a.Backfill == nil {
			continue
		}
		j := a.Backfill.Job
		how := string(j.Method)
		if j.Segment != "" {
			how += fmt.Sprintf(" of “%s”", j.Segment)
		}
		if n := len(a.Backfill.Batches); n > 0 {
			how += fmt.Sprintf(", %d batches", n)
		}
		addr, props := mdCode(a.Address), mdText(strings.Join(j.Properties, ", "))
		im := a.Backfill.Impact
		if im == nil {
			rows = append(rows, fmt.Sprintf("| %s | %s | %s | – | – | – |", addr, mdText(how), props))
			continue
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %d | %d / %d | %d |", addr, mdText(how), props,
			im.Examined, im.HubSpotChanges, im.SalesforceChanges, im.Overwrites))
		for _, s := range im.Samples {
			samples = append(samples, fmt.Sprintf("| %s | %s | %s %s | %s | %s |", addr, mdText(s.Record), mdText(string(s.Side)), mdCode(s.Field), mdValue(s.Before), mdValue(s.After)))
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("### Back-fill\n\n| back-fill | how | for | records | values changed (HubSpot / Salesforce) | non-empty values overwritten |\n|---|---|---|---:|---:|---:|\n")
	b.WriteString(strings.Join(rows, "\n") + "\n\n")
	if len(samples) > 0 {
		fmt.Fprintf(b, "<details><summary>Sample changes</summary>\n\n| back-fill | record | value | before | after |\n|---|---|---|---|---|\n%s\n\n</details>\n\n", strings.Join(samples, "\n"))
	}
}

// diagnosticsMarkdown lists findings, errors first, with their rule and
// place; long lists fold.
func diagnosticsMarkdown(b *strings.Builder, doc planner.Document, errs, warns int) {
	if len(doc.Diagnostics) == 0 {
		return
	}
	icon := map[string]string{"error": "❌ **Error**", "warning": "⚠️ **Warning**", "info": "ℹ️ **Note**"}
	var lines []string
	for _, sev := range []string{"error", "warning", "info"} {
		for _, d := range doc.Diagnostics {
			if d.Severity != sev {
				continue
			}
			where := ""
			if d.Range != nil {
				where = fmt.Sprintf(" (%s)", mdCode(fmt.Sprintf("%s:%d", d.Range.Filename, d.Range.Start.Line)))
			}
			rule := ""
			if d.Rule != "" {
				rule = " " + mdCode(d.Rule)
			}
			lines = append(lines, fmt.Sprintf("- %s%s: %s%s\n  <details><summary>details</summary>\n\n  %s\n\n  </details>",
				icon[sev], rule, mdText(d.Summary), where, strings.ReplaceAll(mdLines(d.Detail), "\n", "\n  ")))
		}
	}
	fmt.Fprintf(b, "### Diagnostics: %d %s, %d %s\n\n", errs, plural(errs, "error", "errors"), warns, plural(warns, "warning", "warnings"))
	body := strings.Join(lines, "\n") + "\n\n"
	if len(lines) > collapseAt {
		fmt.Fprintf(b, "<details><summary>%d findings</summary>\n\n%s</details>\n\n", len(lines), body)
		return
	}
	b.WriteString(body)
}

// mdValue shows a record's value: as code, or "(empty)".
func mdValue(s string) string {
	if s == "" {
		return "_(empty)_"
	}
	return mdCode(s)
}
