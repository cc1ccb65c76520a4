package config

import (
	"fmt"
	"strings"

	"github.com/agext/levenshtein"
)

// suggest returns the candidate nearest to given, or "" when none is close
// enough to be a plausible typo.
func suggest(given string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		d := levenshtein.Distance(strings.ToLower(given), strings.ToLower(c), nil)
		limit := len(c) / 3
		if limit < 3 {
			limit = 3
		}
		if d <= limit && (best == "" || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean renders a suggestion sentence, or a list of the valid words when
// nothing is close.
func didYouMean(given string, candidates []string) string {
	if s := suggest(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	if len(candidates) == 1 {
		return fmt.Sprintf(" The only valid value is %q.", candidates[0])
	}
	quoted := make([]string, len(candidates))
	for i, c := range candidates {
		quoted[i] = fmt.Sprintf("%q", c)
	}
	return " Valid values: " + strings.Join(quoted, ", ") + "."
}

// DidYouMean is the sentence that names the candidate nearest to given, or
// "" when none is close: for open-ended names (properties, fields,
// variables, rules), where listing every valid one would not help.
func DidYouMean(given string, candidates []string) string {
	if s := suggest(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}
