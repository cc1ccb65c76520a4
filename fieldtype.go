package syncform

import "fmt"

// FieldType is a HubSpot property's field type, as the HubSpot UI names it.
// The API spells each as a (type, fieldType) pair; see APIType.
type FieldType string

const (
	Dropdown   FieldType = "dropdown"
	Radio      FieldType = "radio"
	Checkboxes FieldType = "checkboxes"
	Checkbox   FieldType = "checkbox"
	Number     FieldType = "number"
	Text       FieldType = "text"
	Textarea   FieldType = "textarea"
	Date       FieldType = "date"
)

// FieldTypes lists every field type a property may be declared with.
func FieldTypes() []FieldType {
	return []FieldType{Dropdown, Radio, Checkboxes, Checkbox, Number, Text, Textarea, Date}
}

// ParseFieldType returns the field type named s, or an error.
func ParseFieldType(s string) (FieldType, error) {
	for _, t := range FieldTypes() {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown field type %q", s)
}

// HasOptions reports whether properties of this type carry a list of options.
func (t FieldType) HasOptions() bool {
	return t == Dropdown || t == Radio || t == Checkboxes
}

// APIType returns the HubSpot CRM v3 (type, fieldType) pair for t.
func (t FieldType) APIType() (typ, fieldType string) {
	switch t {
	case Dropdown:
		return "enumeration", "select"
	case Radio:
		return "enumeration", "radio"
	case Checkboxes:
		return "enumeration", "checkbox"
	case Checkbox:
		return "bool", "booleancheckbox"
	case Number:
		return "number", "number"
	case Text:
		return "string", "text"
	case Textarea:
		return "string", "textarea"
	case Date:
		return "date", "date"
	}
	return "", ""
}

// FieldTypeFromAPI maps a HubSpot (type, fieldType) pair to a FieldType. A
// datetime property is a date field in the UI.
func FieldTypeFromAPI(typ, fieldType string) (FieldType, bool) {
	if typ == "datetime" && fieldType == "date" {
		return Date, true
	}
	for _, t := range FieldTypes() {
		if a, b := t.APIType(); a == typ && b == fieldType {
			return t, true
		}
	}
	return "", false
}

// SalesforceType is a Salesforce field's describe `type`.
type SalesforceType string

const (
	SFPicklist      SalesforceType = "picklist"
	SFMultiPicklist SalesforceType = "multipicklist"
	SFReference     SalesforceType = "reference"
	SFBoolean       SalesforceType = "boolean"
	SFDouble        SalesforceType = "double"
	SFInt           SalesforceType = "int"
	SFString        SalesforceType = "string"
	SFTextarea      SalesforceType = "textarea"
	SFDate          SalesforceType = "date"
	SFDatetime      SalesforceType = "datetime"
	SFCurrency      SalesforceType = "currency"
	SFPercent       SalesforceType = "percent"
	SFEmail         SalesforceType = "email"
	SFPhone         SalesforceType = "phone"
	SFURL           SalesforceType = "url"
	SFID            SalesforceType = "id"
)

// valueType is the describe type whose row of the compatibility table a
// Salesforce type follows. Email, phone and url fields hold strings and
// currency and percent fields hold doubles (their SOAP types), which is how the
// connector's own standard mappings pair Email with a text property and
// AnnualRevenue with a number.
func (t SalesforceType) valueType() SalesforceType {
	switch t {
	case SFEmail, SFPhone, SFURL:
		return SFString
	case SFCurrency, SFPercent:
		return SFDouble
	}
	return t
}

// compatible is DOMAIN.md's table of the field-type pairs that may be mapped.
var compatible = map[FieldType][]SalesforceType{
	Dropdown:   {SFPicklist, SFReference},
	Radio:      {SFPicklist, SFReference},
	Checkboxes: {SFMultiPicklist},
	Checkbox:   {SFBoolean},
	Number:     {SFDouble, SFInt},
	Text:       {SFString, SFTextarea},
	Textarea:   {SFTextarea},
	Date:       {SFDate, SFDatetime},
}

// Compatible reports whether a property of type hs may be mapped to a field of
// type sf.
func Compatible(hs FieldType, sf SalesforceType) bool {
	for _, ok := range compatible[hs] {
		if ok == sf.valueType() {
			return true
		}
	}
	return false
}

// CompatibleFieldTypes lists the HubSpot field types a Salesforce type may be
// mapped to, in FieldTypes() order; an empty list means the field cannot be
// mapped at all.
func CompatibleFieldTypes(sf SalesforceType) []FieldType {
	var out []FieldType
	for _, t := range FieldTypes() {
		if Compatible(t, sf) {
			out = append(out, t)
		}
	}
	return out
}
