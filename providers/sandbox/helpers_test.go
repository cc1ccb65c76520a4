package sandbox

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	sf "github.com/syncform/syncform"
)

// newSandbox opens a new sandbox in a fresh directory, closed at the end of
// the test.
func newSandbox(t *testing.T) *Sandbox {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func snapshot(t *testing.T, s *Sandbox) *sf.Snapshot {
	t.Helper()
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// seedSnapshot is the snapshot of a freshly created sandbox.
func seedSnapshot(t *testing.T) *sf.Snapshot {
	t.Helper()
	return snapshot(t, newSandbox(t))
}

// sameSnapshot fails the test unless a and b are deeply equal, showing the
// first line of their JSON forms that differs.
func sameSnapshot(t *testing.T, what string, got, want *sf.Snapshot) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var a, b string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(wl) {
			b = wl[i]
		}
		if a != b {
			t.Fatalf("%s: snapshots differ at JSON line %d:\n got: %s\nwant: %s", what, i+1, a, b)
		}
	}
	t.Fatalf("%s: snapshots differ (same JSON, different Go values)", what)
}

func ptr[T any](v T) *T { return &v }

func syncChange(o sf.Object, on bool) sf.Change {
	return sf.Change{Op: sf.OpUpdate, Resource: sf.ResourceSync, Object: o, Sync: ptr(on)}
}

func propChange(op sf.Op, p sf.Property) sf.Change {
	return sf.Change{Op: op, Resource: sf.ResourceProperty, Object: p.Object, Name: p.Name, Property: &p}
}

func propDelete(o sf.Object, name string) sf.Change {
	return sf.Change{Op: sf.OpDelete, Resource: sf.ResourceProperty, Object: o, Name: name}
}

func mapChange(op sf.Op, o sf.Object, property, field string, rule sf.SyncRule) sf.Change {
	return sf.Change{Op: op, Resource: sf.ResourceMapping, Object: o, Name: property,
		Mapping: &sf.Mapping{Object: o, Property: property, SalesforceField: field, Rule: rule}}
}

func mapDelete(o sf.Object, property string) sf.Change {
	return sf.Change{Op: sf.OpDelete, Resource: sf.ResourceMapping, Object: o, Name: property}
}
