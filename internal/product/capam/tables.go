package capam

import "github.com/pamaudit/pamaudit/record"

// CA Privileged Access Manager Server Control mapping tables, from the
// vendor's documented seaudit examples (Login, Shutdown, Password
// verification). seaudit -t lists the full code tables on a live system;
// these are the codes the documents show. An unknown code keeps its number
// and gets no text.

// capamStages: authorization stage codes (the Details column).
var capamStages = map[int64]string{
	59:  "Resource UACC check",
	452: "User is ADMIN or SPECIAL",
	460: "User is not allowed to shutdown",
}

// capamReasons: reason codes (the Reason column).
var capamReasons = map[int64]string{
	2:  "User audit mode requires logging",
	10: "An explicit request to log the operation was received",
}

// capamPasswordQualities: password quality codes (the Details column of
// PASSWORD records).
var capamPasswordQualities = map[int64]string{
	1: "Password too short",
}

// capamStatuses: the status letter, its word in detailed output, and the
// outcome. M (daemon and engine messages such as START and SHUTDOWN), O
// (logout) and N (notify) say that something happened, not whether a rule
// allowed it, so their outcome is unknown.
var capamStatuses = [...]struct {
	letter  byte
	word    string
	outcome string
}{
	{'P', "Permitted", record.OutcomeSuccess},
	{'W', "Warning", record.OutcomeSuccess},
	{'D', "Denied", record.OutcomeFailure},
	{'F', "Failed", record.OutcomeFailure},
	{'M', "", record.OutcomeUnknown},
	{'O', "", record.OutcomeUnknown},
	{'N', "", record.OutcomeUnknown},
}

// capamLayout names the columns that follow the user in a summary record, per
// event; an optional session id may stand right after the user. The last
// column takes the rest of the line.
type capamLayout struct {
	event   string
	columns []string // attribute keys, in order
	service bool     // the first column is the service and there is no user (START)
}

// capamColumn keys that are codes: they become integers, and their text comes
// from a code table.
const (
	colStage   = attrCAPAMStageCode
	colReason  = attrCAPAMReasonCode
	colQuality = attrCAPAMPasswordQualityCode
)

var capamLayouts = [...]capamLayout{
	{event: "LOGIN", columns: []string{colStage, colReason, attrCAPAMTerminal, attrCAPAMProgram, attrCAPAMAuditFlags}},
	{event: "SHUTDOWN", columns: []string{colStage, attrCAPAMService, attrCAPAMAuditFlags}},
	{event: "PASSWORD", columns: []string{colQuality, colReason, attrCAPAMAuditFlags}},
	{event: "START", columns: []string{attrCAPAMService, attrCAPAMFields}, service: true},
}

// capamResourceColumns: a resource access record (any other event, whose
// Event column is the resource class) that has this shape:
// class user [session] access details reason resource program terminal
// effective-user [audit flags].
var capamResourceColumns = []string{
	"capam.access", colStage, colReason, "capam.resource", attrCAPAMProgram,
	attrCAPAMTerminal, "capam.effective_user", attrCAPAMAuditFlags,
}

// capamLabels are the labels of detailed output, longest first so that a
// label that is the tail of another ("Event" in "Event type") is not found
// inside it. key is where the value goes.
var capamLabels = [...]struct{ label, key string }{
	{"User Logon Session ID", record.AttrSessionID},
	{"Engine service", attrCAPAMService},
	{"Event type", "capam.event_type"},
	{"Audit flags", attrCAPAMAuditFlags},
	{"AuditFlags", attrCAPAMAuditFlags},
	{"User name", record.AttrUserName},
	{"SessionID", record.AttrSessionID},
	{"UserName", record.AttrUserName},
	{"Terminal", attrCAPAMTerminal},
	{"Program", attrCAPAMProgram},
	{"Details", attrCAPAMStage},
	{"Daemon", attrCAPAMService},
	{"Status", "capam.status_text"},
	{"Event", "capam.event_type"},
	{"Date", "capam.date"},
	{"Time", "capam.time"},
}

const (
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
)
