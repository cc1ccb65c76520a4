package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	sf "github.com/syncform/syncform"
)

// downgradeSettingsVersion takes a file back to before schema version 4:
// no settings version and none of its triggers.
func downgradeSettingsVersion(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\_version\_%' ESCAPE '\'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	if len(names) == 0 {
		t.Fatal("no settings-version triggers to drop")
	}
	for _, n := range names {
		if _, err := db.Exec(`DROP TRIGGER ` + n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`DELETE FROM meta WHERE key = 'settings_version'; UPDATE meta SET value = '3' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
}

// TestSettingsCache: a handle's cached settings follow every change, made
// through any handle or behind the sandbox's back, and what a caller does
// to its copy never reaches the cache.
func TestSettingsCache(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	a, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rule := func(s *Sandbox) sf.SyncRule {
		t.Helper()
		snap, err := s.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := snap.Mapping(sf.Contacts, "fax")
		return m.Rule
	}
	was := rule(a)
	// Another handle (another process alike) changes a mapping.
	if err := b.Apply(ctx, mapChange(sf.OpUpdate, sf.Contacts, "fax", "Fax", sf.DontSync)); err != nil {
		t.Fatal(err)
	}
	if got := rule(a); got != sf.DontSync {
		t.Errorf("after another handle's change: %s (was %s)", got, was)
	}
	// A person with the sqlite3 shell changes it back.
	if _, err := b.db.Exec(`UPDATE connector_mappings SET rule = 'two_way' WHERE object = 'contacts' AND property = 'fax'`); err != nil {
		t.Fatal(err)
	}
	if got := rule(a); got != sf.TwoWay {
		t.Errorf("after a change by hand: %s", got)
	}
	// Owner counts are settings too: seeding changes them.
	before, _ := a.Settings(ctx)
	if err := Seed(ctx, path, SeedOptions{Contacts: 3, Companies: 3, Deals: 3, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	after, _ := a.Settings(ctx)
	if ownedBy(before, sf.Contacts) == ownedBy(after, sf.Contacts) {
		t.Errorf("owner counts did not follow a seed: %d contacts owned", ownedBy(after, sf.Contacts))
	}
	// A copy is the caller's own.
	snap, _ := a.Settings(ctx)
	want, _ := json.Marshal(snap)
	snap.Mappings[sf.Contacts][0].Rule = "changed"
	snap.Sync[sf.Deals] = !snap.Sync[sf.Deals]
	again, _ := a.Settings(ctx)
	if got, _ := json.Marshal(again); string(got) != string(want) {
		t.Error("a caller's change to its copy reached the cache")
	}
}

// TestMigratesToSettingsVersion: a version 3 file gains the settings
// version and its triggers.
func TestMigratesToSettingsVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	downgradeSettingsVersion(t, s.db)
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v1, v2 string
	s.db.QueryRow(`SELECT value FROM meta WHERE key = 'settings_version'`).Scan(&v1)
	if err := s.Apply(ctx, mapChange(sf.OpUpdate, sf.Contacts, "fax", "Fax", sf.DontSync)); err != nil {
		t.Fatal(err)
	}
	s.db.QueryRow(`SELECT value FROM meta WHERE key = 'settings_version'`).Scan(&v2)
	if v1 == "" || v1 == v2 {
		t.Errorf("settings version %q, then %q after a change", v1, v2)
	}
}
