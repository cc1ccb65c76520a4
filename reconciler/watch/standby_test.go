package watch_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/internal/testutil/pgtest"
	"github.com/syncform/syncform/reconciler/state"
	"github.com/syncform/syncform/reconciler/watch"
)

// TestStandbyTakesOver: two standby watchers of one connection: the first
// holds the lock across its cycles while the second waits without
// planning; when the first stops, the second takes the lock and applies.
// On a SQLite file and on PostgreSQL.
func TestStandbyTakesOver(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			h := newHarness(t, faxRule("dont_sync"))
			h.state = filepath.Join(h.dir, "team-state.db")
			if kind == "postgres" {
				h.state = pgtest.URL(t)
			}
			alice := h.options()
			// A lease far longer than the test: a lease that lapsed on a
			// busy machine would hand bob the lock; alice's stop releases it.
			alice.Apply, alice.Standby, alice.Lease = true, true, time.Minute
			alice.Holder = state.Holder{Operation: "watch", Who: "alice", Host: "host-a", PID: 1}
			h.start(alice)
			h.waitFor("alice's first apply", func(s watch.Snapshot) bool { return s.Applies == 1 })

			bob := alice
			bob.Holder = state.Holder{Operation: "watch", Who: "bob", Host: "host-b", PID: 2}
			bobLogs := &logBuffer{}
			bob.Metrics, bob.Log = &watch.Metrics{}, slog.New(slog.NewJSONHandler(bobLogs, nil))
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- watch.Run(ctx, bob) }()
			defer func() {
				cancel()
				if err := <-done; err != nil {
					t.Error(err)
				}
			}()
			waitUntil(t, "bob to stand by", func() bool { return bob.Metrics.Snapshot().Standby })

			// Alice keeps the lock across cycles: an edit is hers to apply.
			h.write("main.hcl", faxRule("two_way"))
			h.waitFor("alice's apply of the edit", func(s watch.Snapshot) bool { return s.Applies == 2 })
			if n := strings.Count(h.logs.String(), "holding the connection's lock"); n != 1 {
				t.Errorf("alice took the lock %d times; want once, kept across the edit", n)
			}
			if s := bob.Metrics.Snapshot(); s.Total() != 0 || !s.Standby {
				t.Fatalf("bob ran cycles while alice held the lock: %+v", s)
			}

			h.stop()
			h.write("main.hcl", faxRule("prefer_salesforce_unless_blank"))
			waitUntil(t, "bob to take over and apply", func() bool { return bob.Metrics.Snapshot().Applies == 1 })
			if h.faxRule() != syncform.PreferSalesforceUnlessBlank {
				t.Errorf("fax rule %v after bob's apply; alice:\n%s\nbob:\n%s", h.faxRule(), h.logs.String(), bobLogs.String())
			}
			db, err := state.Open(context.Background(), h.state)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			runs, err := db.History(context.Background(), "sandbox:"+h.dir, 0)
			var who []string
			for _, r := range runs {
				who = append(who, r.Who+" "+r.Outcome)
			}
			if got := strings.Join(who, ", "); err != nil || got != "bob succeeded, alice succeeded, alice succeeded" {
				t.Errorf("history (newest first): %s, %v", got, err)
			}
		})
	}
}

// waitUntil polls cond until it holds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(patience); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s", what)
		}
	}
}
