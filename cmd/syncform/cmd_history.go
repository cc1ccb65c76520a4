package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler/state"
)

type historyOptions struct {
	varFlags
	limit  int
	format string
}

func (a *app) historyCommand() *cobra.Command {
	var o historyOptions
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List the applies recorded for the connection",
		Long: "history lists the applies and watch applies recorded in the state database for\n" +
			"the configuration's connection, newest first: when, by whom, the configuration's\n" +
			"digest, what they applied and how they ended.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := validFormat(o.format, formatText, formatJSON); err != nil {
				return err
			}
			if err := checkInt("limit", o.limit, 0, math.MaxInt); err != nil {
				return err
			}
			return a.runHistory(cmd.Context(), o)
		},
	}
	o.register(cmd)
	cmd.Flags().IntVar(&o.limit, "limit", 20, "show at most this many (0: all)")
	cmd.Flags().StringVar(&o.format, "format", formatText, "output format: text or json")
	return cmd
}

func (a *app) runHistory(ctx context.Context, o historyOptions) error {
	cfg, err := a.loadOrReport(o.varFlags)
	if err != nil {
		return err
	}
	db, err := a.openStateDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	connection, err := a.nameConnection(ctx, cfg, db)
	if err != nil {
		return err
	}
	runs, err := db.History(ctx, connection, o.limit)
	if err != nil {
		return err
	}
	if o.format == formatJSON {
		if runs == nil {
			runs = []state.Run{}
		}
		return writeJSON(a.stdout, runs)
	}
	if len(runs) == 0 {
		fmt.Fprintln(a.stdout, "No applies recorded for this connection.")
		return nil
	}
	return writeHistory(a.stdout, safeCopy(runs)) // who, host and errors come from the state database
}

// writeHistory renders runs as history's table.
func writeHistory(w io.Writer, runs []state.Run) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTARTED\tTOOK\tWHO\tOPERATION\tCONFIG\tCHANGES\tBACK-FILLS\tOUTCOME")
	for _, r := range runs {
		took := "-"
		if !r.Finished.IsZero() {
			took = r.Finished.Sub(r.Started).Round(time.Millisecond).String()
		}
		// A run's error follows its outcome, in the last cell, which
		// tabwriter does not align: a line of its own would split the
		// table into two blocks aligned apart.
		outcome := r.Outcome
		if r.Error != "" {
			outcome += ": " + firstLine(r.Error)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s@%s\t%s\t%.12s\t%d\t%d\t%s\n", r.ID, r.Started.Format("2006-01-02 15:04:05Z"), took,
			r.Who, r.Host, r.Operation, r.ConfigDigest, r.Changes, r.Backfills, outcome)
	}
	return tw.Flush()
}

type forceUnlockOptions struct {
	varFlags
	force bool
}

func (a *app) forceUnlockCommand() *cobra.Command {
	var o forceUnlockOptions
	cmd := &cobra.Command{
		Use:   "force-unlock LOCK_ID",
		Short: "Release a connection's lock whose holder is gone",
		Long: "force-unlock releases the lock with that ID (an error naming a lock gives it),\n" +
			"for a holder that is gone and whose lease has not expired yet. A holder that\n" +
			"is still running loses the lock and writes nothing more after the write in flight.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !o.force && !a.stdinTTY {
				return usagef("refusing to release a lock unattended: pass --force")
			}
			return a.runForceUnlock(cmd.Context(), o, args[0])
		},
	}
	o.register(cmd)
	cmd.Flags().BoolVar(&o.force, "force", false, "release without asking for confirmation")
	return cmd
}

func (a *app) runForceUnlock(ctx context.Context, o forceUnlockOptions, id string) error {
	cfg, err := a.loadOrReport(o.varFlags)
	if err != nil {
		return err
	}
	db, err := a.openStateDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if !o.force {
		ok, err := a.confirm(fmt.Sprintf("Release lock %s? A holder still running would lose it mid-apply.\n  Only 'yes' will be accepted.\n\n  Enter a value: ", id))
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("force-unlock cancelled")
		}
	}
	info, err := db.ForceUnlock(ctx, id)
	if err != nil {
		return err
	}
	// A holder still running fails its next check of the lock; the
	// sandbox, which keeps a writer lease of its own, refuses its writes
	// from now on, a back-fill job's included.
	if cfg.Connection.Provider == config.ProviderSandbox {
		if _, err := sandbox.Revoke(ctx, a.sandboxPath(cfg), id); err != nil {
			return fmt.Errorf("released lock %s, but could not end its lease of the sandbox: %w", id, err)
		}
	}
	fmt.Fprintf(a.stdout, "Released lock %s of %s: %s, held since %s.\n", terminalSafe(info.ID), terminalSafe(info.Connection),
		terminalSafe(fmt.Sprint(info.Holder)), info.Since.UTC().Format(time.RFC3339))
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
