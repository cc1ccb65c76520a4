package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxLinkHops bounds how many symbolic links a destination's path may go
// through, as the kernel does (ELOOP).
const maxLinkHops = 40

// replaceFile replaces name with data through a temporary file in the
// same directory and a rename, so that neither a reader nor a crash ever
// sees half a file. A new file gets perm; an existing one keeps its own mode
// when keepMode is set (a configuration file), else gets perm too (a saved
// plan is always owner-only).
//
// name is checked by destination first: a path through a symbolic link is
// written only where it resolves inside the working directory. The write
// goes to the resolved file (a link there stays a link, to the new file),
// through an os.Root of its resolved directory: the temporary file is
// created there with O_EXCL and renamed there, so no link placed
// beforehand, under its name or on the way, can redirect it.
func replaceFile(name string, data []byte, perm fs.FileMode, keepMode bool) (err error) {
	target, err := destination(name)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(target)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	switch fi, err := root.Lstat(base); {
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
	tmpName := "." + base + "." + hex.EncodeToString(suffix[:]) + ".tmp"
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
	return root.Rename(tmpName, base)
}

// destination checks name as a file syncform writes and returns the path
// to write: name with every symbolic link on its way resolved. The
// directory is the working directory (the configuration's, after
// --chdir). A path that goes through no link is the user's to choose,
// inside the directory or out of it; one that goes through a link, in
// any component, must resolve inside the directory, else it is refused: a
// link committed to a repository (plans -> /etc, plan.json ->
// ~/.bashrc) must not turn a command into a write outside it. Neither the
// file nor, for import, its directories need exist yet.
func destination(name string) (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	dir, err := filepath.EvalSymlinks(wd)
	if err != nil {
		return "", err
	}
	start := dir
	if filepath.IsAbs(name) {
		start = string(filepath.Separator)
	}
	resolved, link, to, err := resolvePath(start, name)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if link != "" && !within(resolved, dir) {
		if rel, err := filepath.Rel(dir, link); err == nil && filepath.IsLocal(rel) {
			link = rel
		}
		return "", fmt.Errorf("%s goes through the symbolic link %s (to %s) and leads to %s, outside %s: "+
			"syncform never writes through a link out of the directory; remove the link, or name the file it points to",
			name, link, to, resolved, wd)
	}
	return resolved, nil
}

// resolvePath resolves name from the resolved directory start as the
// kernel would, component by component, following every symbolic link
// (a ".." after a link is taken from where the link led), and returns the
// path it leads to, and the first link on the way and what it holds (""
// when there is none). From the first component that does not exist on,
// the rest is taken as it is written.
func resolvePath(start, name string) (resolved, link, linkTo string, err error) {
	cur := start
	rest := splitPath(name)
	hops := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		if c == ".." {
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, c)
		fi, err := os.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			return filepath.Join(append([]string{next}, rest...)...), link, linkTo, nil
		}
		if err != nil {
			return "", "", "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > maxLinkHops {
			return "", "", "", errors.New("too many levels of symbolic links")
		}
		to, err := os.Readlink(next)
		if err != nil {
			return "", "", "", err
		}
		if link == "" {
			link, linkTo = next, to
		}
		if filepath.IsAbs(to) {
			cur = string(filepath.Separator)
		}
		rest = append(splitPath(to), rest...)
	}
	return cur, link, linkTo, nil
}

// splitPath splits a path into its components, without "" and ".".
func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(filepath.ToSlash(p), "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// within reports whether the resolved path p is dir or lies inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && filepath.IsLocal(rel)
}
