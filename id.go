package syncform

import (
	"errors"
	"fmt"
)

// SalesforceID is a Salesforce record ID in its 18-character, case-safe form.
// The zero value is not a valid ID; build one with ParseSalesforceID.
type SalesforceID string

// idSuffixAlphabet indexes the 5-bit case mask of each 5-character chunk.
const idSuffixAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

// ErrInvalidID is wrapped by every ParseSalesforceID failure.
var ErrInvalidID = errors.New("invalid Salesforce ID")

// ParseSalesforceID validates a 15- or 18-character ID and returns its
// 18-character form. An 18-character ID must carry the suffix its first 15
// characters imply (compared without regard to case, as Salesforce does).
func ParseSalesforceID(s string) (SalesforceID, error) {
	if len(s) != 15 && len(s) != 18 {
		return "", fmt.Errorf("%w %q: has %d characters, want 15 or 18", ErrInvalidID, s, len(s))
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return "", fmt.Errorf("%w %q: character %d (%q) is not a letter or digit", ErrInvalidID, s, i+1, s[i])
		}
	}
	want := idSuffix(s[:15])
	if len(s) == 18 {
		got := s[15:]
		for i := 0; i < 3; i++ {
			if upper(got[i]) != want[i] {
				return "", fmt.Errorf("%w %q: case-safe suffix is %s, want %s", ErrInvalidID, s, got, want)
			}
		}
	}
	return SalesforceID(s[:15] + want), nil
}

// idSuffix computes the 3-character case-safe suffix of a 15-character ID: for
// each chunk of 5, bit j is set when character j is an upper-case letter.
func idSuffix(id15 string) string {
	var b [3]byte
	for chunk := 0; chunk < 3; chunk++ {
		n := 0
		for j := 0; j < 5; j++ {
			if c := id15[chunk*5+j]; c >= 'A' && c <= 'Z' {
				n |= 1 << j
			}
		}
		b[chunk] = idSuffixAlphabet[n]
	}
	return string(b[:])
}

// KeyPrefix is the first three characters: they name the record's object.
func (id SalesforceID) KeyPrefix() string {
	if len(id) < 3 {
		return ""
	}
	return string(id[:3])
}

// Short returns the case-sensitive 15-character form.
func (id SalesforceID) Short() string {
	if len(id) < 15 {
		return string(id)
	}
	return string(id[:15])
}

// Equal compares two IDs as Salesforce does: the first 15 characters exactly.
func (id SalesforceID) Equal(other SalesforceID) bool { return id.Short() == other.Short() }

func (id SalesforceID) String() string { return string(id) }

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// Key prefixes of the standard objects the connector touches.
const (
	PrefixAccount     = "001"
	PrefixContact     = "003"
	PrefixUser        = "005"
	PrefixOpportunity = "006"
	PrefixLead        = "00Q"
	PrefixGroup       = "00G"
)
