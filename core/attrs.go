package core

import "strings"

// Attribute names. Semantic names follow the contract
// (shared/semantic-contract.md), which follows OpenTelemetry and ECS; every
// other source field goes under its product's namespace.
const (
	attrEventAction            = "event.action"
	attrEventOutcome           = "event.outcome"
	attrUserName               = "user.name"
	attrUserDomain             = "user.domain"
	attrUserID                 = "user.id"
	attrUserFullName           = "user.full_name"
	attrUserRoles              = "user.roles"
	attrUserTargetName         = "user.target.name"
	attrUserTargetFullName     = "user.target.full_name"
	attrUserTargetID           = "user.target.id"
	attrClientAddress          = "client.address"
	attrClientPort             = "client.port"
	attrHostName               = "host.name"
	attrServiceName            = "service.name"
	attrProcessExecutableName  = "process.executable.name"
	attrProcessPID             = "process.pid"
	attrSessionID              = "session.id"
	attrHTTPRequestMethod      = "http.request.method"
	attrURLPath                = "url.path"
	attrHTTPResponseStatusCode = "http.response.status_code"
	attrUserAgentOriginal      = "user_agent.original"
	attrLogRecordOriginal      = "log.record.original"
	attrErrorType              = "error.type"
	attrErrorMessage           = "error.message"

	attrPassmanCategory = "passman.category"

	attrCAPAMStatus              = "capam.status"
	attrCAPAMStageCode           = "capam.stage_code"
	attrCAPAMStage               = "capam.stage"
	attrCAPAMReasonCode          = "capam.reason_code"
	attrCAPAMReason              = "capam.reason"
	attrCAPAMTerminal            = "capam.terminal"
	attrCAPAMProgram             = "capam.program"
	attrCAPAMAuditFlags          = "capam.audit_flags"
	attrCAPAMService             = "capam.service"
	attrCAPAMPasswordQualityCode = "capam.password_quality_code"
	attrCAPAMPasswordQuality     = "capam.password_quality"
	attrCAPAMFields              = "capam.fields"

	attrNetwrixLenient = "netwrix.lenient"
)

// Outcome values.
const (
	outcomeSuccess = "success"
	outcomeFailure = "failure"
	outcomeUnknown = "unknown"
)

// unmapIPv4 turns an IPv4-mapped IPv6 address (::ffff:10.0.0.1) into the IPv4
// address.
func unmapIPv4(s string) string {
	if len(s) > 7 && strings.EqualFold(s[:7], "::ffff:") && strings.IndexByte(s[7:], '.') > 0 {
		return s[7:]
	}
	return s
}

// atoi reads a non-negative decimal integer that is the whole of s.
func atoi(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}
