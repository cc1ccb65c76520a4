package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/syncform/syncform/config"
	"github.com/syncform/syncform/internal/regularfile"
)

// starterConfig is what init writes: it plans against a new sandbox.
const starterConfig = `# syncform configuration: how this HubSpot portal and Salesforce org sync.
# Run "syncform plan" to see what would change, "syncform apply" to change it.

connection {
  provider = "sandbox"               # a simulated portal and org in .syncform/
}

object "contacts" {
  # Stop syncing the fax number: standard mappings are stopped, never deleted.
  mapping "fax" {
    salesforce_field = "Fax"
    rule             = "dont_sync"
  }
}

object "companies" {
  sync = true

  property "customer_tier" {
    label = "Customer tier"
    type  = "dropdown"
  }

  mapping "customer_tier" {
    salesforce_field = "Tier__c"
    rule             = "two_way"
  }
}
`

const starterGitignore = "# syncform's local state and the sandbox database\n.syncform/\n"

// maxGitignoreSize bounds the .gitignore init reads to add to it: far more
// than any project's.
const maxGitignoreSize = 4 << 20

func (a *app) initCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Write a starter configuration in the current directory",
		Long: "init writes main.hcl (a starter configuration for the embedded sandbox) and a\n" +
			".gitignore for syncform's local files. It refuses a directory that already\n" +
			"holds configuration.",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.runInit(".") },
	}
}

func (a *app) runInit(dir string) error {
	abs, _ := filepath.Abs(dir)
	existing, err := config.ConfigFiles(dir)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return fmt.Errorf("%s already holds configuration (%s); init writes only into a directory without *.hcl files", abs, filepath.Base(existing[0]))
	}
	// Keep syncform's local files out of git, in the .gitignore there is
	// or a new one. It is written first: were main.hcl not written after
	// it, init could run again. It is read only where it may be written
	// (destination) and only if it is a regular file (regularfile): a
	// named pipe would block init for ever, a link to /dev/zero exhaust
	// its memory.
	gi := filepath.Join(dir, ".gitignore")
	target, err := destination(gi)
	if err != nil {
		return err
	}
	old, err := regularfile.Read(target, maxGitignoreSize)
	var nr *regularfile.NotRegularError
	var wrote string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		err = replaceFile(gi, []byte(starterGitignore), 0o644, false)
		wrote = "Wrote main.hcl and .gitignore."
	case errors.As(err, &nr):
		return fmt.Errorf("%s is %s, not a regular file; init adds .syncform/ to a .gitignore file", gi, regularfile.Kind(nr.Mode))
	case errors.Is(err, regularfile.ErrTooLarge):
		return fmt.Errorf("%s is larger than %d MiB, more than init reads; add .syncform/ to it by hand", gi, maxGitignoreSize>>20)
	case err == nil && !strings.Contains(string(old), ".syncform/"):
		if len(old) > 0 && !strings.HasSuffix(string(old), "\n") {
			old = append(old, '\n')
		}
		err = replaceFile(gi, append(old, []byte(starterGitignore)...), 0o644, true)
		wrote = "Wrote main.hcl and added .syncform/ to .gitignore."
	case err == nil:
		wrote = "Wrote main.hcl."
	}
	if err != nil {
		return err
	}
	if err := replaceFile(filepath.Join(dir, "main.hcl"), []byte(starterConfig), 0o644, false); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, wrote+" Next: syncform plan")
	return nil
}
