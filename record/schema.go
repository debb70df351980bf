package record

// Schema is the set of names and the shape a record's fields have.
type Schema uint8

// The schemas. SchemaOTel is what the products build (OpenTelemetry names,
// docs/schema.md); the schema layer (internal/schema/ecs, internal/schema/ocsf)
// maps a record onto the others.
const (
	SchemaOTel Schema = iota // OpenTelemetry LogRecords with semantic attribute names
	SchemaECS                // ECS 8.x field names, flat (docs/ecs.md)
	SchemaOCSF               // an OCSF event as the body map (docs/ocsf.md)
)

var schemaNames = [...]string{SchemaOTel: "otel", SchemaECS: "ecs", SchemaOCSF: "ocsf"}

func (s Schema) String() string { return nameOf(schemaNames[:], int(s)) }

// MarshalText implements encoding.TextMarshaler.
func (s Schema) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText accepts the names String returns, in any case.
func (s *Schema) UnmarshalText(b []byte) error { return parseName(s, "schema", schemaNames[:], b) }
