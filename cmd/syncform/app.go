package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/providers/sandbox"
)

// app is what every command may touch of the outside world, so tests can
// substitute it.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
	// stdinTTY and stdoutTTY say whether a person is at the terminal.
	stdinTTY, stdoutTTY bool

	// global flags
	chdir   string
	noColor bool
}

func newSystemApp() *app {
	return &app{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		lookupEnv: os.LookupEnv,
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
	}
}

// color reports whether output may carry ANSI colour: only on a terminal, and
// never with --no-color or NO_COLOR set.
func (a *app) color() bool {
	if a.noColor || !a.stdoutTTY {
		return false
	}
	_, set := a.lookupEnv("NO_COLOR")
	return !set
}

func run(ctx context.Context, a *app, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(a.stderr, "Error: %v\nRun \"syncform --help\" for usage.\n", err)
		return exitError
	}
	return exitCode(err, a.stderr)
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "syncform",
		Short: "Configuration as code for the HubSpot–Salesforce connector",
		Long: "syncform declares, in HCL, how a HubSpot portal and a Salesforce org sync:\n" +
			"objects, field mappings and their rules, and the properties they need.\n" +
			"plan shows what would change; apply makes it so.",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.chdir == "" {
				return nil
			}
			if err := os.Chdir(a.chdir); err != nil {
				return usagef("--chdir: %v", err)
			}
			return nil
		},
	}
	root.PersistentFlags().StringVar(&a.chdir, "chdir", "", "switch to this directory before doing anything")
	root.PersistentFlags().BoolVar(&a.noColor, "no-color", false, "never colour the output")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err.Error()} })
	root.AddCommand(
		a.initCommand(),
		a.validateCommand(),
		a.planCommand(),
		a.applyCommand(),
		a.inspectCommand(),
		a.versionCommand(),
		a.sandboxCommand(),
	)
	return root
}

// varFlags are the flags of every command that loads the configuration.
type varFlags struct {
	vars     []string
	varFiles []string
}

func (v *varFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&v.vars, "var", nil, "set a variable: --var name=value (repeatable)")
	cmd.Flags().StringArrayVar(&v.varFiles, "var-file", nil, "read variables from a file (repeatable)")
}

// load reads the configuration of the current directory, writing its
// diagnostics to stderr; it fails with errReported on any error diagnostic.
func (a *app) load(v varFlags) (*config.Config, error) {
	cfg, diags := config.Load(".", config.Options{Vars: v.vars, VarFiles: v.varFiles, Env: a.lookupEnv})
	a.writeDiagnostics(cfg, diags)
	if diags.HasErrors() {
		return nil, errReported
	}
	return cfg, nil
}

func (a *app) writeDiagnostics(cfg *config.Config, diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	w := hcl.NewDiagnosticTextWriter(a.stderr, cfg.Files, 100, a.color())
	_ = w.WriteDiagnostics(diags)
}

// connect opens the provider the configuration's connection block names.
func (a *app) connect(ctx context.Context, cfg *config.Config) (syncform.Provider, error) {
	switch cfg.Connection.Provider {
	case config.ProviderSandbox:
		return sandbox.Open(ctx, a.sandboxPath(cfg))
	default:
		return nil, fmt.Errorf("the %q provider is not available in this build; use provider = %q", cfg.Connection.Provider, config.ProviderSandbox)
	}
}

// sandboxPath resolves the sandbox file relative to the configuration.
func (a *app) sandboxPath(cfg *config.Config) string {
	p := cfg.Connection.Sandbox
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(cfg.Dir, p)
}

// planned is a loaded configuration planned against a live connection.
type planned struct {
	cfg      *config.Config
	provider syncform.Provider
	live     *syncform.Snapshot
	plan     *planner.Result
}

// planAll loads, connects, reads live state and plans, writing diagnostics to
// stderr. The caller closes the provider when err is nil.
func (a *app) planAll(ctx context.Context, v varFlags) (*planned, error) {
	cfg, err := a.load(v)
	if err != nil {
		return nil, err
	}
	prov, err := a.connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	live, err := prov.Snapshot(ctx)
	if err != nil {
		prov.Close()
		return nil, fmt.Errorf("reading the live connection: %w", err)
	}
	plan, diags := planner.Plan(cfg, live)
	a.writeDiagnostics(cfg, diags)
	if diags.HasErrors() {
		prov.Close()
		return nil, errReported
	}
	return &planned{cfg: cfg, provider: prov, live: live, plan: plan}, nil
}
