package main

import (
	"github.com/spf13/cobra"
)

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
			a.textView().plan(doc.Result())
			return nil
		},
	}
	cmd.Flags().StringVar(&o.format, "format", formatText, "output format: text, json or markdown")
	return cmd
}
