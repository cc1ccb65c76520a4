package sandbox

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"

	sf "github.com/syncform/syncform"
)

var _ sf.Identifier = (*Sandbox)(nil)

// sandboxID is the form of an ID the sandbox makes (addSandboxID).
var sandboxID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// ID is the sandbox's own ID, made with its file and kept by a reset: the
// same wherever the file is moved or copied to.
func (s *Sandbox) ID(ctx context.Context) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaSandboxID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", notSandbox(s.path, "its meta table records no sandbox ID")
	case err != nil:
		return "", storeErr("reading the sandbox's ID", err)
	case !sandboxID.MatchString(id):
		return "", notSandbox(s.path, fmt.Sprintf("its sandbox ID %q is not one a sandbox makes", id))
	}
	return id, nil
}

// Identity implements syncform.Identifier: the sandbox's ID.
func (s *Sandbox) Identity(ctx context.Context) (sf.Identity, error) {
	id, err := s.ID(ctx)
	return sf.Identity{Sandbox: id}, err
}

// Portal is the HubSpot portal ID and the Salesforce org ID the sandbox
// answers with when it is served (the server's account details and
// Organization): drawn from its ID, so they are the same on every open and
// as unlikely as it to be another sandbox's.
func (s *Sandbox) Portal(ctx context.Context) (portalID int64, orgID sf.SalesforceID, err error) {
	id, err := s.ID(ctx)
	if err != nil {
		return 0, "", err
	}
	portalID, orgID = portalOf(id)
	return portalID, orgID, nil
}

// portalOf derives the served portal and org IDs from a sandbox ID: an
// eight-digit portal ID (as HubSpot's are, within the int32 HubSpot's
// specification gives portalId), and an org ID of Organization's key prefix
// and twelve letters and digits.
func portalOf(id string) (int64, sf.SalesforceID) {
	h := sha256.Sum256([]byte("syncform sandbox portal\x00" + id))
	portal := 10_000_000 + int64(binary.BigEndian.Uint32(h[:4])%90_000_000)
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	org := []byte(sf.OrgKeyPrefix)
	for _, b := range h[4:16] {
		org = append(org, alnum[int(b)%len(alnum)])
	}
	parsed, err := sf.ParseSalesforceID(string(org))
	if err != nil {
		panic(err) // 15 letters and digits always parse
	}
	return portal, parsed
}

// FileID reads the ID of the sandbox file at path without writing to it or
// migrating it; ok is false when there is no healthy sandbox file there to
// read one from (missing, damaged, or made before sandboxes had IDs).
func FileID(ctx context.Context, path string) (id string, ok bool) {
	ok = readOnly(path, func(db *sql.DB) bool {
		return db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaSandboxID).Scan(&id) == nil && sandboxID.MatchString(id)
	})
	return id, ok
}
