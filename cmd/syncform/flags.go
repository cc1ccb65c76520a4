package main

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// Every numeric flag is checked against its range before a command reads or
// writes anything: a value outside it is a usage error naming the flag and
// what it accepts. TestNumericFlagsAreChecked fails for a numeric flag that
// is not.

// Ranges of numeric flags that several commands share.
const (
	// maxWait bounds the waits and periods a flag sets: a day is more than
	// any lock is worth waiting for, and a period far longer overflows the
	// arithmetic of jitter and deadlines.
	maxWait = 24 * time.Hour

	// Sandbox sizes. Companies: the connector's documented scale, which
	// docs/performance.md measures (1,000,000 seed in 13 s, 0.6 GB).
	// Contacts: their HubSpot IDs count up from 10,000,001 and companies'
	// from 20,000,001, so 10,000,000 is the most that fit (at the 1.7 KB a
	// contact measured, 17 GB). Deals: as many as companies (0.7 KB a deal).
	maxSeedCompanies = 1_000_000
	maxSeedContacts  = 10_000_000
	maxSeedDeals     = 1_000_000
	// The sandbox's own limits on generated fields and on a raised mapping
	// limit (providers/sandbox/fields.go).
	maxCustomFields = 9999
	maxMappingLimit = 1_000_000
)

// checkInt checks an integer flag's value against [lo, hi].
func checkInt(flag string, v, lo, hi int) error {
	if v < lo || v > hi {
		return usagef("--%s %d: want %s", flag, v, intRange(lo, hi))
	}
	return nil
}

// checkDuration checks a duration flag's value against [lo, hi].
func checkDuration(flag string, d, lo, hi time.Duration) error {
	if d < lo || d > hi {
		return usagef("--%s %v: want %s or more, up to %s", flag, d, shortDuration(lo), shortDuration(hi))
	}
	return nil
}

// shortDuration writes d without zero minutes and seconds: 24h, not 24h0m0s.
func shortDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// checkShare checks a flag that is a share of requests: 0 to 1. NaN is
// outside every range (a comparison with NaN is false).
func checkShare(flag string, v float64) error {
	if !(v >= 0 && v <= 1) {
		return usagef("--%s %v: want a share from 0 to 1", flag, v)
	}
	return nil
}

// checkMaxOverwrites checks --max-overwrites: a number of values when it is
// given (its default, noLimit, means no limit and cannot be given).
func checkMaxOverwrites(cmd *cobra.Command, n int) error {
	if !cmd.Flags().Changed("max-overwrites") {
		return nil
	}
	return checkInt("max-overwrites", n, 0, math.MaxInt)
}

func intRange(lo, hi int) string {
	if hi == math.MaxInt {
		return thousands(lo) + " or more"
	}
	return thousands(lo) + " to " + thousands(hi)
}

// thousands writes n with thousands separators, as the documentation does.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
