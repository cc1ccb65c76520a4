package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) validateCommand() *cobra.Command {
	var v varFlags
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the configuration without reading the live connection",
		Long: "validate loads the configuration and reports every problem in it: syntax,\n" +
			"unknown blocks and attributes, types, variables, names. The rules that need the\n" +
			"live schema run at plan.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := a.load(v); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "The configuration is valid.")
			return nil
		},
	}
	v.register(cmd)
	return cmd
}
