package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/providers/sandbox/server"
)

// sandboxTokenEnv names the variable holding the served sandbox's bearer
// token. A flag would leave the token in shell history and process lists.
const sandboxTokenEnv = "SYNCFORM_SANDBOX_TOKEN"

// shutdownGrace is how long serve waits for requests in flight once
// interrupted.
const shutdownGrace = 5 * time.Second

type serveOptions struct {
	varFlags
	addr      string
	opts      server.Options
	faultSeed uint64
}

func (a *app) sandboxServeCommand() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the sandbox over HTTP in the shapes of the HubSpot and Salesforce APIs",
		Long: "serve answers on a loopback address as HubSpot CRM v3 and Salesforce REST\n" +
			"would, backed by the configuration's sandbox, until interrupted. Every\n" +
			"request must carry the bearer token in " + sandboxTokenEnv + ".",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serveSandbox(cmd.Context(), o)
		},
	}
	o.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8790", "the loopback address to listen on (port 0 picks a free one)")
	f.DurationVar(&o.opts.Latency, "latency", 0, "delay added to every response")
	f.IntVar(&o.opts.RateLimit, "rate-limit", 0, "HubSpot requests accepted per rolling 10 seconds (0: no limit)")
	f.IntVar(&o.opts.DailyLimit, "daily-limit", 0, "HubSpot requests accepted per UTC day (0: no limit)")
	f.IntVar(&o.opts.SalesforceDailyLimit, "salesforce-daily-limit", server.DefaultSalesforceDailyLimit, "Salesforce API requests accepted per UTC day")
	f.Float64Var(&o.opts.FaultRate, "fault-rate", 0, "share of requests, 0 to 1, that fail with a 5xx, a 429 or a dropped connection")
	f.Float64Var(&o.opts.TimeoutRate, "timeout-rate", 0, "share of requests, 0 to 1, served but never answered (the client times out)")
	f.DurationVar(&o.opts.Hang, "hang", 30*time.Second, "how long an unanswered request holds its connection")
	f.Uint64Var(&o.faultSeed, "fault-seed", 0, "seed of the injected faults (0: a random one)")
	return cmd
}

func (a *app) serveSandbox(ctx context.Context, o serveOptions) error {
	if err := checkLoopback(o.addr); err != nil {
		return err
	}
	if err := o.check(); err != nil {
		return err
	}
	token, _ := a.lookupEnv(sandboxTokenEnv)
	if token == "" {
		return fmt.Errorf("%s is not set: serve needs the bearer token clients must send", sandboxTokenEnv)
	}
	o.opts.Token = token
	seed := o.faultSeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	o.opts.Rand = rand.NewPCG(seed, seed)

	cfg, err := a.loadOrReport(o.varFlags)
	if err != nil {
		return err
	}
	path := a.sandboxPath(cfg)
	sb, err := sandbox.Open(ctx, path)
	if err != nil {
		return err
	}
	defer sb.Close()

	// A hubspot connection block names the portal it means (portal_id).
	portal, org, err := sb.Portal(ctx)
	if err != nil {
		return err
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.addr)
	if err != nil {
		return err
	}
	var hubspotRequests, salesforceRequests atomic.Int64
	handler := server.New(sb, o.opts)
	srv := &http.Server{
		// Counted as each API counts them, for the summary at the end.
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/services/") {
				salesforceRequests.Add(1)
			} else {
				hubspotRequests.Add(1)
			}
			handler.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		// Requests in flight see the command's cancellation.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	// The listener's address, not the flag's: with port 0 it names the
	// port actually chosen.
	fmt.Fprintf(a.stderr, "The sandbox answers as HubSpot portal %d (portal_id = %d) and Salesforce org %s.\n", portal, portal, org)
	fmt.Fprintf(a.stderr, "Serving sandbox %s on http://%s\n", path, ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "Stopped serving after %d HubSpot and connector requests and %d Salesforce requests.\n",
		hubspotRequests.Load(), salesforceRequests.Load())
	return nil
}

// check bounds the numeric flags: a share is from 0 to 1, a limit is 0 (none)
// or more, and the delays are those of a rehearsal.
func (o *serveOptions) check() error {
	for _, c := range []struct {
		flag string
		v    int
	}{{"rate-limit", o.opts.RateLimit}, {"daily-limit", o.opts.DailyLimit}, {"salesforce-daily-limit", o.opts.SalesforceDailyLimit}} {
		if err := checkInt(c.flag, c.v, 0, math.MaxInt); err != nil {
			return err
		}
	}
	if err := checkDuration("latency", o.opts.Latency, 0, time.Minute); err != nil {
		return err
	}
	if err := checkDuration("hang", o.opts.Hang, 0, time.Hour); err != nil {
		return err
	}
	if err := checkShare("fault-rate", o.opts.FaultRate); err != nil {
		return err
	}
	return checkShare("timeout-rate", o.opts.TimeoutRate)
}

// checkLoopback refuses an address other machines could reach: the served
// sandbox is a rehearsal, and its token a test one.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--addr %q: %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return usagef("--addr %q: serve listens only on a loopback address (127.0.0.0/8, ::1 or localhost)", addr)
}
