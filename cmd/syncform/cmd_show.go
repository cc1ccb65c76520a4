package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

type showOptions struct {
	format string
}

func (a *app) showCommand() *cobra.Command {
	var o showOptions
	cmd := &cobra.Command{
		Use:   "show PLANFILE",
		Short: "Show a saved plan",
		Long:  "show renders a plan saved by plan --out, as text, json or markdown.",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := validFormat(o.format, formatText, formatJSON, formatMarkdown); err != nil {
				return err
			}
			doc, err := loadPlan(args[0])
			if err != nil {
				return err
			}
			switch o.format {
			case formatJSON:
				return writeJSON(a.stdout, doc)
			case formatMarkdown:
				return a.markdown(*doc)
			}
			v := a.textView()
			v.plan(doc.Result())
			doc = safeCopy(doc)
			for _, addr := range doc.Unmanaged {
				fmt.Fprintf(a.stdout, "Unmanaged: %s\n", addr)
			}
			for _, d := range doc.Diagnostics {
				where := ""
				if d.Range != nil {
					where = fmt.Sprintf(" (%s:%d)", d.Range.Filename, d.Range.Start.Line)
				}
				fmt.Fprintf(a.stderr, "%s: %s%s\n", capitalize(d.Severity), d.Summary, where)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.format, "format", formatText, "output format: text, json or markdown")
	return cmd
}
