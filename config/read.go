package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/syncform/syncform/internal/regularfile"
)

// Every read of configuration is capped: an unbounded file (a sparse 10
// GB file, /dev/zero) ran the process out of memory, which is fatal. What
// loading takes in memory follows the tokens more than the bytes: about
// 100 to 160 times a file's size for mapping blocks, locals and errors,
// but 500 times for a list of one-character elements, whose every byte is
// a token (measured; docs/reliability.md). So the tokens are capped too.
// No real configuration comes near these: one at the connector's limit of
// 500 mappings an object is about 150 KB and 40,000 tokens.
const (
	// MaxConfigBytes bounds the configuration files of a directory,
	// together.
	MaxConfigBytes = 4 << 20
	// MaxTokens bounds the tokens (names, numbers, symbols, words of
	// text) of the files a load reads, variable files included: about
	// 700 MB of memory at the most to load them.
	MaxTokens = 1 << 20
	// MaxVarFileBytes bounds each --var-file.
	MaxVarFileBytes = 1 << 20
	// MaxVarBytes bounds each value given by --var or SYNCFORM_VAR_name.
	MaxVarBytes = 1 << 20
)

// sourceError is a file refused before, or instead of, being read: it is
// not a regular file, lies outside the configuration directory, or is too
// large. Its summary and detail are those of the diagnostic.
type sourceError struct {
	summary, detail string
}

func (e *sourceError) Error() string { return e.detail }

// readSource reads the file at path as configuration source: a regular file,
// of at most limit bytes, where a file may come from. When within is not
// empty, the path, every symbolic link on it followed, must lead to a file
// inside that directory (a committed link to /proc/self/environ or
// /etc/passwd would otherwise be quoted, line by line, in diagnostics).
// When within is empty, the path must hold no link at all: the file is
// where it is named (see parseVarFile). Nothing but a regular file is
// opened: a named pipe blocks the read for ever, a device never ends. The
// file is opened without blocking and checked again once open, in case it
// was swapped in between.
func readSource(path, within string, limit int64) ([]byte, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	named, err := absolute(path)
	if err != nil {
		return nil, err
	}
	target, err := filepath.EvalSymlinks(named)
	if err != nil {
		return nil, &sourceError{"Configuration file refused",
			fmt.Sprintf("%s is a symbolic link that cannot be followed (%v).", path, unwrapPathError(err))}
	}
	switch {
	case within != "" && !inside(target, within):
		return nil, linkRefused(path, info.Mode(), target, "which is outside the configuration directory: syncform reads configuration only from inside it")
	case within == "" && target != named:
		return nil, linkRefused(path, info.Mode(), target, "but a variable file outside the configuration directory is read only where it is named, "+
			"with no link on the way: a link put in place of one could lead anywhere (/proc/self/environ)")
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		if info, err = os.Stat(target); err != nil {
			return nil, err
		}
	}
	if !info.Mode().IsRegular() {
		return nil, notRegular(path, info.Mode())
	}
	f, opened, err := regularfile.Open(path)
	var nr *regularfile.NotRegularError
	changed := &sourceError{"Configuration file refused", fmt.Sprintf("%s changed while it was being opened; run again.", path)}
	switch {
	case errors.As(err, &nr):
		return nil, notRegular(path, nr.Mode)
	case errors.Is(err, regularfile.ErrChanged):
		return nil, changed
	case err != nil:
		return nil, err
	}
	defer f.Close()
	if !os.SameFile(info, opened) { // the file opened must be the one whose links were checked
		return nil, changed
	}
	b, err := regularfile.ReadAll(f, opened, limit)
	if errors.Is(err, regularfile.ErrTooLarge) {
		return nil, errTooLarge
	}
	return b, err
}

// linkRefused is the error of a path refused for where its links lead,
// to target; why completes the sentence.
func linkRefused(path string, info fs.FileMode, target, why string) error {
	if info&fs.ModeSymlink != 0 {
		to, _ := os.Readlink(path) // as written, where it differs (/proc/self)
		return &sourceError{"Configuration file refused", fmt.Sprintf("%s is a symbolic link to %s, %s.", path, to, why)}
	}
	return &sourceError{"Configuration file refused", fmt.Sprintf("%s leads through a symbolic link to %s, %s.", path, target, why)}
}

// absolute is path made absolute from the working directory, with the
// links of the working directory itself resolved: only the links of the
// path as named are its own.
func absolute(path string) (string, error) {
	if filepath.IsAbs(path) {
		return filepath.Clean(path), nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if wd, err = filepath.EvalSymlinks(wd); err != nil {
		return "", err
	}
	return filepath.Join(wd, path), nil
}

// errTooLarge is readSource's error for a file over its limit; the caller
// says which limit, and why.
var errTooLarge = errors.New("too large")

func notRegular(path string, mode fs.FileMode) error {
	return &sourceError{"Configuration file refused",
		fmt.Sprintf("%s is %s: syncform reads configuration only from regular files.", path, regularfile.Kind(mode))}
}

// bytesString writes a limit as people read it: 8 MiB, 512 KiB.
func bytesString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// unwrapPathError drops the path an *fs.PathError repeats.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// inside reports whether the resolved path target lies in the directory
// dir (itself resolved here, so that a directory reached through a link
// contains what it holds).
func inside(target, dir string) bool {
	d, err := absolute(dir)
	if err != nil {
		return false
	}
	if d, err = filepath.EvalSymlinks(d); err != nil {
		return false
	}
	return under(target, d)
}

// under reports whether the absolute path p is dir or lies in it, as
// written.
func under(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// namedInside reports whether path is named inside the directory dir, as
// written or with dir's links resolved: a variable file named there is
// held to what the directory's files are (see parseVarFile).
func namedInside(path, dir string) bool {
	p, err1 := absolute(path)
	d, err2 := absolute(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	if under(p, d) {
		return true
	}
	resolved, err := filepath.EvalSymlinks(d)
	return err == nil && under(p, resolved)
}

// ReadFile reads a configuration or variable file of dir for fmt, with the
// checks and the cap Load applies: a regular file inside dir (a symbolic
// link must stay inside it) of at most MaxConfigBytes.
func ReadFile(dir, path string) ([]byte, error) {
	b, err := readSource(path, dir, MaxConfigBytes)
	if err == errTooLarge {
		return nil, fmt.Errorf("%s is larger than %s, the most syncform reads of a configuration", path, bytesString(MaxConfigBytes))
	}
	return b, err
}

// readFailed is the diagnostic of a file that could not be, or was not,
// read. A refused file is registered with no content, so that the
// diagnostic names it at its first line.
func (l *loader) readFailed(path string, err error) {
	var se *sourceError
	if !errors.As(err, &se) {
		// The diagnostic hclparse gives, which has no range: the file
		// has no lines to point at.
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Failed to read file",
			Detail: fmt.Sprintf("The configuration file %q could not be read (%v).", path, unwrapPathError(err))})
		return
	}
	l.parser.AddFile(path, &hcl.File{Body: hcl.EmptyBody(), Bytes: []byte{}})
	start := hcl.Pos{Line: 1, Column: 1}
	l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: se.summary, Detail: se.detail,
		Subject: &hcl.Range{Filename: path, Start: start, End: start}})
}
