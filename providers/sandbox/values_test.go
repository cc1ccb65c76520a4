package sandbox

import (
	"encoding/json"
	"reflect"
	"testing"

	sf "github.com/syncform/syncform"
)

func TestSideEncoding(t *testing.T) {
	tests := []struct {
		name string
		in   fields
		want string
	}{
		{"empty", nil, `{}`},
		{"plain", fields{{"A", sf.FieldValue{V: "x", At: 3}}, {"B", sf.FieldValue{V: "", At: 9}}}, `{"A":["x",3],"B":["",9]}`},
		{"escapes", fields{{"Notes__c", sf.FieldValue{V: "say \"hi\"\\\n\t\x01", At: 1}}}, `{"Notes__c":["say \"hi\"\\\n\t\u0001",1]}`},
		{"unicode", fields{{"City", sf.FieldValue{V: "São Paulo – 東京", At: 2}}}, `{"City":["São Paulo – 東京",2]}`},
		{"invalid UTF-8", fields{{"x", sf.FieldValue{V: "a\xffb", At: 2}}}, `{"x":["a` + "\ufffd" + `b",2]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := string(encodeSide(nil, tc.in))
			if got != tc.want {
				t.Fatalf("encodeSide = %s, want %s", got, tc.want)
			}
			// It is JSON, and decodes to what encoding/json reads.
			var viaJSON map[string][2]any
			if err := json.Unmarshal([]byte(got), &viaJSON); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			back, err := decodeSide(nil, got)
			if err != nil {
				t.Fatal(err)
			}
			if len(back) != len(tc.in) {
				t.Fatalf("decoded %d fields, want %d", len(back), len(tc.in))
			}
			for _, e := range back {
				if j := viaJSON[e.name]; j[0] != e.v.V || j[1] != float64(e.v.At) {
					t.Errorf("field %s: decoded %+v, encoding/json read %v", e.name, e.v, j)
				}
			}
			if tc.name != "invalid UTF-8" && !reflect.DeepEqual(back, tc.in) && len(tc.in) > 0 {
				t.Errorf("round trip: %+v, want %+v", back, tc.in)
			}
		})
	}
}

func TestDecodeSide(t *testing.T) {
	got, err := decodeSide(nil, ` { "b" : [ "2" , 5 ] , "a":["1",-1] } `)
	if err != nil {
		t.Fatal(err)
	}
	// Unsorted input (hand-edited) comes back sorted.
	if want := (fields{{"a", sf.FieldValue{V: "1", At: -1}}, {"b", sf.FieldValue{V: "2", At: 5}}}); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, bad := range []string{``, `[]`, `{"a":["x"]}`, `{"a":["x",1}`, `{"a":["x",1],}`, `{"a":["x",1]} x`, `{"a":["x",y]}`, `{"a":["x\",1]}`} {
		if _, err := decodeSide(nil, bad); err == nil {
			t.Errorf("decodeSide(%q) succeeded", bad)
		}
	}
}

func TestFieldsSet(t *testing.T) {
	var f fields
	f.set("b", sf.FieldValue{V: "2", At: 1})
	f.set("a", sf.FieldValue{V: "1", At: 1})
	f.set("c", sf.FieldValue{V: "", At: 4}) // cleared: kept
	f.set("b", sf.FieldValue{V: "3", At: 2})
	f.set("d", sf.FieldValue{}) // never set: nothing stored
	want := fields{{"a", sf.FieldValue{V: "1", At: 1}}, {"b", sf.FieldValue{V: "3", At: 2}}, {"c", sf.FieldValue{V: "", At: 4}}}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got %+v, want %+v", f, want)
	}
	f.set("a", sf.FieldValue{})
	if _, ok := f.find("a"); ok || len(f) != 2 {
		t.Errorf("zero value did not remove the field: %+v", f)
	}
	if got := f.get("zzz"); got != (sf.FieldValue{}) {
		t.Errorf("get of a missing field = %+v", got)
	}
}
