package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform/providers/sandbox"
)

func (a *app) sandboxCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Manage the embedded sandbox connection",
	}
	var v varFlags
	reset := &cobra.Command{
		Use:   "reset",
		Short: "Recreate the sandbox with the standard settings of a newly connected portal",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load(v)
			if err != nil {
				return err
			}
			path := a.sandboxPath(cfg)
			if err := sandbox.Reset(cmd.Context(), path); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Sandbox %s reset to a newly connected portal.\n", path)
			return nil
		},
	}
	v.register(reset)
	cmd.AddCommand(reset)
	return cmd
}
