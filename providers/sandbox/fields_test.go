package sandbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	sf "github.com/syncform/syncform"
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

// TestMappingLimit: a raised limit lets an object hold more mappings than
// the connector's 500; 0 restores it; snapshots report it.
func TestMappingLimit(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.AddCustomFields(ctx, 600); err != nil {
		t.Fatal(err)
	}
	mapAll := func(n int) error {
		var cs []sf.Change
		for i := 1; i <= n; i++ {
			name := fmt.Sprintf("extra_%03d", i)
			p := sf.Property{Object: sf.Companies, Name: name, Label: name, Type: sf.Text}
			cs = append(cs, sf.Change{Op: sf.OpCreate, Resource: sf.ResourceProperty, Object: sf.Companies, Name: name, Property: &p})
		}
		for i := 1; i <= n; i++ {
			cs = append(cs, mapChange(sf.OpCreate, sf.Companies, fmt.Sprintf("extra_%03d", i), CustomFieldName(i), sf.TwoWay))
		}
		return errors.Join(s.ApplyBatch(ctx, cs)...)
	}
	snap, _ := s.Snapshot(ctx)
	if snap.MaxMappings() != sf.MaxMappingsPerObject {
		t.Fatalf("a new sandbox allows %d mappings", snap.MaxMappings())
	}
	if err := mapAll(520); !errors.Is(err, sf.ErrRejected) {
		t.Fatalf("mapping 523 fields on companies: %v; want a refusal past 500", err)
	}
	if err := s.SetMappingLimit(ctx, 600); err != nil {
		t.Fatal(err)
	}
	if err := mapAll(520); err != nil {
		t.Fatalf("with the limit raised to 600: %v", err)
	}
	snap, _ = s.Snapshot(ctx)
	if snap.MappingLimit != 600 || len(snap.Mappings[sf.Companies]) != 523 {
		t.Errorf("limit %d, %d company mappings", snap.MappingLimit, len(snap.Mappings[sf.Companies]))
	}
	if err := s.SetMappingLimit(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if snap, _ = s.Snapshot(ctx); snap.MappingLimit != 0 {
		t.Errorf("limit %d after resetting it", snap.MappingLimit)
	}
	if err := s.SetMappingLimit(ctx, -1); err == nil {
		t.Error("a negative limit was accepted")
	}
}
