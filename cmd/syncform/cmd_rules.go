package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
)

type rulesOptions struct {
	format string
}

func (a *app) rulesCommand() *cobra.Command {
	var o rulesOptions
	cmd := &cobra.Command{
		Use:   "rules [SLUG]",
		Short: "List the constraint rules plan checks, or explain one",
		Long: "rules lists every documented constraint of the connector that plan checks,\n" +
			"with its severity. Given a slug, it explains that rule and its fix.\n" +
			"docs/rules.md shows a bad and a good example of each.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := validFormat(o.format, formatText, formatJSON); err != nil {
				return err
			}
			return a.runRules(o, args)
		},
	}
	cmd.Flags().StringVar(&o.format, "format", formatText, "output format: text or json")
	return cmd
}

func (a *app) runRules(o rulesOptions, args []string) error {
	rules := planner.Rules()
	if len(args) == 1 {
		r, ok := planner.LookupRule(args[0])
		if !ok {
			return usagef("there is no rule %q.%s", args[0], config.DidYouMean(args[0], planner.Slugs()))
		}
		rules = []planner.Rule{r}
	}
	if o.format == formatJSON {
		return writeJSON(a.stdout, rules)
	}
	if len(args) == 1 {
		r := rules[0]
		fmt.Fprintf(a.stdout, "%s (%s): %s\n\n%s\n", r.Slug, r.Severity, r.Summary, wrap(r.Explain, 80))
		switch {
		case r.Severity == planner.SeverityInfo:
			fmt.Fprintf(a.stdout, "\nA rules block can hide its notes: rules { %s = \"off\" }\n", r.Slug)
		case r.Tunable():
			fmt.Fprintf(a.stdout, "\nA rules block can change its warnings: rules { %s = \"off\" | \"warning\" | \"error\" }\n", r.Slug)
		}
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tSEVERITY\tWHAT")
	for _, r := range rules {
		sev := string(r.Severity)
		if r.Warns {
			sev += " (warns first)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Slug, sev, r.Summary)
	}
	return tw.Flush()
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
