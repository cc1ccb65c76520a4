package sandbox

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	sf "github.com/syncform/syncform"
)

func TestManualRefusesConnectorSettings(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	m := NewManual(s)
	defer m.Close()
	snap, err := m.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.ModeFor(sf.ResourceMapping) != sf.ModeManual || snap.ModeFor(sf.ResourceProperty) != sf.ModeAuto {
		t.Errorf("modes: mapping %s, property %s", snap.ModeFor(sf.ResourceMapping), snap.ModeFor(sf.ResourceProperty))
	}
	on := true
	if err := m.Apply(ctx, sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceSync, Object: sf.Deals, Sync: &on}); !errors.Is(err, sf.ErrRejected) {
		t.Errorf("sync change: %v", err)
	}
	p := sf.Property{Object: sf.Companies, Name: "region", Label: "Region", Type: sf.Dropdown}
	if err := m.Apply(ctx, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: sf.Companies, Name: "region", Property: &p}); err != nil {
		t.Errorf("property change: %v", err)
	}
	if _, ok := any(m).(sf.Backfiller); ok {
		t.Error("a manual connector must not offer back-fill jobs")
	}
}
