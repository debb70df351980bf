package record

import semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

// Attribute names. OpenTelemetry's semantic conventions name most of them;
// the rest are ECS names (event.action, event.outcome, user.domain,
// user.target.*, error.message), which OpenTelemetry lacks. Every other
// source field goes under its product's namespace (<product>.<field>).
const (
	AttrUserName               = string(semconv.UserNameKey)
	AttrUserID                 = string(semconv.UserIDKey)
	AttrUserFullName           = string(semconv.UserFullNameKey)
	AttrUserRoles              = string(semconv.UserRolesKey)
	AttrClientAddress          = string(semconv.ClientAddressKey)
	AttrClientPort             = string(semconv.ClientPortKey)
	AttrHostName               = string(semconv.HostNameKey)
	AttrServiceName            = string(semconv.ServiceNameKey)
	AttrProcessExecutableName  = string(semconv.ProcessExecutableNameKey)
	AttrProcessPID             = string(semconv.ProcessPIDKey)
	AttrSessionID              = string(semconv.SessionIDKey)
	AttrHTTPRequestMethod      = string(semconv.HTTPRequestMethodKey)
	AttrURLPath                = string(semconv.URLPathKey)
	AttrHTTPResponseStatusCode = string(semconv.HTTPResponseStatusCodeKey)
	AttrUserAgentOriginal      = string(semconv.UserAgentOriginalKey)
	AttrLogRecordOriginal      = string(semconv.LogRecordOriginalKey)
	AttrLogRecordUID           = string(semconv.LogRecordUIDKey) // the record's identity (core.UID)
	AttrLogFilePath            = string(semconv.LogFilePathKey)
	AttrLogFileName            = string(semconv.LogFileNameKey)
	AttrErrorType              = string(semconv.ErrorTypeKey)
	AttrLogIostream            = string(semconv.LogIostreamKey)
	AttrContainerID            = string(semconv.ContainerIDKey)
	AttrContainerName          = string(semconv.ContainerNameKey)

	// ECS names.
	AttrEventKind          = "event.kind"  // the ECS schema's; pipeline_error marks a record nothing parsed
	AttrECSVersion         = "ecs.version" // the ECS schema's, on every record
	AttrEventAction        = "event.action"
	AttrEventOutcome       = "event.outcome"
	AttrUserDomain         = "user.domain"
	AttrUserTargetName     = "user.target.name"
	AttrUserTargetFullName = "user.target.full_name"
	AttrUserTargetID       = "user.target.id"
	AttrErrorMessage       = "error.message"

	// Framing fields (ECS's log.syslog.*; fluentd.tag is ours).
	AttrSyslogPriority       = "log.syslog.priority"
	AttrSyslogFacilityCode   = "log.syslog.facility.code"
	AttrSyslogSeverityCode   = "log.syslog.severity.code"
	AttrSyslogMsgID          = "log.syslog.msgid"
	AttrSyslogStructuredData = "log.syslog.structured_data" // .<SD-ID>.<PARAM-NAME>
	AttrFluentdTag           = "fluentd.tag"

	// Where a file reader found a record: the byte offset of its first byte
	// (the collector's filelog receiver with include_file_record_offset;
	// Fluent Bit's tail input with offset_key set to this name).
	AttrLogFileRecordOffset = "log.file.record_offset"

	// pamaudit's own: the tamper marks of a record (a string array).
	AttrAnomaly = "pamaudit.anomaly"
)

// Outcome values (event.outcome).
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
	OutcomeUnknown = "unknown"
)

// Redacted replaces every secret value, wherever it stands.
const Redacted = "[REDACTED]"
