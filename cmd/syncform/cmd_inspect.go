package main

import (
	"context"

	"github.com/spf13/cobra"
)

func (a *app) inspectCommand() *cobra.Command {
	var v varFlags
	cmd := &cobra.Command{
		Use:   "inspect",
		Short: "Print the live connection's settings",
		Long:  "inspect prints the live sync toggles and field mappings as tables.",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.runInspect(cmd.Context(), v) },
	}
	v.register(cmd)
	return cmd
}

func (a *app) runInspect(ctx context.Context, v varFlags) error {
	_, live, err := a.readLive(ctx, v)
	if err != nil {
		return err
	}
	a.textView().inspect(live)
	return nil
}
