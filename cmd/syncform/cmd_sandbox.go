package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

func (a *app) sandboxCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Manage the embedded sandbox connection",
	}
	var o resetOptions
	reset := &cobra.Command{
		Use:   "reset",
		Short: "Recreate the sandbox with the standard settings of a newly connected portal",
		Long: "reset recreates the sandbox. It takes the connection's lock, as apply does, and\n" +
			"refuses while an apply or a watcher holds it (or another directory's apply\n" +
			"writes the same sandbox), or waits up to --lock-timeout.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkDuration("lock-timeout", o.lockTimeout, 0, maxWait); err != nil {
				return err
			}
			return a.runReset(cmd.Context(), o)
		},
	}
	o.register(reset)
	reset.Flags().DurationVar(&o.lockTimeout, "lock-timeout", 0, "wait this long for an apply or watcher to release the connection's lock")
	cmd.AddCommand(reset, a.sandboxSeedCommand(), a.sandboxServeCommand())
	return cmd
}

type resetOptions struct {
	varFlags
	lockTimeout time.Duration
}

func (a *app) runReset(ctx context.Context, o resetOptions) error {
	cfg, err := a.loadOrReport(o.varFlags)
	if err != nil {
		return err
	}
	sl, err := a.lockSandbox(ctx, cfg, "sandbox reset", o.lockTimeout)
	if err != nil {
		return err
	}
	defer sl.release()
	path := a.sandboxPath(cfg)
	if err := sandbox.ResetAs(ctx, path, sl.writer); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Sandbox %s reset to a newly connected portal.\n", path)
	// Back-fills journalled for the old sandbox are for records that no
	// longer exist.
	n, err := sl.journal.Abandon(ctx, sl.connection, "abandoned: the sandbox was reset")
	if n > 0 {
		fmt.Fprintf(a.stdout, "Abandoned %d outstanding %s of the old sandbox.\n", n, plural(n, "back-fill", "back-fills"))
	}
	return err
}

// sandboxLock is the connection's lock, held by a command that rewrites
// the sandbox (reset, seed), and the writer it does so as.
type sandboxLock struct {
	journal    *state.DB
	connection string
	lock       *state.Lock
	writer     syncform.Writer
}

// lockSandbox takes the connection's lock for op, as apply does, waiting up
// to timeout: reset and seed must not rewrite the sandbox under an apply or
// a watcher. The writer it returns waits up to timeout again for a writer
// whose lock is in another state database (see sandbox.ResetAs).
func (a *app) lockSandbox(ctx context.Context, cfg *config.Config, op string, timeout time.Duration) (*sandboxLock, error) {
	j, err := a.openStateDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	conn, err := a.nameConnection(ctx, cfg, j)
	if err != nil {
		j.Close()
		return nil, err
	}
	l, err := j.Acquire(ctx, conn, a.holder(op), state.LockOptions{Timeout: timeout, Waiting: a.waitingForLock(timeout)})
	if err != nil {
		j.Close()
		return nil, err
	}
	info := l.Info()
	return &sandboxLock{journal: j, connection: conn, lock: l, writer: syncform.Writer{
		Lock: info.ID, Scope: reconciler.Scope(j, conn), Holder: info.Holder.String(), Lease: l.Lease(), Wait: timeout,
	}}, nil
}

func (sl *sandboxLock) release() {
	sl.lock.Release(context.Background())
	sl.journal.Close()
}

type seedOptions struct {
	varFlags
	sandbox.SeedOptions
	customFields int
	mappingLimit int
	lockTimeout  time.Duration
}

func (a *app) sandboxSeedCommand() *cobra.Command {
	var o seedOptions
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Replace the sandbox's records with deterministic generated ones",
		Long: "seed replaces every record and segment of the sandbox with generated linked\n" +
			"record pairs: the same options always give the same data. Settings (mappings,\n" +
			"properties, sync toggles) are kept.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			return a.runSeed(cmd.Context(), o)
		},
	}
	o.register(cmd)
	cmd.Flags().IntVar(&o.Contacts, "contacts", 200, "linked contact records (up to 10,000,000)")
	cmd.Flags().IntVar(&o.Companies, "companies", 50, "linked company records (up to 1,000,000)")
	cmd.Flags().IntVar(&o.Deals, "deals", 30, "linked deal records (up to 1,000,000)")
	cmd.Flags().Int64Var(&o.Seed, "seed", 1, "the generator's seed: the same seed gives the same data")
	cmd.Flags().IntVar(&o.customFields, "custom-fields", 0, "first add this many custom text fields (Extra_001__c …, up to 9,999) to the Salesforce objects, as an admin would")
	cmd.Flags().IntVar(&o.mappingLimit, "mapping-limit", 0, "let each object hold this many mappings, past the connector's 500 and up to 1,000,000, to measure scale (0: keep the limit)")
	cmd.Flags().DurationVar(&o.lockTimeout, "lock-timeout", 0, "wait this long for an apply or watcher to release the connection's lock")
	return cmd
}

// check bounds the counts: see maxSeedContacts and the others.
func (o *seedOptions) check() error {
	for _, c := range []struct {
		flag  string
		v, hi int
	}{
		{"contacts", o.Contacts, maxSeedContacts},
		{"companies", o.Companies, maxSeedCompanies},
		{"deals", o.Deals, maxSeedDeals},
		{"custom-fields", o.customFields, maxCustomFields},
		{"mapping-limit", o.mappingLimit, maxMappingLimit},
	} {
		if err := checkInt(c.flag, c.v, 0, c.hi); err != nil {
			return err
		}
	}
	return checkDuration("lock-timeout", o.lockTimeout, 0, maxWait)
}

func (a *app) runSeed(ctx context.Context, o seedOptions) error {
	cfg, err := a.loadOrReport(o.varFlags)
	if err != nil {
		return err
	}
	sl, err := a.lockSandbox(ctx, cfg, "sandbox seed", o.lockTimeout)
	if err != nil {
		return err
	}
	defer sl.release()
	path := a.sandboxPath(cfg)
	if o.customFields > 0 || o.mappingLimit > 0 {
		sb, err := sandbox.Open(ctx, path)
		if err != nil {
			return err
		}
		err = sb.Claim(ctx, sl.writer)
		if err == nil {
			err = sb.AddCustomFields(ctx, o.customFields)
		}
		if err == nil && o.mappingLimit > 0 {
			err = sb.SetMappingLimit(ctx, o.mappingLimit)
		}
		sb.Close()
		if err != nil {
			return err
		}
		if o.customFields > 0 {
			fmt.Fprintf(a.stdout, "Added custom text fields %s to %s on Lead, Contact, Account and Opportunity.\n",
				sandbox.CustomFieldName(1), sandbox.CustomFieldName(o.customFields))
		}
		if o.mappingLimit > 0 {
			fmt.Fprintf(a.stdout, "Each object may now hold %d mappings (the connector allows %d).\n", o.mappingLimit, syncform.MaxMappingsPerObject)
		}
	}
	if err := sandbox.SeedAs(ctx, path, o.SeedOptions, sl.writer); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Sandbox %s seeded: %d contacts, %d companies, %d deals (seed %d).\n",
		path, o.Contacts, o.Companies, o.Deals, o.Seed)
	return nil
}
