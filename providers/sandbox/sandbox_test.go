package sandbox

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	sf "github.com/syncform/syncform"
)

func TestOpenCreatesFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", ".syncform")
	path := filepath.Join(dir, "sandbox.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("file mode %o, want 600", m)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := di.Mode().Perm(); m != 0o700 {
		t.Errorf("directory mode %o, want 700", m)
	}
	// Nothing but the file and SQLite's own side files: no temporary left.
	for _, n := range dirNames(t, dir) {
		if n != "sandbox.db" && n != "sandbox.db-wal" && n != "sandbox.db-shm" {
			t.Errorf("stray file %s", n)
		}
	}
	var mode string
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
	var timeout int
	if err := s.db.QueryRow(`PRAGMA busy_timeout`).Scan(&timeout); err != nil || timeout < 5000 {
		t.Errorf("busy timeout %d (%v), want at least 5000", timeout, err)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestOpenReadsExistingState(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sandbox.db")
	s1, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Apply(ctx, syncChange(sf.Deals, true)); err != nil {
		t.Fatal(err)
	}
	if err := s1.Apply(ctx, mapChange(sf.OpCreate, sf.Deals, "discount", "Discount__c", sf.TwoWay)); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, s1)
	// A second handle while the first is open, then after it is closed.
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, "second handle", snapshot(t, s2), want)
	s2.Close()
	s1.Close()
	s3, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	got := snapshot(t, s3)
	sameSnapshot(t, "reopened", got, want)
	if _, ok := got.Mapping(sf.Deals, "discount"); !ok || !got.Sync[sf.Deals] {
		t.Fatal("reopened sandbox lost the changes")
	}
}

func TestOpenConcurrentCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sandbox.db")
	const n = 6
	handles := make([]*Sandbox, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { handles[i], errs[i] = Open(context.Background(), path) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Open %d: %v", i, errs[i])
		}
		defer handles[i].Close()
	}
	// They all use the one file: a write through one is seen by all.
	if err := handles[0].Apply(context.Background(), syncChange(sf.Deals, true)); err != nil {
		t.Fatal(err)
	}
	for i, h := range handles {
		if !snapshot(t, h).Sync[sf.Deals] {
			t.Errorf("handle %d does not see the write", i)
		}
	}
	for _, name := range dirNames(t, dir) {
		if strings.HasSuffix(name, ".tmp") {
			t.Errorf("temporary file %s left behind", name)
		}
	}
}

