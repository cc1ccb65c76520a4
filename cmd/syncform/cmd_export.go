package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform"
)

type exportOptions struct {
	varFlags
	object   string
	out      string
	rawCells bool
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
			"--out replaces the file if it exists.\n\n" +
			"A cell a spreadsheet would run as a formula (one that begins with = + - @) gets\n" +
			"a single quote before it, and control, bidi and invisible characters are\n" +
			"written as escapes (\\x1b, \\u202e); --raw-cells writes the live values as they\n" +
			"are. A mappings_csv of the connector block reads a quoted cell as it was.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runExport(cmd.Context(), o) },
	}
	o.register(cmd)
	cmd.Flags().StringVar(&o.object, "object", "", "export only this object's mappings: contacts, companies or deals")
	cmd.Flags().StringVar(&o.out, "out", "", "write the CSV to this file instead of stdout")
	cmd.Flags().BoolVar(&o.rawCells, "raw-cells", false, "write the live values as they are: no quote before a formula, no escaped control or bidi characters")
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
	// The cells as WriteMappingsCSV writes them, and made terminal-safe too:
	// a CSV is read on terminals as much as in spreadsheets.
	rows := syncform.MappingsCSVRows(live, objects)
	if !o.rawCells {
		for _, row := range rows {
			for i, c := range row {
				row[i] = syncform.NeutralizeFormula(terminalSafe(c))
			}
		}
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	if o.out == "" {
		_, err := a.stdout.Write(buf.Bytes())
		return err
	}
	if err := replaceFile(o.out, buf.Bytes(), 0o644, true); err != nil {
		return err
	}
	n := len(rows) - 1
	fmt.Fprintf(a.stdout, "Wrote %s: %d %s.\n", terminalSafe(o.out), n, plural(n, "mapping", "mappings"))
	return nil
}
