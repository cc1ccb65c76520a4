package config

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/agext/levenshtein"
)

// suggest returns the candidate nearest to given, or "" when none is close
// enough to be a plausible typo.
func suggest(given string, candidates []string) string {
	best, bestDist := "", 0
	lower, n := strings.ToLower(given), utf8.RuneCountInString(given)
	for _, c := range candidates {
		limit := len(c) / 3
		if limit < 3 {
			limit = 3
		}
		// The distance is at least the difference in length: skipping the
		// candidates that cannot be near keeps a plan of 100,000 unknown
		// names from spending seconds here.
		if diff := n - utf8.RuneCountInString(c); diff > limit || -diff > limit {
			continue
		}
		d := levenshtein.Distance(lower, strings.ToLower(c), nil)
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
