package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/reconciler"
)

type applyOptions struct {
	varFlags
	autoApprove   bool
	maxOverwrites int
	targets       []string
	lockTimeout   time.Duration
}

func (a *app) applyCommand() *cobra.Command {
	var o applyOptions
	cmd := &cobra.Command{
		Use:   "apply [PLANFILE]",
		Short: "Change the live connection to match the configuration",
		Long: "apply plans, shows the plan, asks for confirmation, and carries the plan out.\n" +
			"Unattended (no terminal on stdin) it refuses to run without --auto-approve.\n\n" +
			"apply PLANFILE carries out exactly a plan saved by plan --out, which was\n" +
			"approved when it was reviewed. It trusts nothing in the file: it refuses,\n" +
			"writing nothing, a file changed or damaged since plan wrote it (its digest),\n" +
			"a plan whose live settings have changed since (stale), one with a change the\n" +
			"live system would refuse, and one that is not exactly the plan the configuration\n" +
			"makes now; the back-fill's figures (--max-overwrites) are counted again.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkMaxOverwrites(cmd, o.maxOverwrites); err != nil {
				return err
			}
			if err := checkDuration("lock-timeout", o.lockTimeout, 0, maxWait); err != nil {
				return err
			}
			if len(args) == 1 {
				if len(o.targets) > 0 {
					return usagef("--target narrows a new plan; a saved plan is applied whole (use --target with plan --out)")
				}
				return a.runApplySaved(cmd.Context(), o, args[0])
			}
			return a.runApply(cmd.Context(), o)
		},
	}
	o.register(cmd)
	cmd.Flags().BoolVar(&o.autoApprove, "auto-approve", false, "apply without asking for confirmation")
	cmd.Flags().StringArrayVar(&o.targets, "target", nil, "apply only this address and what it needs (repeatable)")
	cmd.Flags().IntVar(&o.maxOverwrites, "max-overwrites", noLimit, "refuse to apply when the back-fill would overwrite more than this many non-empty values")
	cmd.Flags().DurationVar(&o.lockTimeout, "lock-timeout", 0, "wait this long for another apply or watcher to release the connection's lock")
	return cmd
}

// errUnattended: apply without a person to confirm and without --auto-approve.
var errUnattended = errors.New("refusing to apply unattended: no terminal to confirm on; review the plan and pass --auto-approve to apply it")

func (a *app) runApply(ctx context.Context, o applyOptions) error {
	// Refuse before reading anything: an unattended run must not depend on
	// what the plan happens to contain.
	if !o.autoApprove && !a.stdinTTY {
		return errUnattended
	}
	// The lock is taken before the live state is read, so nothing another
	// apply does can slip between this plan and its apply.
	p, err := a.planWith(ctx, o.varFlags, o.targets, func(p *planned) error { return a.lock(ctx, p, "apply", o.lockTimeout) })
	if err != nil {
		return err
	}
	defer p.close()
	a.writeDiagnostics(p.cfg, p.diags)
	if p.plan == nil {
		return errReported
	}
	view := a.textView()
	view.notes(p.plan.Notes)
	view.plan(p.plan)
	if p.plan.Empty() {
		return nil
	}
	if err := checkOverwrites(p.plan, o.maxOverwrites); err != nil {
		return err
	}
	if !o.autoApprove {
		ok, err := a.confirm("Do you want to apply these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("apply cancelled")
		}
	}
	return a.carryOut(ctx, p, p.plan, view)
}

// carryOut applies a plan, journalling back-fills, and reports.
func (a *app) carryOut(ctx context.Context, p *planned, plan *planner.Result, view *textView) error {
	res, err := reconciler.ApplyLocked(ctx, p.provider, plan, reconciler.Options{
		Progress: view.progress, Journal: p.journal, Connection: p.connection,
	}, p.lock, p.cfg.Digest())
	if res != nil {
		view.applied(res, err != nil)
	}
	if err != nil {
		return fmt.Errorf("%w\nThe actions before it were applied; fix the cause and run apply again: it will carry out only what is left", err)
	}
	return nil
}

// runApplySaved carries out exactly a saved plan. The file is not trusted:
// before anything is written, under the connection's lock, the plan is made
// again from the configuration and the live state, and the saved one is
// applied only if it was made for this connection, its live settings have
// not moved (stale), the live system would take each of its changes
// (planner.CheckActions: the rules, on the state they leave), and it is
// exactly the plan made now (Document.Matches). What records decide (the
// back-fill's batches, and its impact, which --max-overwrites counts) comes
// from the plan made now, never from numbers in the file.
func (a *app) runApplySaved(ctx context.Context, o applyOptions, path string) error {
	doc, err := loadPlan(path)
	if err != nil {
		return err
	}
	p, err := a.planWith(ctx, o.varFlags, doc.Targets, func(p *planned) error {
		if doc.Connection.ID != p.connection {
			return fmt.Errorf("%s was planned for %s, not for this configuration's connection %s", path, terminalSafe(doc.Connection.ID), p.connection)
		}
		return a.lock(ctx, p, "apply", o.lockTimeout)
	})
	if err != nil {
		return err
	}
	defer p.close()
	if p.plan == nil {
		a.writeDiagnostics(p.cfg, p.diags)
		return fmt.Errorf("%s cannot be applied: the configuration has errors; nothing was written", path)
	}
	if err := doc.Stale(p.live); err != nil {
		return fmt.Errorf("%s: %w; nothing was written", path, err)
	}
	if diags := planner.CheckActions(p.live, doc.Changes); diags.HasErrors() {
		return refusedActions(path, diags)
	}
	if err := doc.Matches(a.document(p)); err != nil {
		return fmt.Errorf("%s: %w; nothing was written", path, err)
	}
	plan := p.plan
	view := a.textView()
	view.plan(plan)
	if plan.Empty() {
		return nil
	}
	if err := checkOverwrites(plan, o.maxOverwrites); err != nil {
		return err
	}
	return a.carryOut(ctx, p, plan, view)
}

// refusedActions is the error of a saved plan whose actions the live system
// would refuse: each finding, with its rule.
func refusedActions(path string, diags hcl.Diagnostics) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the live system would refuse the saved plan; nothing was written:", path)
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			fmt.Fprintf(&b, "\n  %s: %s", d.Summary, d.Detail)
		}
	}
	b.WriteString("\nThe plan file was edited after plan wrote it: run plan again.")
	return errors.New(b.String())
}

// confirm asks on the terminal and reports whether the answer was "yes".
func (a *app) confirm(prompt string) (bool, error) {
	fmt.Fprint(a.stderr, "\n"+prompt)
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		return false, fmt.Errorf("reading confirmation: %w", err)
	}
	return strings.TrimSpace(line) == "yes", nil
}
