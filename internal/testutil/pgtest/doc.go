// Package pgtest gives tests a PostgreSQL database to hold syncform's state:
// the server SYNCFORM_TEST_POSTGRES names (CI starts one), or else a
// throwaway server it starts itself from the PostgreSQL binaries on the
// machine, once per test binary. Each test gets a schema of its own. It is
// for tests only.
package pgtest
