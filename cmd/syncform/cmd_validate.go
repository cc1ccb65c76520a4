package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform/planner"
)

// validateJSON is validate's --format json output.
type validateJSON struct {
	Valid       bool                     `json:"valid"`
	Diagnostics []planner.JSONDiagnostic `json:"diagnostics"`
}

func (a *app) validateCommand() *cobra.Command {
	var v varFlags
	var format string
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the configuration without reading the live connection",
		Long: "validate loads the configuration and reports every problem in it: syntax,\n" +
			"unknown blocks and attributes, types, variables, names. The rules that need the\n" +
			"live schema run at plan.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(format, formatText, formatJSON); err != nil {
				return err
			}
			cfg, diags := a.load(v)
			if format == formatJSON {
				if err := writeJSON(a.stdout, validateJSON{Valid: !diags.HasErrors(), Diagnostics: planner.DiagnosticsJSON(diags, nil)}); err != nil {
					return err
				}
			} else {
				a.writeDiagnostics(cfg, diags)
			}
			if diags.HasErrors() {
				return errReported
			}
			if format == formatText {
				fmt.Fprintln(a.stdout, "The configuration is valid.")
			}
			return nil
		},
	}
	v.register(cmd)
	cmd.Flags().StringVar(&format, "format", formatText, "output format: text or json")
	return cmd
}
