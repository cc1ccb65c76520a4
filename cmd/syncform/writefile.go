package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// replaceFile replaces name with data through a temporary file in the
// same directory and a rename, so that neither a reader nor a crash ever
// sees half a file. A new file gets perm; an existing one keeps its own mode
// when keepMode is set (a configuration file), else gets perm too (a saved
// plan is always owner-only). A symlink stays a symlink to the new file.
func replaceFile(name string, data []byte, perm fs.FileMode, keepMode bool) (err error) {
	if resolved, err := filepath.EvalSymlinks(name); err == nil {
		name = resolved
	}
	switch fi, err := os.Stat(name); {
	case err == nil && keepMode:
		perm = fi.Mode().Perm()
	case err == nil:
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
