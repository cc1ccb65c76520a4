package main

import (
	"context"

	"github.com/spf13/cobra"
)

type planOptions struct {
	varFlags
	detailedExitCode bool
}

func (a *app) planCommand() *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change in the live connection",
		Long: "plan reads the live connection, checks every rule, and shows the actions that\n" +
			"would make it match the configuration. It changes nothing.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runPlan(cmd.Context(), o) },
	}
	o.register(cmd)
	cmd.Flags().BoolVar(&o.detailedExitCode, "detailed-exitcode", false, "exit 2 when the plan has changes, 0 when it has none")
	return cmd
}

func (a *app) runPlan(ctx context.Context, o planOptions) error {
	p, err := a.planAll(ctx, o.varFlags)
	if err != nil {
		return err
	}
	defer p.provider.Close()
	a.textView().plan(p.plan)
	if o.detailedExitCode && !p.plan.Empty() {
		return errChanges
	}
	return nil
}
