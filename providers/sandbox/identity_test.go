package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	sf "github.com/syncform/syncform"
)

// TestIdentity: a sandbox's ID is made with its file, survives closing,
// copying, moving and a reset, and differs between two new files; the
// portal and org it is served as follow from it and are valid.
func TestIdentity(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	id := func(path string) sf.Identity {
		t.Helper()
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		got, err := s.Identity(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := got.Validate(); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if m, err := NewManual(s).Identity(ctx); err != nil || m != got {
			t.Errorf("the manual sandbox is %v (%v), the sandbox %v", m, err, got)
		}
		portal, org, err := s.Portal(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := (sf.Identity{PortalID: portal, OrgID: org}).Validate(); err != nil || portal >= 1<<31 {
			t.Errorf("served as portal %d and org %s: %v", portal, org, err)
		}
		return got
	}
	first := id(path)
	if again := id(path); again != first {
		t.Errorf("reopened: %v, was %v", again, first)
	}
	if other := id(filepath.Join(dir, "b.db")); other == first {
		t.Errorf("two new sandboxes share the ID %v", first)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copied, b, 0o600); err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(t.TempDir(), "moved.db")
	if err := os.Rename(path, moved); err != nil {
		t.Fatal(err)
	}
	if got := id(copied); got != first {
		t.Errorf("a copy is %v, the original %v", got, first)
	}
	if got := id(moved); got != first {
		t.Errorf("moved, it is %v, was %v", got, first)
	}
	if err := Reset(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if got := id(moved); got != first {
		t.Errorf("reset, it is %v, was %v", got, first)
	}
}

// TestOlderFileGainsAnID: a file of schema version 4, made before
// sandboxes had IDs, gets one when it is first opened, and keeps it.
func TestOlderFileGainsAnID(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	sqliteFile(t, path, `DELETE FROM meta WHERE key = 'sandbox_id'`, `DROP TABLE writer`, `ALTER TABLE jobs DROP COLUMN pid_start`,
		`UPDATE meta SET value = '4' WHERE key = 'schema_version'`)
	if IsCurrent(ctx, path) {
		t.Fatal("a version 4 file is current")
	}
	var ids []sf.Identity
	for range 2 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Identity(ctx)
		s.Close()
		if err != nil || got.Validate() != nil {
			t.Fatalf("migrated: %v, %v", got, err)
		}
		ids = append(ids, got)
	}
	if ids[0] != ids[1] {
		t.Errorf("the ID changed between opens: %v", ids)
	}
	if !IsCurrent(ctx, path) {
		t.Error("not current after the migration")
	}
}

// TestDamagedID: an ID that is not one a sandbox makes is reported, never
// replaced.
func TestDamagedID(t *testing.T) {
	ctx := context.Background()
	for name, stmt := range map[string]string{
		"missing": `DELETE FROM meta WHERE key = 'sandbox_id'`,
		"garbled": `UPDATE meta SET value = 'sandbox:../x' WHERE key = 'sandbox_id'`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.db")
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			sqliteFile(t, path, stmt)
			if s, err = Open(ctx, path); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Identity(ctx); !errors.Is(err, ErrNotSandbox) {
				t.Errorf("Identity: %v", err)
			}
		})
	}
}
