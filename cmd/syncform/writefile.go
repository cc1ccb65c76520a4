package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// maxLinkHops bounds how many symbolic links replaceFile follows, as the
// kernel does (ELOOP).
const maxLinkHops = 40

// replaceFile replaces name with data through a temporary file in the
// same directory and a rename, so that neither a reader nor a crash ever
// sees half a file. A new file gets perm; an existing one keeps its own mode
// when keepMode is set (a configuration file), else gets perm too (a saved
// plan is always owner-only).
//
// Every file syncform writes stays in the directory it was named in: a
// symlink there is followed (it stays a symlink, to the new file) only when
// it resolves inside that directory, and one that leads out of it is
// refused, as is a destination that is not a regular file. The temporary
// file is created through an os.Root of the directory with O_EXCL, so no
// link placed beforehand, under its name or on the way, can redirect it.
func replaceFile(name string, data []byte, perm fs.FileMode, keepMode bool) (err error) {
	dir := filepath.Dir(name)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	target, err := resolveWithin(root, dir, name)
	if err != nil {
		return err
	}
	switch fi, err := root.Stat(target); {
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file; syncform replaces only files", name)
	case err == nil && keepMode:
		perm = fi.Mode().Perm()
	case err == nil:
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	var suffix [8]byte
	rand.Read(suffix[:])
	tmpName := filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+"."+hex.EncodeToString(suffix[:])+".tmp")
	tmp, err := root.OpenFile(tmpName, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			root.Remove(tmpName)
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
	return root.Rename(tmpName, target)
}

// resolveWithin follows the symbolic links of name's last element, each of
// which must stay inside dir (root), and returns the file they lead to,
// relative to dir; it need not exist.
func resolveWithin(root *os.Root, dir, name string) (string, error) {
	cur := filepath.Base(name)
	for range maxLinkHops {
		fi, err := root.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return cur, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return cur, nil
		}
		link, err := root.Readlink(cur)
		if err != nil {
			return "", err
		}
		next, ok := inside(dir, filepath.Dir(cur), link)
		if !ok {
			return "", fmt.Errorf("%s is a symbolic link to %s, outside %s: syncform never writes through a link out of the directory; "+
				"remove the link, or name the file it points to", name, link, shownDir(dir))
		}
		cur = next
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", name)
}

// inside resolves link, found in the directory from (relative to dir), to
// a path relative to dir, and reports whether it stays inside dir.
func inside(dir, from, link string) (string, bool) {
	if !filepath.IsAbs(link) {
		next := filepath.Join(from, link)
		return next, filepath.IsLocal(next)
	}
	for _, base := range []func(string) (string, error){filepath.Abs, realPath} {
		b, err := base(dir)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(b, link); err == nil && filepath.IsLocal(rel) {
			return rel, true
		}
	}
	return "", false
}

func realPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// shownDir names dir in a message: "." is the current directory.
func shownDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}
