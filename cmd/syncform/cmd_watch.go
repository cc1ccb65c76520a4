package main

import (
	"context"
	"log/slog"
	"net"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/reconciler/state"
	"github.com/syncform/syncform/reconciler/watch"
)

type watchOptions struct {
	varFlags
	apply       bool
	interval    time.Duration
	debounce    time.Duration
	logFormat   string
	listen      string
	lockTimeout time.Duration
	standby     bool
	lease       time.Duration
}

// Log formats of watch.
const (
	logAuto = "auto"
	logText = "text"
	logJSON = "json"
)

func (a *app) watchCommand() *cobra.Command {
	var o watchOptions
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Keep the live connection converged as files and settings change",
		Long: "watch plans whenever a configuration file changes and on an interval, to catch\n" +
			"settings changed by hand. With --apply it applies each plan; without, it only\n" +
			"reports drift and planned changes. A configuration that does not load is\n" +
			"reported and the last good one stays in force. SIGINT or SIGTERM stop it after\n" +
			"the change in progress.\n\n" +
			"With --standby, watchers of one connection sharing a state database (PostgreSQL,\n" +
			"see --state) elect one: it holds the connection's lock while it runs, the others\n" +
			"wait and the first to get the lock takes over when it stops or dies (within\n" +
			"--lease), resuming its outstanding back-fills.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			return a.runWatch(cmd.Context(), o)
		},
	}
	o.register(cmd)
	cmd.Flags().BoolVar(&o.apply, "apply", false, "apply every plan (without it, only report)")
	cmd.Flags().DurationVar(&o.interval, "interval", watch.DefaultInterval, "plan this often without file changes (±10% jitter), to catch drift")
	cmd.Flags().DurationVar(&o.debounce, "debounce", watch.DefaultDebounce, "wait for the files to be quiet this long before planning")
	cmd.Flags().StringVar(&o.logFormat, "log-format", logAuto, "log format: text, json, or auto (text on a terminal, else json)")
	cmd.Flags().StringVar(&o.listen, "listen", "", "serve /healthz and /metrics on this address, e.g. 127.0.0.1:9090")
	cmd.Flags().DurationVar(&o.lockTimeout, "lock-timeout", 0, "wait this long for another apply to release the connection's lock (else retry later)")
	cmd.Flags().BoolVar(&o.standby, "standby", false, "with --apply: hold the connection's lock for as long as watch runs; while another watcher holds it, wait and take over when it stops")
	cmd.Flags().DurationVar(&o.lease, "lease", state.DefaultLease, "how long the connection's lock outlives a watcher that stopped renewing it (crashed, or lost its network)")
	return cmd
}

func (o *watchOptions) validate() error {
	for _, c := range []struct {
		flag   string
		v      time.Duration
		lo, hi time.Duration
	}{
		{"interval", o.interval, time.Second, maxWait},
		{"debounce", o.debounce, 0, time.Hour},
		{"lock-timeout", o.lockTimeout, 0, maxWait},
		{"lease", o.lease, time.Second, maxWait},
	} {
		if err := checkDuration(c.flag, c.v, c.lo, c.hi); err != nil {
			return err
		}
	}
	if o.standby && !o.apply {
		return usagef("--standby takes over applying from another watcher: it needs --apply")
	}
	if err := validChoice("--log-format", o.logFormat, logAuto, logText, logJSON); err != nil {
		return err
	}
	if o.listen != "" {
		if _, _, err := net.SplitHostPort(o.listen); err != nil {
			return usagef("--listen %q: want host:port, e.g. 127.0.0.1:9090", o.listen)
		}
	}
	return nil
}

// logger is watch's logger on stderr: readable lines on a terminal, JSON
// otherwise (or as --log-format says).
func (a *app) logger(format string) *slog.Logger {
	if format == logJSON || format == logAuto && !a.stderrTTY {
		return slog.New(slog.NewJSONHandler(a.stderr, nil))
	}
	return slog.New(newLineHandler(a.stderr))
}

func (a *app) runWatch(ctx context.Context, o watchOptions) error {
	opts := watch.Options{
		Dir:   ".",
		Files: o.varFiles,
		Load:  func() (*config.Config, hcl.Diagnostics) { return a.load(o.varFlags) },
		Open: func(ctx context.Context, cfg *config.Config) (*watch.Session, error) {
			p := &planned{cfg: cfg}
			if err := a.open(ctx, p); err != nil {
				return nil, err
			}
			return &watch.Session{Provider: p.provider, Journal: p.journal, Connection: p.connection}, nil
		},
		Apply:       o.apply,
		Holder:      a.holder("watch"),
		LockTimeout: o.lockTimeout,
		Standby:     o.standby,
		Lease:       o.lease,
		Debounce:    o.debounce,
		Interval:    o.interval,
		Log:         a.logger(o.logFormat),
		Metrics:     &watch.Metrics{},
	}
	if o.debounce == 0 {
		opts.Debounce = time.Nanosecond // 0 would mean the default
	}
	if o.listen != "" {
		ln, err := net.Listen("tcp", o.listen)
		if err != nil {
			return err
		}
		opts.Listener = ln
		opts.Log.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
	}
	// Stopping is how a watch ends: not an error.
	return watch.Run(ctx, opts)
}
