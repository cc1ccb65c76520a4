package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/planner"
	"github.com/syncform/syncform/providers/hubspot"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler"
	"github.com/syncform/syncform/reconciler/state"
)

// app is what every command may touch of the outside world, so tests can
// substitute it.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
	// stdinTTY, stdoutTTY and stderrTTY say whether a person is at the
	// terminal.
	stdinTTY, stdoutTTY, stderrTTY bool

	// serve, when set, stands between a sandbox and the commands: the
	// conformance tests serve it over HTTP and return the hubspot provider
	// connected to it, so every scenario runs through both providers.
	serve func(ctx context.Context, sb *sandbox.Sandbox, manual bool) (syncform.Provider, error)

	// global flags
	chdir   string
	noColor bool
	state   string
}

func newSystemApp() *app {
	return &app{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		lookupEnv: os.LookupEnv,
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
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
	if errors.As(err, &ue) || err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		fmt.Fprintf(a.stderr, "Error: %s\nRun \"syncform --help\" for usage.\n", terminalLines(err.Error()))
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
			if a.state != "" {
				if err := config.CheckState(a.state); err != nil {
					return usagef("--state: %v", err)
				}
			}
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
	root.PersistentFlags().StringVar(&a.state, "state", "", "the state database: a file, or a postgres:// URL without a password (PGPASSWORD gives it); "+
		"wins over the connection block's state (default: "+state.DefaultPath+" beside the configuration)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err.Error()} })
	root.AddCommand(
		a.initCommand(),
		a.validateCommand(),
		a.planCommand(),
		a.applyCommand(),
		a.inspectCommand(),
		a.versionCommand(),
		a.rulesCommand(),
		a.showCommand(),
		a.sandboxCommand(),
		a.fmtCommand(),
		a.importCommand(),
		a.exportCommand(),
		a.watchCommand(),
		a.historyCommand(),
		a.forceUnlockCommand(),
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

// load reads the configuration of the current directory. The diagnostics
// are the caller's to render; cfg is never nil.
func (a *app) load(v varFlags) (*config.Config, hcl.Diagnostics) {
	return config.Load(".", a.loadOptions(v))
}

func (a *app) loadOptions(v varFlags) config.Options {
	return config.Options{Vars: v.vars, VarFiles: v.varFiles, Env: a.lookupEnv}
}

// loadOrReport is load for commands that only need a valid configuration:
// it writes the diagnostics to stderr and fails on an error.
func (a *app) loadOrReport(v varFlags) (*config.Config, error) {
	cfg, diags := a.load(v)
	a.writeDiagnostics(cfg, diags)
	if diags.HasErrors() {
		return nil, errReported
	}
	return cfg, nil
}

func (a *app) writeDiagnostics(cfg *config.Config, diags hcl.Diagnostics) {
	writeDiagnostics(a.stderr, cfg.Files, diags, a.color())
}

// writeDiagnostics renders diagnostics for a terminal. A rule's summary and
// detail may quote live values (an owner's name, a field's label), so they
// are made terminal-safe first; the quoted source lines are the renderer's.
func writeDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) {
	if len(diags) == 0 {
		return
	}
	safe := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		c := *d
		c.Summary, c.Detail = terminalSafe(d.Summary), terminalLines(d.Detail)
		safe[i] = &c
	}
	_ = config.WriteDiagnostics(w, files, safe, 100, color)
}

// connect opens the provider the configuration's connection block names.
func (a *app) connect(ctx context.Context, cfg *config.Config) (syncform.Provider, error) {
	switch cfg.Connection.Provider {
	case config.ProviderSandbox:
		sb, err := sandbox.Open(ctx, a.sandboxPath(cfg))
		if err != nil {
			return nil, err
		}
		manual := cfg.Connection.Connector != nil && cfg.Connection.Connector.Manual
		switch {
		case a.serve != nil:
			return a.serve(ctx, sb, manual)
		case manual:
			return sandbox.NewManual(sb), nil
		}
		return sb, nil
	default:
		c := cfg.Connection
		hc := hubspot.Config{
			PortalID:   c.HubSpot.PortalID,
			HubSpotURL: c.HubSpot.APIURL, HubSpotToken: c.HubSpot.Token,
			SalesforceURL: c.Salesforce.InstanceURL, SalesforceToken: c.Salesforce.Token,
		}
		if cc := c.Connector; cc != nil {
			hc.ConnectorEndpoint = cc.Endpoint
			if cc.MappingsCSV != "" {
				hc.MappingsCSV = cc.MappingsCSV
				if !filepath.IsAbs(hc.MappingsCSV) {
					hc.MappingsCSV = filepath.Join(cfg.Dir, hc.MappingsCSV)
				}
			}
		}
		return hubspot.Connect(hc)
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

// planned is a configuration planned against a live connection.
type planned struct {
	cfg        *config.Config
	provider   syncform.Provider // nil when the configuration has errors
	journal    *state.DB
	lock       *state.Lock // held by commands that write
	unclaim    func()      // gives up the writer lease taken with lock
	connection string
	live       *syncform.Snapshot
	plan       *planner.Result // nil when there are error diagnostics
	diags      hcl.Diagnostics
	targets    []string // --target: what the plan was narrowed to
}

// close releases the provider and the state database, if opened.
func (p *planned) close() {
	if p.unclaim != nil {
		p.unclaim()
	}
	if p.lock != nil {
		p.lock.Release(context.Background())
	}
	if p.provider != nil {
		p.provider.Close()
	}
	if p.journal != nil {
		p.journal.Close()
	}
}

// openStateDB opens the state database: --state's, else the connection
// block's (a file relative to the configuration), else the default file.
func (a *app) openStateDB(ctx context.Context, cfg *config.Config) (*state.DB, error) {
	loc := a.state
	switch {
	case loc != "":
	case cfg.Connection.State == "":
		loc = filepath.Join(cfg.Dir, state.DefaultPath)
	case config.IsPostgresState(cfg.Connection.State) || filepath.IsAbs(cfg.Connection.State):
		loc = cfg.Connection.State
	default:
		loc = filepath.Join(cfg.Dir, cfg.Connection.State)
	}
	return state.Open(ctx, loc)
}

// identify names p's live connection in the state database by its
// identity (syncform.Identifier): the sandbox's own ID, or the portal's and
// the org's, so that moving or copying the project keeps its journal and
// history. What the database holds under the name the connection had
// before it had an identity (legacyConnectionID) moves to it, once.
func (a *app) identify(ctx context.Context, p *planned) error {
	idr, ok := p.provider.(syncform.Identifier)
	if !ok {
		return fmt.Errorf("the %s provider cannot name the connection it reaches", p.cfg.Connection.Provider)
	}
	id, err := idr.Identity(ctx)
	if err != nil {
		return fmt.Errorf("naming the live connection: %w", err)
	}
	p.connection = id.String()
	_, err = p.journal.Rekey(ctx, a.legacyConnectionID(p.cfg), p.connection)
	return err
}

// nameConnection names cfg's connection in j as identify does, for a
// command that does not plan (history, sandbox reset and seed): a sandbox
// by the ID its file holds, without opening it (which would create or
// migrate it), and moving what j kept under its path there; a sandbox file
// with no ID to read (missing, damaged, or older than IDs) by its path,
// under which nothing but a reset or a seed can run; any other connection,
// or a sandbox tests serve through another provider, by the identity its
// provider reads.
func (a *app) nameConnection(ctx context.Context, cfg *config.Config, j *state.DB) (string, error) {
	if cfg.Connection.Provider == config.ProviderSandbox {
		legacy := a.legacyConnectionID(cfg)
		id, ok := sandbox.FileID(ctx, a.sandboxPath(cfg))
		if !ok {
			return legacy, nil
		}
		if a.serve == nil {
			conn := syncform.Identity{Sandbox: id}.String()
			_, err := j.Rekey(ctx, legacy, conn)
			return conn, err
		}
	}
	prov, err := a.connect(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer prov.Close()
	p := &planned{cfg: cfg, provider: prov, journal: j}
	if err := a.identify(ctx, p); err != nil {
		return "", err
	}
	return p.connection, nil
}

// legacyConnectionID is the name syncform gave a connection in the state
// database before connections had identities: the sandbox file's absolute
// path, or the configured portal ID.
func (a *app) legacyConnectionID(cfg *config.Config) string {
	switch c := cfg.Connection; {
	case c.Provider == config.ProviderSandbox:
		if abs, err := filepath.Abs(a.sandboxPath(cfg)); err == nil {
			return "sandbox:" + abs
		}
	case c.HubSpot != nil:
		return fmt.Sprintf("hubspot:%d", c.HubSpot.PortalID)
	}
	return cfg.Connection.Provider
}

// planAll loads, connects, observes the live state and plans. Diagnostics,
// of the configuration or of the rules, come back in planned.diags for the
// caller to render; err is a failure to reach or read the live system. The
// caller closes the result.
func (a *app) planAll(ctx context.Context, v varFlags, targets []string) (*planned, error) {
	return a.planWith(ctx, v, targets, nil)
}

// planWith is planAll calling before, when set, once the connection is
// open and before reading it: apply takes the connection's lock there.
func (a *app) planWith(ctx context.Context, v varFlags, targets []string, before func(*planned) error) (*planned, error) {
	opts := a.loadOptions(v)
	var early *earlyRead
	if before == nil {
		// Nothing is locked before a plan reads, so it may read while the
		// configuration loads.
		opts.Connected = func(c config.Connection) { early = a.readEarly(ctx, c) }
	}
	cfg, diags := config.Load(".", opts)
	p := &planned{cfg: cfg, diags: diags, targets: targets}
	if diags.HasErrors() {
		early.discard()
		return p, nil
	}
	var snap *syncform.Snapshot
	if early != nil {
		var err error
		if p.provider, snap, err = early.wait(); err != nil {
			return nil, err
		}
	}
	if err := a.open(ctx, p); err != nil {
		return nil, err
	}
	if before != nil {
		if err := before(p); err != nil {
			p.close()
			return nil, err
		}
	}
	live, plan, pdiags, err := reconciler.PlanLive(ctx, p.provider, cfg, reconciler.Options{Journal: p.journal, Connection: p.connection,
		Targets: targets, Snapshot: snap})
	if err != nil {
		p.close()
		return nil, err
	}
	p.live, p.plan = live, plan
	p.diags = append(p.diags, pdiags...)
	config.SortDiagnostics(p.diags)
	return p, nil
}

// noLimit is --max-overwrites' default: no limit.
const noLimit = -1

// open connects to the configuration's live connection, unless p has it
// already, and to its journal, and names the connection.
func (a *app) open(ctx context.Context, p *planned) error {
	if p.provider == nil {
		prov, err := a.connect(ctx, p.cfg)
		if err != nil {
			return err
		}
		p.provider = prov
	}
	var err error
	if p.journal, err = a.openStateDB(ctx, p.cfg); err != nil {
		p.close()
		return err
	}
	if err := a.identify(ctx, p); err != nil {
		p.close()
		return err
	}
	return nil
}

// holder is this process, for locks and the history.
func (a *app) holder(op string) state.Holder {
	who, _ := a.lookupEnv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		who = u.Username
	}
	host, _ := os.Hostname()
	return state.Holder{Operation: op, Who: who, Host: host, PID: os.Getpid()}
}

// lock takes p's connection lock for op, waiting up to timeout for another
// holder's, and with it the live system's writer lease where it keeps one
// (the sandbox file, which another directory's state database may lock
// too), waiting up to timeout again for another writer's.
func (a *app) lock(ctx context.Context, p *planned, op string, timeout time.Duration) error {
	l, err := p.journal.Acquire(ctx, p.connection, a.holder(op), state.LockOptions{Timeout: timeout, Waiting: a.waitingForLock(timeout)})
	if err != nil {
		return err
	}
	unclaim, err := reconciler.Claim(ctx, p.provider, l, p.journal, timeout)
	if err != nil {
		l.Release(context.WithoutCancel(ctx))
		return err
	}
	p.lock, p.unclaim = l, unclaim
	return nil
}

// waitingForLock says on stderr that a command waits for another holder's
// lock, and for how long at most.
func (a *app) waitingForLock(timeout time.Duration) func(state.LockInfo) {
	return func(held state.LockInfo) {
		fmt.Fprintf(a.stderr, "Waiting up to %s for the connection's lock: %s holds it since %s (lock ID %s).\n",
			shortDuration(timeout), terminalSafe(held.Holder.String()), held.Since.UTC().Format(time.RFC3339), terminalSafe(held.ID))
	}
}

// readLive loads the configuration (for its connection block) and reads the
// live connection's snapshot: what the commands that only look need.
func (a *app) readLive(ctx context.Context, v varFlags) (*config.Config, *syncform.Snapshot, error) {
	cfg, err := a.loadOrReport(v)
	if err != nil {
		return nil, nil, err
	}
	prov, err := a.connect(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	defer prov.Close()
	live, err := prov.Snapshot(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the live connection: %w", err)
	}
	return cfg, live, nil
}

// checkOverwrites fails when the plan's back-fills would overwrite more
// non-empty values than max allows (noLimit: no limit).
func checkOverwrites(plan *planner.Result, max int) error {
	if max == noLimit {
		return nil
	}
	n := 0
	for _, a := range plan.Actions {
		if a.Backfill != nil && a.Backfill.Impact != nil {
			n += a.Backfill.Impact.Overwrites
		}
	}
	if n > max {
		return fmt.Errorf("the back-fill would overwrite %d non-empty %s, more than --max-overwrites %d allows", n, plural(n, "value", "values"), max)
	}
	return nil
}

// earlyRead is a sandbox opened and its snapshot read on a goroutine while
// the configuration's objects load: a plan's two slowest steps, side by
// side.
type earlyRead struct {
	done chan struct{}
	sb   *sandbox.Sandbox
	snap *syncform.Snapshot
	err  error
}

// readEarly starts reading c's live state, or returns nil where that is not
// safe: only the sandbox provider itself (not a manual one, nor one tests
// serve over HTTP), and only a sandbox file of this version, which opening
// neither creates nor migrates (a configuration with errors must change
// nothing); for any other, wait reports nothing read.
func (a *app) readEarly(ctx context.Context, c config.Connection) *earlyRead {
	if c.Provider != config.ProviderSandbox || a.serve != nil || c.Connector != nil && c.Connector.Manual {
		return nil
	}
	path := a.sandboxPath(&config.Config{Dir: ".", Connection: c})
	r := &earlyRead{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		if !sandbox.IsCurrent(ctx, path) {
			return
		}
		if r.sb, r.err = sandbox.Open(ctx, path); r.err != nil {
			return
		}
		if r.snap, r.err = r.sb.Snapshot(ctx); r.err != nil {
			r.sb.Close()
			r.sb = nil
		}
	}()
	return r
}

// wait returns the open sandbox and its snapshot, or nothing when it read
// nothing.
func (r *earlyRead) wait() (syncform.Provider, *syncform.Snapshot, error) {
	<-r.done
	if r.err != nil {
		return nil, nil, fmt.Errorf("reading the live connection: %w", r.err)
	}
	if r.sb == nil {
		return nil, nil, nil
	}
	return r.sb, r.snap, nil
}

// discard waits for the read and closes what it opened.
func (r *earlyRead) discard() {
	if r == nil {
		return
	}
	<-r.done
	if r.sb != nil {
		r.sb.Close()
	}
}
