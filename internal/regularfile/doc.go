// Package regularfile opens and reads the files syncform is named by its
// user or its configuration (configuration and variable files, a saved
// plan, the connector's mapping export, a sandbox, a .gitignore), which
// must be regular files: a named pipe blocks an open, and a read, for ever
// (deaf to SIGINT), and a device such as /dev/zero never ends. The file is
// checked before it is opened, opened without blocking, and checked again
// once open, in case another was swapped in between; a read is bounded.
//
// The standard library opens whatever a path names, and no well-kept
// library does these checks, so they are written here once.
package regularfile
