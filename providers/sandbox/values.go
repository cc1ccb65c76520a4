package sandbox

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	sf "github.com/syncform/syncform"
)

// fields is one side of a linked pair (or a standalone Salesforce record's
// fields): values by field name, sorted by name. A slice rather than a map
// because a million-record job decodes and encodes two of them per record,
// and the sorted order is also the stored order, so encoding is
// deterministic without sorting.
type fields []fieldEntry

type fieldEntry struct {
	name string
	v    sf.FieldValue
}

func (f fields) find(name string) (int, bool) {
	return slices.BinarySearchFunc(f, name, func(e fieldEntry, name string) int { return strings.Compare(e.name, name) })
}

// get returns the value of name; a field the side does not hold is the zero
// FieldValue (empty, never set).
func (f fields) get(name string) sf.FieldValue {
	if i, ok := f.find(name); ok {
		return f[i].v
	}
	return sf.FieldValue{}
}

// set stores v under name; the zero value removes the field, so "never set"
// has one representation.
func (f *fields) set(name string, v sf.FieldValue) {
	i, ok := f.find(name)
	switch {
	case ok && v == (sf.FieldValue{}):
		*f = append((*f)[:i], (*f)[i+1:]...)
	case ok:
		(*f)[i].v = v
	case v != (sf.FieldValue{}):
		*f = append(*f, fieldEntry{})
		copy((*f)[i+1:], (*f)[i:])
		(*f)[i] = fieldEntry{name: name, v: v}
	}
}

func (f fields) toMap() map[string]sf.FieldValue {
	m := make(map[string]sf.FieldValue, len(f))
	for _, e := range f {
		m[e.name] = e.v
	}
	return m
}

// encodeSide appends the stored form of f: a JSON object of name → [value,
// time], e.g. {"Name":["Acme",1042]}. Arrays rather than FieldValue's
// {"v":…,"at":…} keep a million-record file about a third smaller; SQLite's
// JSON functions read it as well ($."Name"[0]).
func encodeSide(buf []byte, f fields) []byte {
	buf = append(buf, '{')
	for i, e := range f {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, e.name)
		buf = append(buf, ':', '[')
		buf = appendJSONString(buf, e.v.V)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, e.v.At, 10)
		buf = append(buf, ']')
	}
	return append(buf, '}')
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as encoding/json does, so SQLite's JSON functions always accept the result.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, "\ufffd"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

var errSideFormat = errors.New("malformed record values")

// decodeSide parses encodeSide's form into dst (reused). Keys and values
// without escapes share s's memory, so a decode allocates little.
func decodeSide(dst fields, s string) (fields, error) {
	dst = dst[:0]
	d := sideDecoder{s: s}
	d.space()
	if !d.eat('{') {
		return nil, errSideFormat
	}
	d.space()
	if d.eat('}') {
		return dst, d.end()
	}
	for {
		d.space()
		name, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if !d.eat(':') {
			return nil, errSideFormat
		}
		d.space()
		if !d.eat('[') {
			return nil, errSideFormat
		}
		d.space()
		v, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if !d.eat(',') {
			return nil, errSideFormat
		}
		d.space()
		at, err := d.int()
		if err != nil {
			return nil, err
		}
		d.space()
		if !d.eat(']') {
			return nil, errSideFormat
		}
		dst = append(dst, fieldEntry{name: name, v: sf.FieldValue{V: v, At: at}})
		d.space()
		if d.eat('}') {
			break
		}
		if !d.eat(',') {
			return nil, errSideFormat
		}
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	// Written sorted; re-sort only what another writer (a person with the
	// sqlite3 shell) may have left unsorted.
	if !slices.IsSortedFunc(dst, compareFields) {
		slices.SortStableFunc(dst, compareFields)
	}
	return dst, nil
}

type sideDecoder struct {
	s string
	i int
}

func (d *sideDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *sideDecoder) eat(c byte) bool {
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *sideDecoder) end() error {
	d.space()
	if d.i != len(d.s) {
		return errSideFormat
	}
	return nil
}

// str reads a JSON string; one with escapes goes through encoding/json,
// which is rare (only edited values carry quotes or control characters).
func (d *sideDecoder) str() (string, error) {
	if !d.eat('"') {
		return "", errSideFormat
	}
	// Most values have no escapes: find the closing quote with one
	// vectorised search.
	if j := strings.IndexByte(d.s[d.i:], '"'); j >= 0 && strings.IndexByte(d.s[d.i:d.i+j], '\\') < 0 {
		raw := d.s[d.i : d.i+j]
		d.i += j + 1
		return raw, nil
	}
	start := d.i
	escaped := false
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case '"':
			raw := d.s[start:d.i]
			d.i++
			if !escaped {
				return raw, nil
			}
			var out string
			if err := json.Unmarshal([]byte(d.s[start-1:d.i]), &out); err != nil {
				return "", errSideFormat
			}
			return out, nil
		case '\\':
			escaped = true
			d.i += 2
		default:
			d.i++
		}
	}
	return "", errSideFormat
}

func (d *sideDecoder) int() (int64, error) {
	start := d.i
	if d.i < len(d.s) && d.s[d.i] == '-' {
		d.i++
	}
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	n, err := strconv.ParseInt(d.s[start:d.i], 10, 64)
	if err != nil {
		return 0, errSideFormat
	}
	return n, nil
}
