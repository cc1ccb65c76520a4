package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/syncform/syncform/config"
)

func (a *app) fmtCommand() *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "fmt",
		Short: "Rewrite the configuration files in canonical style",
		Long: "fmt rewrites every configuration file of the directory (*.hcl, variable files\n" +
			"included) in canonical HCL style and prints the names of the files it changed.\n" +
			"A file with syntax errors is reported and left alone, and so is one syncform\n" +
			"does not read (not a regular file, a link out of the directory, too large).\n" +
			"With --check it changes nothing: it lists the files that are not formatted and\n" +
			"exits 1 if there are any.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.runFmt(".", check) },
	}
	cmd.Flags().BoolVar(&check, "check", false, "change nothing; list the files that are not formatted and exit 1 if there are any")
	return cmd
}

func (a *app) runFmt(dir string, check bool) error {
	files, err := formatTargets(dir)
	if err != nil {
		return err
	}
	unformatted, broken := 0, false
	for _, name := range files {
		// With the loader's checks: a link out of the directory (to
		// /proc/self/environ) would be quoted in a diagnostic, a named
		// pipe block for ever, /dev/zero never end.
		src, err := config.ReadFile(dir, name)
		if err != nil {
			fmt.Fprintf(a.stderr, "Error: %s\n", terminalLines(err.Error()))
			broken = true
			continue
		}
		out, diags := config.Format(name, src)
		if diags.HasErrors() {
			writeDiagnostics(a.stderr, map[string]*hcl.File{name: {Bytes: src}}, diags, a.color())
			broken = true
			continue
		}
		if bytes.Equal(out, src) {
			continue
		}
		if !check {
			if err := replaceFile(name, out, 0o644, true); err != nil {
				return err
			}
		}
		fmt.Fprintln(a.stdout, name)
		unformatted++
	}
	if check && unformatted > 0 {
		return fmt.Errorf("%d %s not formatted; run syncform fmt", unformatted, plural(unformatted, "file is", "files are"))
	}
	if broken {
		return errReported
	}
	return nil
}

// formatTargets lists the files fmt formats: the configuration files and
// the variable files of dir, sorted by name.
func formatTargets(dir string) ([]string, error) {
	files, err := config.ConfigFiles(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasSuffix(n, config.VarFileSuffix) && !strings.HasPrefix(n, ".") {
			files = append(files, filepath.Join(dir, n))
		}
	}
	sort.Strings(files)
	return files, nil
}
