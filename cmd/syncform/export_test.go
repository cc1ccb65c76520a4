package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncform/syncform"
	"github.com/syncform/syncform/providers/sandbox"
)

// TestExportReadsBack: the CSV export of a changed sandbox reads back as
// exactly its live mappings, Standard flags included.
func TestExportReadsBack(t *testing.T) {
	dir := quickstart(t)
	for _, args := range [][]string{{"apply", "--auto-approve"}, {"export", "--out", "m.csv"}} {
		a, _, errb := testApp("", false)
		if code := run(context.Background(), a, args); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errb)
		}
	}
	f, err := os.Open(filepath.Join(dir, "m.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := syncform.ReadMappingsCSV(f)
	if err != nil {
		t.Fatal(err)
	}

	sb, err := sandbox.Open(context.Background(), filepath.Join(dir, ".syncform", "sandbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	live, err := sb.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var want []syncform.Mapping
	custom, standard := 0, 0
	for _, o := range syncform.Objects() {
		for _, m := range live.Mappings[o] {
			want = append(want, m)
			if m.Standard {
				standard++
			} else {
				custom++
			}
		}
	}
	if custom == 0 || standard == 0 {
		t.Fatalf("a test of both kinds needs both: %d custom, %d standard", custom, standard)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("export read back (-live +csv):\n%s", diff)
	}
}
