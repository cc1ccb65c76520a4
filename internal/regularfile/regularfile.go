package regularfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrTooLarge is Read's error for a file over its limit; the caller says
// which limit, and why.
var ErrTooLarge = errors.New("larger than the limit")

// ErrChanged is the error for a file replaced between its check and its
// opening.
var ErrChanged = errors.New("the file changed while it was being opened; run again")

// NotRegularError is the error for a path that names something other than
// a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, Kind(e.Mode))
}

// Kind names what a file of that mode is, for an error: "a directory",
// "a named pipe (FIFO)".
func Kind(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return "a regular file"
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// Open opens the file at path for reading, following symbolic links, when
// it is a regular file, and returns it with what fstat says of it once open.
func Open(path string) (*os.File, fs.FileInfo, error) {
	before, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !before.Mode().IsRegular() {
		return nil, nil, &NotRegularError{path, before.Mode()}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	opened, err := f.Stat()
	switch {
	case err != nil:
	case !opened.Mode().IsRegular():
		err = &NotRegularError{path, opened.Mode()}
	case !os.SameFile(before, opened):
		err = fmt.Errorf("%s: %w", path, ErrChanged)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, opened, nil
}

// Read reads the whole file at path, a regular file (Open) of at most
// limit bytes, else ErrTooLarge.
func Read(path string, limit int64) ([]byte, error) {
	f, fi, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, fi, limit)
}

// ReadAll reads the rest of f, which Open opened (fi), if it holds at most
// limit bytes, else ErrTooLarge, without reading more than limit+1 bytes
// whatever its size says (procfs says 0, a file may grow).
func ReadAll(f *os.File, fi fs.FileInfo, limit int64) ([]byte, error) {
	if fi.Size() > limit {
		return nil, ErrTooLarge
	}
	var b bytes.Buffer
	b.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := b.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(b.Len()) > limit {
		return nil, ErrTooLarge // it grew while it was read
	}
	return b.Bytes(), nil
}
