package main

import (
	"bytes"
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform"
)

type exportOptions struct {
	varFlags
	object string
	out    string
}

func (a *app) exportCommand() *cobra.Command {
	var o exportOptions
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the live field mappings as CSV",
		Long: "export writes the live field mappings as CSV, one row per mapping, objects in\n" +
			"sync order and rows by HubSpot property name, with the columns: Object, HubSpot\n" +
			"property label, HubSpot property name, HubSpot field type, Salesforce field label,\n" +
			"Salesforce field API name, Salesforce field type, Sync rule, Mapping type\n" +
			"(standard or custom). A contacts field is described from Lead, else Contact.\n" +
			"--out replaces the file if it exists.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runExport(cmd.Context(), o) },
	}
	o.register(cmd)
	cmd.Flags().StringVar(&o.object, "object", "", "export only this object's mappings: contacts, companies or deals")
	cmd.Flags().StringVar(&o.out, "out", "", "write the CSV to this file instead of stdout")
	return cmd
}

func (a *app) runExport(ctx context.Context, o exportOptions) error {
	objects := syncform.Objects()
	if o.object != "" {
		ob, err := syncform.ParseObject(o.object)
		if err != nil {
			return usagef("--object %q: want contacts, companies or deals", o.object)
		}
		objects = []syncform.Object{ob}
	}
	_, live, err := a.readLive(ctx, o.varFlags)
	if err != nil {
		return err
	}
	if o.out == "" {
		return syncform.WriteMappingsCSV(a.stdout, live, objects)
	}
	var buf bytes.Buffer
	if err := syncform.WriteMappingsCSV(&buf, live, objects); err != nil {
		return err
	}
	if err := replaceFile(o.out, buf.Bytes(), 0o644, true); err != nil {
		return err
	}
	n := 0
	for _, ob := range objects {
		n += len(live.Mappings[ob])
	}
	fmt.Fprintf(a.stdout, "Wrote %s: %d %s.\n", o.out, n, plural(n, "mapping", "mappings"))
	return nil
}
