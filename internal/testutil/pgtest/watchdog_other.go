//go:build !unix

package pgtest

// startWatchdog does nothing here: a server whose test binary was killed
// keeps running.
func startWatchdog(string) error { return nil }
