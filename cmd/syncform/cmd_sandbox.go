package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform"
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
			cfg, err := a.loadOrReport(v)
			if err != nil {
				return err
			}
			path := a.sandboxPath(cfg)
			if err := sandbox.Reset(cmd.Context(), path); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Sandbox %s reset to a newly connected portal.\n", path)
			// Back-fills journalled for the old sandbox are for records that
			// no longer exist.
			j, err := a.openStateDB(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer j.Close()
			n, err := j.Abandon(cmd.Context(), a.connectionID(cfg), "abandoned: the sandbox was reset")
			if n > 0 {
				fmt.Fprintf(a.stdout, "Abandoned %d outstanding %s of the old sandbox.\n", n, plural(n, "back-fill", "back-fills"))
			}
			return err
		},
	}
	v.register(reset)
	cmd.AddCommand(reset, a.sandboxSeedCommand(), a.sandboxServeCommand())
	return cmd
}

type seedOptions struct {
	varFlags
	sandbox.SeedOptions
	customFields int
	mappingLimit int
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
	return nil
}

func (a *app) runSeed(ctx context.Context, o seedOptions) error {
	cfg, err := a.loadOrReport(o.varFlags)
	if err != nil {
		return err
	}
	path := a.sandboxPath(cfg)
	if o.customFields > 0 || o.mappingLimit > 0 {
		sb, err := sandbox.Open(ctx, path)
		if err != nil {
			return err
		}
		err = sb.AddCustomFields(ctx, o.customFields)
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
	if err := sandbox.Seed(ctx, path, o.SeedOptions); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Sandbox %s seeded: %d contacts, %d companies, %d deals (seed %d).\n",
		path, o.Contacts, o.Companies, o.Deals, o.Seed)
	return nil
}
