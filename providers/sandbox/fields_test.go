package sandbox

import (
	"context"
	"path/filepath"
	"testing"
)

func TestAddCustomFields(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before, _ := s.Snapshot(ctx)
	for i := 0; i < 2; i++ { // twice: the second adds nothing
		if err := s.AddCustomFields(ctx, 600); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := s.Snapshot(ctx)
	for _, so := range []string{"Lead", "Contact", "Account", "Opportunity"} {
		if got, want := len(after.SObjects[so].Fields), len(before.SObjects[so].Fields)+600; got != want {
			t.Errorf("%s has %d fields, want %d", so, got, want)
		}
		if f, ok := after.SObjects[so].Field("Extra_600__c"); !ok || !f.Custom || f.Type != "string" {
			t.Errorf("%s.Extra_600__c = %+v, %v", so, f, ok)
		}
	}
	if err := s.AddCustomFields(ctx, -1); err == nil {
		t.Error("a negative count was accepted")
	}
}
