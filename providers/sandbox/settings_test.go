package sandbox

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
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
	// Version 6's writer lease and job start times go too.
	if _, err := db.Exec(`DROP TABLE writer; ALTER TABLE jobs DROP COLUMN pid_start`); err != nil {
		t.Fatal(err)
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

// TestIsCurrent: only a sandbox of this schema version is current; telling
// never writes.
func TestIsCurrent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	if IsCurrent(ctx, path) {
		t.Error("a missing file is current")
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if !IsCurrent(ctx, path) {
		t.Error("a new sandbox is not current")
	}
	downgradeSettingsVersion(t, s.db)
	s.Close()
	before, _ := os.ReadFile(path)
	if IsCurrent(ctx, path) {
		t.Error("a version 3 sandbox is current")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("telling changed the file")
	}
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("not a database"), 0o600)
	if IsCurrent(ctx, garbage) {
		t.Error("garbage is current")
	}
}

// TestEverySettingsTableIsVersioned: every table load reads has the
// triggers that change the settings version (a migration that rebuilds a
// table would drop them), and no other table does.
func TestEverySettingsTableIsVersioned(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string]int{}
	rows, err := s.db.Query(`SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%settings_version%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table string
		rows.Scan(&table)
		got[table]++
	}
	rows.Close()
	want := map[string]int{"meta": 3}
	for _, table := range settingsTables {
		want[table] = 3 // insert, update, delete
	}
	if !maps.Equal(got, want) {
		t.Errorf("version triggers per table: %v\nwant %v", got, want)
	}
	// And load reads no table besides them (and owner counts, read every
	// time, and meta).
	read := tablesLoadReads()
	if len(read) < len(settingsTables) {
		t.Fatalf("found only %v read by load", read)
	}
	for _, table := range read {
		if want[table] == 0 && table != "owner_counts" {
			t.Errorf("load reads %s, which has no version triggers", table)
		}
	}
}

// tablesLoadReads are the tables named after FROM in store.go's load.
func tablesLoadReads() []string {
	src, _ := os.ReadFile("store.go")
	body := string(src)
	body = body[strings.Index(body, "func load("):]
	body = body[:strings.Index(body, "\n}\n")]
	var out []string
	for _, part := range strings.Split(body, "FROM ")[1:] {
		out = append(out, strings.TrimRight(strings.Fields(part)[0], "`,"))
	}
	return out
}
