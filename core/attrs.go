package core

import (
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
