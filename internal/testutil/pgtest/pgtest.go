package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvURL names the server tests use: a superuser's URL, without a
// password (PGPASSWORD is read), e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const EnvURL = "SYNCFORM_TEST_POSTGRES"

// PasswordRole is a role the server asks for a password
// (PasswordRolePassword): a server pgtest starts, and the one .ci/run
// starts, say so in pg_hba.conf. Tests of what never shows a password log
// in as it.
const (
	PasswordRole         = "syncform_pw"
	PasswordRolePassword = "pw-5f1c8e-never-shown"
)

var server struct {
	once  sync.Once
	url   string // the superuser's, no schema
	admin *sql.DB
	stop  func()
	err   error
}

// base returns the server's URL, starting one the first time if
// SYNCFORM_TEST_POSTGRES is not set.
func base() (string, *sql.DB, error) {
	server.once.Do(func() {
		if u := os.Getenv(EnvURL); u != "" {
			server.url = u
		} else if server.url, server.stop, server.err = start(); server.err != nil {
			return
		}
		server.admin, server.err = sql.Open("pgx", server.url)
		if server.err == nil {
			server.err = server.admin.Ping()
		}
		if server.err != nil && os.Getenv(EnvURL) != "" {
			server.err = fmt.Errorf("%s is set, but its server does not answer: %w", EnvURL, server.err)
		}
	})
	return server.url, server.admin, server.err
}

// URL returns the URL of a new schema on the test server, dropped when t
// ends. Without a server, t is skipped, or fails when SYNCFORM_TEST_POSTGRES
// names one that does not answer.
func URL(t testing.TB) string {
	t.Helper()
	return schemaURL(t, nil)
}

// PasswordURL is URL for PasswordRole, which logs in with the password
// PGPASSWORD gives: the caller sets it.
func PasswordURL(t testing.TB) string {
	t.Helper()
	_, admin, err := base()
	if err != nil {
		skipOrFail(t, err)
	}
	for _, stmt := range []string{
		`DO $$ BEGIN CREATE ROLE ` + PasswordRole + ` LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
		`ALTER ROLE ` + PasswordRole + ` PASSWORD '` + PasswordRolePassword + `'`,
		`DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO ` + PasswordRole + `', current_database()); END $$`,
	} {
		if _, err := admin.Exec(stmt); err != nil {
			t.Fatalf("setting up %s: %v", PasswordRole, err)
		}
	}
	return schemaURL(t, url.User(PasswordRole))
}

func schemaURL(t testing.TB, as *url.Userinfo) string {
	t.Helper()
	raw, admin, err := base()
	if err != nil {
		skipOrFail(t, err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	if as != nil {
		u.User = as
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			t.Errorf("dropping the test schema %s: %v", schema, err)
		}
	})
	return u.String()
}

func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(EnvURL) != "" {
		t.Fatal(err)
	}
	t.Skipf("no PostgreSQL server for this test: %v (install PostgreSQL, or set %s to a server's URL)", err, EnvURL)
}

// Main runs a test binary's tests and then stops the server URL started, if
// it started one: TestMain calls os.Exit(pgtest.Main(m)), or hands
// Wrap(m) to a Main of its own.
func Main(m interface{ Run() int }) int { return Wrap(m).Run() }

// Wrap is m whose Run stops the server afterwards.
func Wrap(m interface{ Run() int }) interface{ Run() int } { return stopping{m} }

type stopping struct{ m interface{ Run() int } }

func (s stopping) Run() int {
	code := s.m.Run()
	if server.admin != nil {
		server.admin.Close()
	}
	if server.stop != nil {
		server.stop()
	}
	return code
}

// start runs initdb and pg_ctl in a temporary directory, the server
// listening on 127.0.0.1 on a free port, as .ci/run does. PostgreSQL
// refuses to run as root: as root, it runs as the postgres user.
func start() (string, func(), error) {
	bin, err := binDir()
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "syncform-pg-")
	if err != nil {
		return "", nil, err
	}
	var as []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return "", nil, fmt.Errorf("running as root, and no postgres user to run PostgreSQL as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return "", nil, err
		}
		as = []string{"runuser", "-u", "postgres", "--"}
	}
	run := func(name string, args ...string) error {
		argv := append(append(as[:len(as):len(as)], filepath.Join(bin, name)), args...)
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	fail := func(err error) (string, func(), error) {
		os.RemoveAll(dir)
		return "", nil, err
	}
	if err := run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"); err != nil {
		return fail(err)
	}
	hba := filepath.Join(data, "pg_hba.conf")
	conf, err := os.ReadFile(hba)
	if err == nil {
		err = os.WriteFile(hba, append([]byte(hbaPassword), conf...), 0o600)
	}
	if err != nil {
		return fail(err)
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if err := run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		return fail(err)
	}
	stop := func() {
		run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
	// Should this process end without stopping it (a test binary killed at
	// its timeout), a watchdog does, once the process is gone.
	pgCtl := strings.Join(append(as[:len(as):len(as)], filepath.Join(bin, "pg_ctl")), " ")
	if err := startWatchdog(fmt.Sprintf(`while kill -0 %d 2>/dev/null; do sleep 1; done; %s -D %s -m immediate -w stop >/dev/null 2>&1; rm -rf %s`,
		os.Getpid(), pgCtl, data, dir)); err != nil {
		stop()
		return "", nil, err
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), stop, nil
}

// hbaPassword, first in pg_hba.conf, makes the server ask PasswordRole
// for its password; everyone else is trusted.
const hbaPassword = "host all " + PasswordRole + " 127.0.0.1/32 scram-sha-256\n"

// binDir finds PostgreSQL's programs: on the PATH, or where Debian puts
// them (the newest version).
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		return "", fmt.Errorf("no initdb on the PATH or in /usr/lib/postgresql/*/bin")
	}
	sort.Slice(found, func(i, j int) bool { return version(found[i]) < version(found[j]) })
	return filepath.Dir(found[len(found)-1]), nil
}

func version(initdb string) int {
	n, _ := strconv.Atoi(strings.Split(initdb, string(filepath.Separator))[4])
	return n
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