// sandboxBytes is the content of a closed, freshly seeded sandbox file.
func sandboxBytes(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "template.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sqliteFile creates an SQLite database at path by running stmts.
func sqliteFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, st := range stmts {
		if _, err := db.Exec(st); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefusesNonSandbox(t *testing.T) {
	good := sandboxBytes(t)
	garbage := make([]byte, 8192)
	rand.New(rand.NewSource(1)).Read(garbage)
	write := func(b []byte) func(*testing.T, string) {
		return func(t *testing.T, path string) {
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		make   func(*testing.T, string)
		reason string
		// foreign: not an SQLite database, so reset would refuse it: the
		// error says to remove it by hand, not to reset it.
		foreign bool
	}{
		{"garbage", write(garbage), "not an SQLite database", true},
		{"text", write([]byte("connection {\n  provider = \"sandbox\"\n}\n")), "not an SQLite database", true},
		{"empty", write(nil), "empty", false},
		{"truncated header", write(good[:60]), "shorter than an SQLite header", false},
		{"truncated", write(good[:len(good)/2]), "damaged", false},
		{"damaged", write(func() []byte {
			b := bytes.Clone(good)
			for i := 4096; i < len(b); i += 4096 {
				copy(b[i+8:i+400], garbage)
			}
			return b
		}()), "damaged", false},
		{"damaged table", write(damagePage(t, good, "connector_mappings", garbage)), "damaged", false},
		{"another SQLite database", func(t *testing.T, path string) {
			sqliteFile(t, path, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`, `INSERT INTO notes (body) VALUES ('hello')`)
		}, "no meta table", false},
		{"no schema version", func(t *testing.T, path string) {
			sqliteFile(t, path, `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)`)
		}, "no schema version", false},
		{"other schema version", func(t *testing.T, path string) {
			write(good)(t, path)
			sqliteFile(t, path, `UPDATE meta SET value = '99' WHERE key = 'schema_version'`)
		}, "schema version 99", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "sandbox.db")
			tc.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(context.Background(), path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, ErrNotSandbox) {
				t.Errorf("error %v does not wrap ErrNotSandbox", err)
			}
			hint := "syncform sandbox reset"
			if tc.foreign {
				hint = "remove it by hand"
				if strings.Contains(err.Error(), "sandbox reset") {
					t.Errorf("error %q suggests a reset, which would refuse the file", err)
				}
			}
			for _, want := range []string{path, hint, tc.reason} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("Open changed the file")
			}
			if names := dirNames(t, dir); len(names) != 1 {
				t.Errorf("files left beside it: %v", names)
			}
		})
	}
}

func TestReset(t *testing.T) {
	ctx := context.Background()
	seedSnap := seedSnapshot(t)
	changes := []sf.Change{
		syncChange(sf.Deals, true),
		mapChange(sf.OpCreate, sf.Deals, "competitor", "Competitor__c", sf.TwoWay),
		mapChange(sf.OpUpdate, sf.Contacts, "email", "Email", sf.TwoWay),
		mapDelete(sf.Companies, "legacy_segment"),
		propDelete(sf.Companies, "website_notes"),
	}

	t.Run("in use", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sandbox.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for _, c := range changes {
			if err := s.Apply(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if reflect.DeepEqual(snapshot(t, s), seedSnap) {
			t.Fatal("changes did not change the snapshot")
		}
		if err := Reset(ctx, path); err != nil {
			t.Fatal(err)
		}
		// The open handle sees the fresh seed, and so does a new one.
		sameSnapshot(t, "open handle after Reset", snapshot(t, s), seedSnap)
		s2, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		sameSnapshot(t, "new handle after Reset", snapshot(t, s2), seedSnap)
		if err := s.Apply(ctx, changes[0]); err != nil {
			t.Fatalf("Apply after Reset: %v", err)
		}
	})

	for name, make := range map[string]func(string){
		"empty":     func(p string) { os.WriteFile(p, nil, 0o644) },
		"truncated": func(p string) { b := sandboxBytes(t); os.WriteFile(p, b[:len(b)/2], 0o644) },
		"garbled": func(p string) {
			b := sandboxBytes(t)
			for i := 1024; i < len(b); i += 7 {
				b[i] ^= 0x5a
			}
			os.WriteFile(p, b, 0o644)
		},
		"old schema": func(p string) {
			sqliteFile(t, p, `CREATE TABLE meta (key TEXT, value TEXT)`, `INSERT INTO meta VALUES ('schema_version', '0')`)
		},
		"missing":        func(string) {},
		"missing parent": func(string) {},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if name == "missing parent" {
				dir = filepath.Join(dir, "a", "b")
			}
			path := filepath.Join(dir, "sandbox.db")
			make(path)
			if err := Reset(ctx, path); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if m := fi.Mode().Perm(); m != 0o600 {
				t.Errorf("mode %o after Reset, want 600", m)
			}
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			sameSnapshot(t, "after Reset", snapshot(t, s), seedSnap)
			for _, n := range dirNames(t, dir) {
				if strings.HasSuffix(n, ".tmp") {
					t.Errorf("temporary file %s left behind", n)
				}
			}
		})
	}
}

// damagePage returns a copy of the database file b with garbage over the
// cell pointers of the root page of table.
func damagePage(t *testing.T, b []byte, table string, garbage []byte) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var root int
	err = db.QueryRow(`SELECT rootpage FROM sqlite_master WHERE name = ?`, table).Scan(&root)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	pageSize := int(b[16])<<8 | int(b[17])
	out := bytes.Clone(b)
	start := (root-1)*pageSize + 8
	copy(out[start:start+200], garbage)
	return out
}
