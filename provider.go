package syncform

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Provider is a live connection: a HubSpot portal and the Salesforce org it
// syncs with. Implementations live under providers/.
//
// Contract:
//   - Snapshot reads the whole live state in one consistent view; it never
//     writes.
//   - Apply carries out one Change. It is idempotent: a change the live state
//     already reflects succeeds without writing, so a re-run after any failure
//     converges. A change the live system refuses returns an error wrapping
//     ErrRejected and leaves the live state as it was.
//   - Records reads the records among ids that exist in the Salesforce
//     object sobject, with the named fields; IDs of records that do not
//     exist are left out, which is not an error. It never writes.
//   - Values reads the distinct non-empty values the object's linked
//     records hold in one field on one side (for contacts' Salesforce side,
//     on Lead and Contact), sorted. It never writes.
//   - Every method honours ctx cancellation and is safe to call from one
//     goroutine at a time; Close releases the connection.
type Provider interface {
	Snapshot(ctx context.Context) (*Snapshot, error)
	Records(ctx context.Context, sobject string, ids []SalesforceID, fields []string) ([]SalesforceRecord, error)
	Values(ctx context.Context, o Object, side Side, field string) ([]string, error)
	Apply(ctx context.Context, c Change) error
	Close() error
}

// BatchApplier is a Provider whose API carries out several changes in one
// request. Contract:
//   - BatchSize is how many changes like c one ApplyBatch may carry; 1 or
//     less means c is applied alone, with Apply.
//   - ApplyBatch carries out cs, which share Op, Resource and Object and
//     number at most BatchSize(cs[0]), and returns one error per change, in
//     order (nil: done). Each change keeps Apply's contract on its own: it is
//     idempotent, and a refused one leaves the live state as it was whatever
//     happened to the others.
type BatchApplier interface {
	Provider
	BatchSize(c Change) int
	ApplyBatch(ctx context.Context, cs []Change) []error
}

// Claimer is a Provider that keeps a writer lease of its own: a live
// system that more than one state database can point at (the sandbox
// file, which two configuration directories may share), so that the lock
// of one state database cannot keep out a writer that locks in another.
// Contract:
//   - Claim makes w this handle's writer lease: when another writer's
//     lease is live (not expired, not released, its process not gone) and
//     of another Scope, it waits up to w.Wait and then fails with an error
//     wrapping ErrFenced that names that writer. A lease of the same Scope
//     is taken over at once: its holder lost the lock that w holds now.
//   - From then on every write of the handle checks, in the transaction
//     that writes, that the lease is still its own; once it is not (taken
//     over, revoked by force-unlock, the live system reset under it) the
//     write fails with an error wrapping ErrFenced and writes nothing.
//   - Unclaim (and Close) gives the lease up; the handle's writes are
//     then unchecked, as a person's edits are.
type Claimer interface {
	Provider
	Claim(ctx context.Context, w Writer) error
	Unclaim(ctx context.Context) error
}

// Writer is who claims a Claimer: the holder of a connection's lock.
type Writer struct {
	// Lock is the lock's ID; Scope says where it lives (the state
	// database and the connection's name in it); Holder describes who
	// holds it, for messages.
	Lock, Scope, Holder string
	// Lease is how long the claim outlives its holder's last renewal
	// (the holder's handle renews it every third of it).
	Lease time.Duration
	// Wait is how long Claim waits for another writer's lease: 0 not at
	// all, negative until ctx ends.
	Wait time.Duration
}

// Batchable reports whether a and b may share one ApplyBatch.
func Batchable(a, b Change) bool {
	return a.Op == b.Op && a.Resource == b.Resource && a.Object == b.Object
}

// Resource is the kind of live setting a Change touches.
type Resource string

const (
	ResourceSync     Resource = "sync"     // an object's sync toggle
	ResourceProperty Resource = "property" // a HubSpot property
	ResourceMapping  Resource = "mapping"  // a field mapping and its rule
	ResourceBackfill Resource = "backfill" // a resync or import job
	// ResourceOptions is a property's option list: Change.Property carries
	// the whole property with the new options (a PATCH of a property's
	// options replaces the whole list).
	ResourceOptions Resource = "options"
	// ResourceSegment is a temporary segment an apply made for a batch of
	// a back-fill and did not remove (it was interrupted): only deleted,
	// through Backfiller.DeleteSegment; Change.Name is the segment's name.
	ResourceSegment Resource = "segment"
)

// Side is one of the two systems a linked record lives in.
type Side string

const (
	HubSpotSide    Side = "hubspot"
	SalesforceSide Side = "salesforce"
)

// Op is what a Change does to its resource.
type Op string

const (
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// Mode says who carries a change out.
type Mode string

const (
	ModeAuto   Mode = "auto"   // the provider applies it
	ModeManual Mode = "manual" // a person must; apply lists it in a runbook
)

// Change is one write to the live connection. Exactly one of the value fields
// is set for create and update, matching Resource; delete names its target
// through Object and Name.
type Change struct {
	Op       Op        `json:"op"`
	Resource Resource  `json:"resource"`
	Object   Object    `json:"object"`
	Name     string    `json:"name,omitempty"` // property name; empty for sync
	Sync     *bool     `json:"sync,omitempty"`
	Property *Property `json:"property,omitempty"`
	Mapping  *Mapping  `json:"mapping,omitempty"`
}

// Address is the change's target in plans and messages.
func (c Change) Address() string {
	switch c.Resource {
	case ResourceSync:
		return ObjectAddress(c.Object)
	case ResourceProperty:
		return PropertyAddress(c.Object, c.Name)
	case ResourceOptions:
		return PropertyAddress(c.Object, c.Name) + ".options"
	case ResourceSegment:
		return SegmentAddress(c.Object, c.Name)
	}
	return MappingAddress(c.Object, c.Name)
}

// Errors providers wrap so callers can decide by kind (errors.Is).
var (
	// ErrRejected: the live system refused the change (a connector
	// constraint, a permission); retrying will not help.
	ErrRejected = errors.New("rejected by the live system")
	// ErrNotFound: the change's target does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable: the live system could not be reached or answered with a
	// transient failure; a later run may succeed.
	ErrUnavailable = errors.New("live system unavailable")
	// ErrFenced: another writer holds the live system's writer lease, or
	// this writer's lease is no longer its own (see Claimer); it must not
	// write.
	ErrFenced = errors.New("fenced out")
)

// Rejectf returns an error wrapping ErrRejected.
func Rejectf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRejected, fmt.Sprintf(format, args...))
}
