package hubspot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/syncform/syncform/providers/sandbox/server"
)

// TestMappingsCSVIsBounded: the connector's mapping export must be a
// regular file of at most MaxMappingsCSV bytes. A device that never ends, a
// named pipe nobody writes, a directory and a file over the limit are each
// refused at once with an error naming the file, never read without end or
// waited on.
func TestMappingsCSVIsBounded(t *testing.T) {
	sb := openSandbox(t)
	hsURL, sfURL := serve(t, sb, server.Options{})
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(big, []byte("Object,HubSpot property name,Salesforce field API name,Sync rule\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxMappingsCSV+1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{"/dev/zero", "not a regular file"},
		{fifo, "not a regular file"},
		{dir, "not a regular file"},
		{big, "larger than 16 MiB"},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			c := config(hsURL, sfURL)
			c.ConnectorEndpoint, c.MappingsCSV = "", tc.path
			p := newProvider(t, c)
			done := make(chan error, 1)
			go func() {
				_, err := p.Snapshot(context.Background())
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
					t.Errorf("Snapshot: %v; want an error naming %s: %s", err, tc.path, tc.want)
				}
			case <-time.After(2 * time.Minute): // a bound on a hang, far above the milliseconds it takes
				t.Fatal("Snapshot is still reading the export")
			}
		})
	}
}
