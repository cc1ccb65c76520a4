package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform/config"
)

type importOptions struct {
	varFlags
	out   string
	force bool
}

func (a *app) importCommand() *cobra.Command {
	var o importOptions
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Write HCL that declares the live connection's settings",
		Long: "import reads the live connection named by this directory's connection block and\n" +
			"writes a configuration that declares its settings: object sync toggles, custom\n" +
			"mappings and the custom properties they use, and standard mappings whose rule\n" +
			"differs from a new portal's. Planned against the same connection, it has no\n" +
			"changes. Tokens are written as env() calls, never as values. With --out, a\n" +
			"relative sandbox path is rewritten to be relative to the file's directory.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runImport(cmd.Context(), o) },
	}
	o.register(cmd)
	cmd.Flags().StringVar(&o.out, "out", "", "write the configuration to this file instead of stdout")
	cmd.Flags().BoolVar(&o.force, "force", false, "overwrite the --out file if it exists")
	return cmd
}

func (a *app) runImport(ctx context.Context, o importOptions) error {
	if o.out != "" && !o.force {
		// Checked before reading the live connection, which may be slow.
		if _, err := os.Lstat(o.out); err == nil {
			return fmt.Errorf("%s already exists; use --force to overwrite it", o.out)
		}
	}
	cfg, live, err := a.readLive(ctx, o.varFlags)
	if err != nil {
		return err
	}
	conn := cfg.Connection
	if o.out == "" {
		_, err := a.stdout.Write(config.Generate(live, conn))
		return err
	}
	if conn.Provider == config.ProviderSandbox && !filepath.IsAbs(conn.Sandbox) {
		// The imported configuration must reach the same sandbox from
		// where it is written, not from here.
		conn.Sandbox = relativeTo(filepath.Dir(o.out), a.sandboxPath(cfg))
	}
	// Its directories are made where the file may be written: never
	// through a link out of the directory (destination).
	target, err := destination(o.out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	if err := replaceFile(o.out, config.Generate(live, conn), 0o644, true); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Wrote %s from the live %s connection.\n", o.out, cfg.Connection.Provider)
	return nil
}

// relativeTo is path as seen from dir, or path made absolute when there is
// no relative way (another volume).
func relativeTo(dir, path string) string {
	absDir, err1 := filepath.Abs(dir)
	absPath, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(path)
	}
	rel, err := filepath.Rel(absDir, absPath)
	if err != nil {
		return filepath.ToSlash(absPath)
	}
	return filepath.ToSlash(rel)
}
