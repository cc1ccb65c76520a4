package watch_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
	"github.com/syncform/syncform/reconciler/watch"
)

// config A -> B -> A -> B. The last edit is never applied: the key
// (B's digest, live as A left it) was applied at the first A->B edit.
func TestRevertOfARevertIsApplied(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	o := h.options()
	o.Apply = true
	o.Debounce = 50 * time.Millisecond
	h.start(o)
	for i, rule := range []string{"two_way", "dont_sync", "two_way"} {
		h.write("main.hcl", faxRule(rule))
		h.waitFor("the edit's cycle", func(s watch.Snapshot) bool { return s.Cycles[watch.TriggerFile] == i+1 })
		s := h.metrics.Snapshot()
		t.Logf("edit %d to %s: outcome %s, applies %d, live fax %s", i+1, rule, s.LastOutcome, s.Applies, h.faxRule())
	}
	if got := h.faxRule(); got != syncform.TwoWay {
		t.Errorf("config says two_way, live fax is %s, last outcome %s", got, h.metrics.Snapshot().LastOutcome)
	}
}

// the same hand change made twice: the second one is never reverted.
func TestRecurringDriftIsRevertedEachTime(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	o := h.options()
	o.Apply = true
	o.Interval, o.Jitter = 100*time.Millisecond, 0.01
	h.start(o)
	for i := range 2 {
		setFax(t, h.dir, syncform.TwoWay)
		h.waitFor("the drift's revert", func(watch.Snapshot) bool { return h.faxRule() == syncform.DontSync })
		s := h.metrics.Snapshot()
		t.Logf("drift %d: live fax %s, applies %d, last outcome %s", i+1, h.faxRule(), s.Applies, s.LastOutcome)
	}
}

// failing accepts nothing.
type failing struct{ *sandbox.Sandbox }

func (failing) Apply(context.Context, syncform.Change) error {
	return errors.New("injected apply failure")
}

// while every apply fails, last_success keeps moving: held cycles in
// the backoff window count as successes.
func TestLastSuccessOnlyOnSuccess(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	h.wrap = func(sb *sandbox.Sandbox) syncform.Provider { return failing{sb} }
	o := h.options()
	o.Apply = true
	o.Interval, o.Jitter = 50*time.Millisecond, 0.01
	o.MinBackoff, o.MaxBackoff = 2*time.Second, 2*time.Second
	h.start(o)
	s := h.waitFor("interval cycles", func(s watch.Snapshot) bool { return s.Cycles[watch.TriggerInterval] >= 3 })
	t.Logf("metrics: %+v", s)
	if s.Applies == 0 && !s.LastSuccess.IsZero() {
		t.Errorf("no apply ever succeeded (failures %d), yet last success is %v (last outcome %s)", s.Failures, s.LastSuccess, s.LastOutcome)
	}
}

// only manual steps: "applied" is counted though nothing was applied.
func TestManualStepsAreNotAnApply(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	h.wrap = func(sb *sandbox.Sandbox) syncform.Provider { return sandbox.NewManual(sb) }
	o := h.options()
	o.Apply = true
	h.start(o)
	s := h.metrics.Snapshot()
	t.Logf("metrics: %+v, live fax %s", s, h.faxRule())
	if s.Applies != 0 {
		t.Errorf("applies_total %d, outcome %s; nothing was applied (fax still %s)", s.Applies, s.LastOutcome, h.faxRule())
	}
}

// the configuration directory deleted and made again (a checkout, a
// deploy): later edits are never seen.
func TestRecreatedDirectoryIsWatchedAgain(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "conf")
	os.Mkdir(dir, 0o755)
	h := &harness{t: t, dir: dir, metrics: &watch.Metrics{}, logs: &logBuffer{}}
	h.write("main.hcl", faxRule("dont_sync"))
	o := h.options()
	o.Debounce = 50 * time.Millisecond
	h.start(o)
	// Whether the loop looks for it while it is gone or only once it is
	// back, it watches it again.
	os.RemoveAll(dir)
	os.Mkdir(dir, 0o755)
	before := h.metrics.Snapshot().Cycles[watch.TriggerFile]
	h.write("main.hcl", faxRule("two_way"))
	h.waitFor("a cycle for the edit in the re-created directory", func(s watch.Snapshot) bool { return s.Cycles[watch.TriggerFile] > before })
}

// a Kubernetes ConfigMap volume: main.hcl -> ..data/main.hcl, and an
// update swaps the ..data symlink by rename. Never seen.
func TestConfigMapSwapIsAnEdit(t *testing.T) {
	dir := t.TempDir()
	h := &harness{t: t, dir: dir, metrics: &watch.Metrics{}, logs: &logBuffer{}}
	v1 := filepath.Join(dir, "..2026_v1")
	os.Mkdir(v1, 0o755)
	os.WriteFile(filepath.Join(v1, "main.hcl"), []byte(faxRule("dont_sync")), 0o644)
	os.Symlink("..2026_v1", filepath.Join(dir, "..data"))
	os.Symlink("..data/main.hcl", filepath.Join(dir, "main.hcl"))
	o := h.options()
	o.Debounce = 50 * time.Millisecond
	h.start(o)
	v2 := filepath.Join(dir, "..2026_v2")
	os.Mkdir(v2, 0o755)
	os.WriteFile(filepath.Join(v2, "main.hcl"), []byte(faxRule("two_way")), 0o644)
	os.Symlink("..2026_v2", filepath.Join(dir, "..data_tmp"))
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(v1)
	h.waitFor("a cycle for the swapped ..data", func(s watch.Snapshot) bool { return s.Cycles[watch.TriggerFile] >= 1 })
}

// the swap/notes part of TestBurstGivesOnePlan cannot fail: a relevant
// swap file written inside the burst's debounce still gives one cycle.
// Here the loop takes the events of editor temp files, and none of them
// is one that plans.
func TestEditorTempFilesAreIgnored(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	o := h.options()
	h.watchEvents(&o)
	h.start(o)
	h.write(".main.hcl.swp", "x")
	h.write("main.hcl~", "x")
	h.write("#main.hcl#", "x")
	h.write("notes.txt", "x")
	if seen := h.barrier(); len(seen) != 0 {
		t.Errorf("editor temp files count as edits: %v", seen)
	}
}

// a plan refused for an error diagnostic sets pending_changes to 0.
func TestRefusedPlanKeepsPending(t *testing.T) {
	h := newHarness(t, faxRule("dont_sync"))
	o := h.options()
	o.Debounce = 50 * time.Millisecond
	h.start(o)
	t.Logf("before: %+v", h.metrics.Snapshot())
	h.write("main.hcl", faxRule("dont_sync")+`
object "companies" {
  mapping "no_such_property" {
    salesforce_field = "No_Such_Field__c"
    rule             = "two_way"
  }
}
`)
	s := h.waitFor("the refused cycle", func(s watch.Snapshot) bool { return s.LastOutcome == watch.OutcomeRefused })
	t.Logf("after: %+v", s)
	if s.Pending == 0 {
		t.Errorf("pending_changes 0 while the fax change (and more) is still not made")
	}
}
