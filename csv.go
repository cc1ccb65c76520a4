package syncform

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The columns of the mappings CSV, in the order WriteMappingsCSV writes them.
const (
	colObject        = "Object"
	colPropertyLabel = "HubSpot property label"
	colPropertyName  = "HubSpot property name"
	colPropertyType  = "HubSpot field type"
	colFieldLabel    = "Salesforce field label"
	colFieldName     = "Salesforce field API name"
	colFieldType     = "Salesforce field type"
	colRule          = "Sync rule"
	colMappingType   = "Mapping type"
)

var mappingsCSVHeader = []string{
	colObject, colPropertyLabel, colPropertyName, colPropertyType,
	colFieldLabel, colFieldName, colFieldType, colRule, colMappingType,
}

// WriteMappingsCSV writes the live mappings of objects as CSV: a header row,
// then one row per mapping, objects in the order given and each object's
// mappings by HubSpot property name. The labels and types come from the
// snapshot's schema (empty where it lacks them); a contacts field is
// described from Lead when Lead has it, else from Contact. A cell a
// spreadsheet would run as a formula is quoted (NeutralizeFormula), so what
// it writes is safe to open and reads back as it was.
func WriteMappingsCSV(w io.Writer, live *Snapshot, objects []Object) error {
	rows := MappingsCSVRows(live, objects)
	for _, row := range rows {
		for i, c := range row {
			row[i] = NeutralizeFormula(c)
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// MappingsCSVRows are the rows WriteMappingsCSV writes, the header first,
// with every cell as it is.
func MappingsCSVRows(live *Snapshot, objects []Object) [][]string {
	rows := [][]string{slices.Clone(mappingsCSVHeader)}
	for _, o := range objects {
		ms := slices.Clone(live.Mappings[o])
		slices.SortStableFunc(ms, func(a, b Mapping) int { return strings.Compare(a.Property, b.Property) })
		for _, m := range ms {
			p, _ := live.Property(o, m.Property)
			var f SalesforceField
			if fs := live.Fields(o, m.SalesforceField); len(fs) > 0 {
				f = fs[0].Field
			}
			rows = append(rows, []string{string(o), p.Label, m.Property, string(p.Type),
				f.Label, m.SalesforceField, string(f.Type), string(m.Rule), m.Kind()})
		}
	}
	return rows
}

// formulaStart reports whether a spreadsheet would run a cell beginning
// with c as a formula (OWASP, "CSV Injection").
func formulaStart(c byte) bool { return strings.IndexByte("=+-@\t\r", c) >= 0 }

// NeutralizeFormula makes a cell that a spreadsheet would run as a formula
// (one that begins with = + - @, a tab or a carriage return) plain text
// with a single quote before it, as OWASP advises. A cell of quotes before
// such a character gets one more quote, so ReadMappingsCSV, which takes one
// away, reads back every cell as it was.
func NeutralizeFormula(cell string) string {
	rest := strings.TrimLeft(cell, "'")
	if rest != "" && formulaStart(rest[0]) {
		return "'" + cell
	}
	return cell
}

// unneutralize undoes NeutralizeFormula.
func unneutralize(cell string) string {
	rest := strings.TrimLeft(cell, "'")
	if len(rest) < len(cell) && rest != "" && formulaStart(rest[0]) {
		return cell[1:]
	}
	return cell
}

// ReadMappingsCSV reads mappings from CSV with a header row, such as
// WriteMappingsCSV writes. Columns are found by header name (any case,
// surrounding spaces ignored), so their order and any extra columns do not
// matter. Object, HubSpot property name, Salesforce field API name and Sync
// rule are required; without a Mapping type column (or with an empty cell) a
// mapping is standard when it is one of the connector's default mappings.
// Cells are trimmed of surrounding spaces, and rows of empty cells skipped;
// a cell NeutralizeFormula quoted reads as it was before.
// Errors name a row by the line it starts on.
func ReadMappingsCSV(r io.Reader) ([]Mapping, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		br.Discard(3) // spreadsheets save UTF-8 with a byte-order mark
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // short and long rows are judged by the columns they lack
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("mappings CSV: no header row")
	}
	if err != nil {
		return nil, fmt.Errorf("mappings CSV: %w", err)
	}
	headerLine, _ := cr.FieldPos(0)
	cols := map[string]int{}
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		if key == "" {
			continue
		}
		if _, dup := cols[key]; dup {
			return nil, fmt.Errorf("mappings CSV: row %d: column %q appears twice", headerLine, strings.TrimSpace(h))
		}
		cols[key] = i
	}
	index := func(name string) int {
		if i, ok := cols[strings.ToLower(name)]; ok {
			return i
		}
		return -1
	}
	var missing []string
	for _, c := range []string{colObject, colPropertyName, colFieldName, colRule} {
		if index(c) < 0 {
			missing = append(missing, fmt.Sprintf("%q", c))
		}
	}
	if len(missing) > 0 {
		word := "column"
		if len(missing) > 1 {
			word = "columns"
		}
		return nil, fmt.Errorf("mappings CSV: row %d: missing %s %s", headerLine, word, strings.Join(missing, ", "))
	}
	iObj, iProp, iField, iRule, iType := index(colObject), index(colPropertyName), index(colFieldName), index(colRule), index(colMappingType)

	out := []Mapping{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("mappings CSV: %w", err)
		}
		if blank(rec) {
			continue // spreadsheets pad a sheet with rows of empty cells
		}
		line, _ := cr.FieldPos(0)
		cell := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return unneutralize(strings.TrimSpace(rec[i]))
		}
		m, err := mappingRow(cell(iObj), cell(iProp), cell(iField), cell(iRule), cell(iType))
		if err != nil {
			return nil, fmt.Errorf("mappings CSV: row %d: %w", line, err)
		}
		out = append(out, m)
	}
}

// mappingRow decodes the cells of one row. Objects and rules are also
// accepted as the connector's UI spells them ("Contacts", "Two-way",
// "Don't sync").
func mappingRow(object, property, field, rule, kind string) (Mapping, error) {
	o, err := ParseObject(uiWord(object))
	if err != nil {
		return Mapping{}, fmt.Errorf("unknown object %s: want contacts, companies or deals", quoteCell(object))
	}
	if property == "" {
		return Mapping{}, fmt.Errorf("empty %s", colPropertyName)
	}
	if field == "" {
		return Mapping{}, fmt.Errorf("empty %s", colFieldName)
	}
	sr, err := ParseSyncRule(uiWord(rule))
	if err != nil {
		return Mapping{}, fmt.Errorf("unknown sync rule %s: want prefer_salesforce_unless_blank, always_use_salesforce, two_way or dont_sync", quoteCell(rule))
	}
	m := Mapping{Object: o, Property: property, SalesforceField: field, Rule: sr}
	switch k := strings.ToLower(kind); {
	case k == "standard":
		m.Standard = true
	case k == "custom":
	case k == "":
		_, m.Standard = LookupStandard(o, property)
	default:
		return Mapping{}, fmt.Errorf("unknown mapping type %s: want standard or custom", quoteCell(kind))
	}
	return m, nil
}

// quoteCell quotes a cell for an error, cut short: a cell may be megabytes
// long.
func quoteCell(s string) string {
	const most = 60
	if len(s) <= most {
		return strconv.Quote(s)
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

// uiWord turns a UI spelling into syncform's: lower case, words joined by
// underscores, apostrophes dropped.
func uiWord(s string) string {
	s = strings.NewReplacer("'", "", "’", "", "-", "_", " ", "_").Replace(strings.ToLower(s))
	return s
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
