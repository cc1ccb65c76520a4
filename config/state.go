package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// The state database is a file (SQLite) or a PostgreSQL database named by a
// URL. Both the connection block's state attribute and the --state flag
// name one, and both are checked here, so that the rules are one.

// IsPostgresState reports whether a state location names a PostgreSQL
// database rather than a file. (pgx reads the same two prefixes as URLs.)
func IsPostgresState(loc string) bool {
	return strings.HasPrefix(loc, "postgres://") || strings.HasPrefix(loc, "postgresql://")
}

// ErrStatePassword is CheckState's error for a URL that carries a password.
var ErrStatePassword = errors.New("the PostgreSQL URL carries a password; syncform takes it only from the environment " +
	"(PGPASSWORD), so that it never lands in a file, a log or the history: remove it from the URL")

// CheckState reports what makes loc unusable as a state location: empty, a
// URL of another kind, or a PostgreSQL URL with a password (in its user
// part or its query). No error quotes a URL: it may hold the password.
func CheckState(loc string) error {
	if loc == "" {
		return errors.New("the state database location is empty; leave it out for the default file")
	}
	if !IsPostgresState(loc) {
		if scheme, _, ok := strings.Cut(loc, "://"); ok && !strings.ContainsAny(scheme, `/\. `) {
			return fmt.Errorf("%s:// is not a state database syncform can use: give a file path, or a postgres:// URL", scheme)
		}
		return nil
	}
	u, err := url.Parse(loc)
	if err != nil {
		// url.Parse's error quotes the URL.
		return errors.New("the PostgreSQL URL does not parse as a URL (postgres://user@host:port/database?option=value)")
	}
	q := u.Query()
	if _, set := u.User.Password(); set || q.Has("password") || q.Has("sslpassword") {
		return ErrStatePassword
	}
	return nil
}
