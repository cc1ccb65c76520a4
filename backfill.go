package syncform

import "context"

// BackfillMethod is how existing values are moved for one direction.
type BackfillMethod string

const (
	// MethodImport runs a Salesforce import: Salesforce → HubSpot for every
	// linked record of the object.
	MethodImport BackfillMethod = "import"
	// MethodSegment resyncs a HubSpot segment in bulk: HubSpot → Salesforce.
	MethodSegment BackfillMethod = "segment"
	// MethodRecords resyncs named records one by one: HubSpot → Salesforce.
	MethodRecords BackfillMethod = "records"
)

// MaxCompanyResync is the most companies the connector resyncs at once; past
// it the resync fails with PartialResyncMessage.
const MaxCompanyResync = 200000

// Backfill is one back-fill job. Like the connector's own resync and import,
// a job syncs every mapping of the object in its direction, not only the
// mappings that asked for it (Properties says which did, for display).
type Backfill struct {
	Object    Object         `json:"object"`
	Direction Direction      `json:"direction"`
	Method    BackfillMethod `json:"method"`
	Segment   string         `json:"segment,omitempty"` // MethodSegment
	Records   []int64        `json:"records,omitempty"` // MethodRecords: HubSpot record IDs
	// Offset and Limit, when Limit > 0, narrow a segment back-fill to the
	// members at positions [Offset, Offset+Limit) in record-ID order: one
	// batch, estimated before apply makes it a segment of its own.
	Offset     int      `json:"offset,omitempty"`
	Limit      int      `json:"limit,omitempty"`
	Properties []string `json:"properties"`
	// Key, when set, makes StartBackfill idempotent: a job with a key that
	// already started is returned instead of started again.
	Key string `json:"key,omitempty"`
	// Mappings, when set, are the object's mappings as they will be once
	// the plan's changes are applied: EstimateBackfill syncs these (and
	// treats the object's sync as on), so a plan can preview a back-fill of
	// mappings that do not exist yet. Jobs always sync the live mappings,
	// as the connector does; after apply they are the same.
	Mappings []Mapping `json:"mappings,omitempty"`
}

// Impact is what a back-fill would change, as a dry run computes it.
type Impact struct {
	// Examined is how many linked records the job looks at.
	Examined int `json:"examined"`
	// HubSpotChanges and SalesforceChanges count values that would change on
	// each side.
	HubSpotChanges    int `json:"hubspot_changes"`
	SalesforceChanges int `json:"salesforce_changes"`
	// Overwrites counts non-empty values that would be replaced or cleared.
	Overwrites int `json:"overwrites"`
	// Samples are a few of the changes, in record order.
	Samples []SampleChange `json:"samples,omitempty"`
}

// MaxImpactSamples is how many sample changes an Impact carries.
const MaxImpactSamples = 5

// SampleChange is one value a back-fill would change.
type SampleChange struct {
	Record string `json:"record"` // e.g. "company 1042 / 001…"
	Side   string `json:"side"`   // "hubspot" or "salesforce"
	Field  string `json:"field"`  // property or field name
	Before string `json:"before"`
	After  string `json:"after"`
}

// JobState is where an asynchronous back-fill job is.
type JobState string

const (
	JobRunning   JobState = "running"
	JobSucceeded JobState = "succeeded"
	JobFailed    JobState = "failed"
)

// Job is an asynchronous back-fill job's status.
type Job struct {
	ID       string   `json:"id"`
	Backfill Backfill `json:"backfill"`
	State    JobState `json:"state"`
	// Done and Total count records; Total is known once the job starts.
	Done  int `json:"done"`
	Total int `json:"total"`
	// Changed counts the values the job changed so far, both sides.
	Changed int `json:"changed"`
	// Error is the connector's message when State is JobFailed.
	Error string `json:"error,omitempty"`
}

// PartialResyncMessage is what the connector reports when a company resync
// covers more than MaxCompanyResync companies.
const PartialResyncMessage = "We couldn't sync all your updates for this mapping"

// Segment is a HubSpot segment (list) of one object's records.
type Segment struct {
	Name   string `json:"name"`
	Object Object `json:"object"`
	// Static segments hold a fixed membership; dynamic ones a filter.
	Static bool `json:"static"`
	Size   int  `json:"size"`
}

// Backfiller is the part of a provider that moves existing values. Contract:
//   - EstimateBackfills is a dry run of the jobs in order, each seeing what
//     the ones before it would change (an import and a resync of one object
//     interact): each Impact equals what that job changes when the jobs run
//     in that order and nothing else writes in between. It changes nothing.
//   - StartBackfill starts the job and returns at once; Job reports its
//     progress. With a Key that already started a job, it returns that job
//     (whatever its state) and starts nothing. A job that covers more companies than MaxCompanyResync
//     syncs the first MaxCompanyResync (by record ID) and fails with
//     PartialResyncMessage.
//   - Segments are found by name. CreateBatchSegment makes a static segment
//     of the records of segment `from` at positions [offset, offset+limit)
//     in record-ID order; creating one that exists with the same members is
//     not an error. DeleteSegment of a missing segment is not an error.
type Backfiller interface {
	EstimateBackfills(ctx context.Context, bs []Backfill) ([]Impact, error)
	StartBackfill(ctx context.Context, b Backfill) (Job, error)
	Job(ctx context.Context, id string) (Job, error)
	Segment(ctx context.Context, name string) (Segment, error)
	CreateBatchSegment(ctx context.Context, name, from string, offset, limit int) (Segment, error)
	DeleteSegment(ctx context.Context, name string) error
}
