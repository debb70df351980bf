package core

import (
	"strings"

	"github.com/pamaudit/pamaudit/record"
)

// Attribute names: the shared ones are record's; the product ones are each
// product's own.
const (
	attrEventAction            = record.AttrEventAction
	attrEventOutcome           = record.AttrEventOutcome
	attrUserName               = record.AttrUserName
	attrUserDomain             = record.AttrUserDomain
	attrUserID                 = record.AttrUserID
	attrUserFullName           = record.AttrUserFullName
	attrUserRoles              = record.AttrUserRoles
	attrUserTargetName         = record.AttrUserTargetName
	attrUserTargetFullName     = record.AttrUserTargetFullName
	attrUserTargetID           = record.AttrUserTargetID
	attrClientAddress          = record.AttrClientAddress
	attrClientPort             = record.AttrClientPort
	attrHostName               = record.AttrHostName
	attrServiceName            = record.AttrServiceName
	attrProcessExecutableName  = record.AttrProcessExecutableName
	attrProcessPID             = record.AttrProcessPID
	attrSessionID              = record.AttrSessionID
	attrHTTPRequestMethod      = record.AttrHTTPRequestMethod
	attrURLPath                = record.AttrURLPath
	attrHTTPResponseStatusCode = record.AttrHTTPResponseStatusCode
	attrUserAgentOriginal      = record.AttrUserAgentOriginal
	attrLogRecordOriginal      = record.AttrLogRecordOriginal
	attrErrorType              = record.AttrErrorType
	attrErrorMessage           = record.AttrErrorMessage

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
	outcomeSuccess = record.OutcomeSuccess
	outcomeFailure = record.OutcomeFailure
	outcomeUnknown = record.OutcomeUnknown
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
