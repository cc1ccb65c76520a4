package syncform

// Secret holds a credential read from the environment. Every way of printing
// or encoding it yields a placeholder, so a secret cannot reach a plan, a log
// line, an error or a saved file by accident; Reveal is the one way out, for
// the code that puts it on the wire.
type Secret struct{ v string }

// NewSecret wraps a credential.
func NewSecret(v string) Secret { return Secret{v: v} }

// Redacted is what a Secret prints as.
const Redacted = "(sensitive)"

// Reveal returns the credential itself.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether no credential is set.
func (s Secret) IsZero() bool { return s.v == "" }

func (s Secret) String() string   { return Redacted }
func (s Secret) GoString() string { return Redacted }

// MarshalText makes every encoding (JSON, text) write the placeholder.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }
