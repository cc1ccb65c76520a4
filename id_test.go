package syncform

import (
	"errors"
	"strings"
	"testing"
)

// The vectors of DOMAIN.md.
var idVectors = []struct{ id15, id18 string }{
	{"a0BA0000000L2ZC", "a0BA0000000L2ZCMA0"},
	{"0036F00001zNm0B", "0036F00001zNm0BQAS"},
	{"00558000001N0Ke", "00558000001N0KeAAK"},
	{"AaaAABbbBBCccCC", "AaaAABbbBBCccCCZZZ"},
	{"a0D30000001n7Pi", "a0D30000001n7PiEAI"},
}

func TestParseSalesforceIDUpgrades(t *testing.T) {
	for _, v := range idVectors {
		for _, in := range []string{v.id15, v.id18, v.id15 + strings.ToLower(v.id18[15:])} {
			got, err := ParseSalesforceID(in)
			if err != nil {
				t.Errorf("ParseSalesforceID(%q): %v", in, err)
				continue
			}
			if string(got) != v.id18 {
				t.Errorf("ParseSalesforceID(%q) = %s, want %s", in, got, v.id18)
			}
		}
	}
}

func TestParseSalesforceIDRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"a0BA0000000L2Z",      // 14
		"a0BA0000000L2ZCMA",   // 17
		"a0BA0000000L2ZCMA0X", // 19
		"a0BA0000000L2ZCMAA",  // wrong suffix
		"a0BA0000000L2ZcMA0",  // case changed in the body: suffix no longer fits
		"a0BA0000000L2Z-",     // not alphanumeric
		"a0BA0000000L2ZÇ",
	} {
		if _, err := ParseSalesforceID(in); !errors.Is(err, ErrInvalidID) {
			t.Errorf("ParseSalesforceID(%q) error = %v, want ErrInvalidID", in, err)
		}
	}
}

func TestSalesforceIDEqual(t *testing.T) {
	a, _ := ParseSalesforceID("0036F00001zNm0B")
	b, _ := ParseSalesforceID("0036F00001zNm0BQAS")
	c, _ := ParseSalesforceID("0036F00001ZNm0B") // differs only in case: another record
	if !a.Equal(b) {
		t.Errorf("%s and %s should be equal", a, b)
	}
	if a.Equal(c) {
		t.Errorf("%s and %s differ in case and must not be equal", a, c)
	}
	if a.KeyPrefix() != PrefixContact {
		t.Errorf("KeyPrefix = %s", a.KeyPrefix())
	}
}

func FuzzParseSalesforceID(f *testing.F) {
	for _, v := range idVectors {
		f.Add(v.id15)
		f.Add(v.id18)
	}
	f.Add("not an id at all")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseSalesforceID(s)
		if err != nil {
			return
		}
		if len(id) != 18 || !strings.HasPrefix(string(id), s[:15]) {
			t.Fatalf("ParseSalesforceID(%q) = %q: not the 18-character form", s, id)
		}
		again, err := ParseSalesforceID(string(id))
		if err != nil || again != id {
			t.Fatalf("re-parsing %q gave %q, %v", id, again, err)
		}
		short, err := ParseSalesforceID(id.Short())
		if err != nil || !short.Equal(id) || short != id {
			t.Fatalf("the 15-character form %q gave %q, %v", id.Short(), short, err)
		}
	})
}
