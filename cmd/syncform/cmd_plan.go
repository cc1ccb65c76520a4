package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

type planOptions struct {
	varFlags
	detailedExitCode bool
	format           string
	maxOverwrites    int
	out              string
	targets          []string
}

func (a *app) planCommand() *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change in the live connection",
		Long: "plan reads the live connection, checks every rule, and shows the actions that\n" +
			"would make it match the configuration. It changes nothing.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(o.format, formatText, formatJSON, formatMarkdown); err != nil {
				return err
			}
			if err := checkMaxOverwrites(cmd, o.maxOverwrites); err != nil {
				return err
			}
			return a.runPlan(cmd.Context(), o)
		},
	}
	o.register(cmd)
	cmd.Flags().BoolVar(&o.detailedExitCode, "detailed-exitcode", false, "exit 2 when the plan has changes, 0 when it has none")
	cmd.Flags().StringVar(&o.format, "format", formatText, "output format: text, json, or markdown (a pull-request comment)")
	cmd.Flags().StringVar(&o.out, "out", "", "save the plan to this file, for apply FILE")
	cmd.Flags().StringArrayVar(&o.targets, "target", nil, "plan only this address and what it needs, e.g. companies.mapping.region (repeatable)")
	cmd.Flags().IntVar(&o.maxOverwrites, "max-overwrites", noLimit, "fail when the back-fill would overwrite more than this many non-empty values")
	return cmd
}

func (a *app) runPlan(ctx context.Context, o planOptions) error {
	p, err := a.planAll(ctx, o.varFlags, o.targets)
	if err != nil {
		return err
	}
	defer p.close()
	switch o.format {
	case formatJSON:
		if err := writeJSON(a.stdout, a.document(p)); err != nil {
			return err
		}
	case formatMarkdown:
		if err := a.markdown(a.document(p)); err != nil {
			return err
		}
	default:
		a.writeDiagnostics(p.cfg, p.diags)
		if p.plan != nil {
			a.textView().notes(p.plan.Notes)
			a.textView().plan(p.plan)
		}
	}
	if p.plan == nil {
		return errReported
	}
	if err := checkOverwrites(p.plan, o.maxOverwrites); err != nil {
		return err
	}
	if o.out != "" {
		if err := savePlan(o.out, a.document(p)); err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "Saved the plan to %s. Apply exactly it with: syncform apply %s\n", o.out, o.out)
	}
	if o.detailedExitCode && !p.plan.Empty() {
		return errChanges
	}
	return nil
}
