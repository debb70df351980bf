package capam

import (
	"slices"
	"strings"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/record"
)

// CA Privileged Access Manager Server Control mapping tables, from Broadcom's
// reference "Audit Log Records > Audit Event Types" (one page per record
// type). seaudit -t lists the full code tables on a live system; these are
// the codes the documents show. An unknown code keeps its number and gets no
// text.

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

// capamCodes: the code columns, the attribute of their text and the table
// that gives it, in the order their texts are added. The untrust reason has
// no table here: its text comes only from detailed output.
var capamCodes = [...]struct {
	code, text, name string
	table            map[int64]string
}{
	{attrCAPAMStageCode, attrCAPAMStage, "Stage codes", capamStages},
	{attrCAPAMReasonCode, attrCAPAMReason, "Reason codes", capamReasons},
	{attrCAPAMPasswordQualityCode, attrCAPAMPasswordQuality, "Password quality codes", capamPasswordQualities},
	{attrCAPAMUntrustReasonCode, attrCAPAMUntrustReason, "Untrust reason codes", nil},
}

// codeUntrust is the untrust reason's index in capamCodes.
const codeUntrust = 3

// capamStatuses: every status letter the record-type pages document, its
// word there (and in detailed output), and the outcome its meaning gives.
// Permitted in any form is success; refused, failed, a wrong password, a
// disabled login and an untrusted program are failures. M marks daemon
// messages (START, SHUTDOWN) and says nothing of a verdict.
var capamStatuses = [...]struct {
	letter  byte
	word    string
	outcome string
	meaning string
}{
	{'P', "Permitted", record.OutcomeSuccess, "permitted"},
	{'W', "Warning", record.OutcomeSuccess, "permitted in warning mode although a rule was violated"},
	{'N', "Notify", record.OutcomeSuccess, "permitted, with a notification that the resource was accessed"},
	{'S', "Success", record.OutcomeSuccess, "the administration command succeeded"},
	{'E', "Login enabled", record.OutcomeSuccess, "serevu enabled the user's login"},
	{'O', "Logout", record.OutcomeSuccess, "the user's session ended"},
	{'D', "Denied", record.OutcomeFailure, "denied for insufficient authorization"},
	{'F', "Failed", record.OutcomeFailure, "failed (a password change, a command, or an operation the system refused)"},
	{'A', "Password attempt", record.OutcomeFailure, "a login with a wrong password"},
	{'I', "Login disabled", record.OutcomeFailure, "serevu disabled the user's login"},
	{'U', "Untrust", record.OutcomeFailure, "the Watchdog untrusted a program or secured file"},
	{'M', "", record.OutcomeUnknown, "a daemon or service message"},
}

// colKind says how a column is read.
type colKind uint8

const (
	colText       colKind = iota // one column, taken whole when quoted or in parentheses
	colCode                      // an integer code; anything else means the layout does not fit
	colUser                      // the acting user: user.name
	colSession                   // optional: a hex:hex column is the session id (seaudit -sessionid)
	colFlags                     // audit flags: before the last column, only a value in parentheses
	colEventClass                // no column: the Event column holds the class
	colObject                    // the object administered: user.target.name for user and group classes
	colMessageID                 // an integer: the message id when the untrust reason is 1, else errno
	colClient                    // the connecting host: client.address
)

type column struct {
	key  string
	kind colKind
}

// capamLayout is one record type: the Event column values or resource
// classes it has, its status letters, and its columns after the Event
// column. The last column takes the rest of the summary.
type capamLayout struct {
	name     string   // the record type, as Broadcom's reference names it
	events   []string // the Event column holds one of these; nil: a resource class
	classes  []string // for class rows, the classes; nil: any class
	statuses string   // the status letters documented for the type
	columns  []column // in the documented order (Windows where the platforms differ)
	// unix is the UNIX order where it differs. The two orders share their
	// columns up to and including unixAfter; the column after it decides.
	unix      []column
	unixAfter string
	unixIf    func(col string) bool
	unixRule  string // unixIf in words, for the docs
}

var (
	cUser    = column{record.AttrUserName, colUser}
	cSession = column{record.AttrSessionID, colSession}
	cStage   = column{attrCAPAMStageCode, colCode}
	cReason  = column{attrCAPAMReasonCode, colCode}
	cTerm    = column{attrCAPAMTerminal, colText}
	cProgram = column{attrCAPAMProgram, colText}
	cFlags   = column{attrCAPAMAuditFlags, colFlags}
	cClassEv = column{attrCAPAMClass, colEventClass}
	cClass   = column{attrCAPAMClass, colText}
	cEffUser = column{attrCAPAMEffectiveUserName, colText}
	cRes     = column{attrCAPAMResource, colText}
	cService = column{attrCAPAMService, colText}
)

// loginColumns: Login, Password attempt and Login account enabled/disabled
// records share them.
var loginColumns = []column{cUser, cSession, cStage, cReason, cTerm, cProgram, cFlags}

// capamLayouts: every documented record type, tried in order (see Parse:
// a row whose statuses list the letter first, then any row of the event).
// Class rows (events nil) apply to an Event column that no row names.
var capamLayouts = [...]capamLayout{
	{name: "Login", events: []string{"LOGIN"}, statuses: "PDW", columns: loginColumns},
	{name: "Password attempt", events: []string{"LOGIN"}, statuses: "A", columns: loginColumns},
	{name: "Login account enabled", events: []string{"LOGIN"}, statuses: "E", columns: loginColumns},
	{name: "Login account disabled", events: []string{"LOGIN"}, statuses: "I", columns: loginColumns},
	{name: "Logout", events: []string{"LOGOUT"}, statuses: "O",
		columns: []column{cUser, cSession, cStage, cReason, cTerm, cFlags}},
	{name: "Password verification", events: []string{"PASSWORD"}, statuses: "F",
		columns: []column{cUser, cSession, {attrCAPAMPasswordQualityCode, colCode}, cReason, cFlags}},
	{name: "Security database administration", events: []string{"ADMIN"}, statuses: "SDF",
		columns: []column{cClass, cUser, cSession, cStage, cReason, {attrCAPAMObject, colObject}, cTerm,
			{attrCAPAMCommand, colText}, cFlags}},
	{name: "Trace message on a user", events: []string{"TRACE"}, statuses: "PDW",
		columns: []column{cUser, cSession, {attrCAPAMRealUID, colText}, {attrCAPAMRealUserName, colText}, cClass, cRes,
			cStage, cFlags, {attrCAPAMTrace, colText}},
		unix: []column{cUser, cSession, cEffUser, {attrCAPAMRealUserName, colText}, cClass, cRes,
			cStage, cFlags, {attrCAPAMTrace, colText}},
		unixAfter: record.AttrSessionID, unixIf: notUserID,
		unixRule: "the column after the user (and session id) is not a user id (digits, or a SID `S-1-…`)"},
	{name: "Startup", events: []string{"START"}, statuses: "M",
		columns: []column{cService, {attrCAPAMFields, colText}}},
	{name: "Shutdown", events: []string{"SHUTDOWN"}, statuses: "MD",
		columns: []column{cUser, cSession, cStage, cService, cFlags}},
	{name: "Inbound network connection", classes: []string{"TCP", "HOST"}, statuses: "PDW",
		columns: []column{cClassEv, cService, cStage, cReason, {record.AttrClientAddress, colClient}, cProgram}},
	{name: "Outbound network connection", classes: []string{"TCP", "HOST"}, statuses: "PDW",
		columns: []column{cClassEv, cService, cUser, cSession, cStage, cReason, {attrCAPAMHost, colText}, cProgram,
			cTerm, cFlags}},
	{name: "Untrust message", classes: []string{"PROGRAM", "SECFILE"}, statuses: "U",
		columns: []column{cClassEv, {attrCAPAMModule, colText}, {attrCAPAMUntrustReasonCode, colCode},
			{attrCAPAMMessageID, colMessageID}, {attrCAPAMFile, colText}}},
	{name: "Resource access", statuses: "PDWNF",
		columns: []column{cUser, cSession, cClassEv, {attrCAPAMAccess, colText}, cStage, cReason, cRes, cProgram, cTerm,
			cEffUser, cFlags},
		unix: []column{cUser, cSession, cClassEv, {attrCAPAMAccess, colText}, cStage, cReason, cRes, cProgram, cTerm,
			cFlags, cEffUser},
		unixAfter: attrCAPAMTerminal, unixIf: isParenthesised,
		unixRule: "the column after Terminal is in parentheses (the audit flags, `(OS user)`)"},
}

// capamOther reads a record that no row fits: the user, the session id and
// the rest of the summary in capam.fields.
var capamOther = capamLayout{name: "any other record", columns: []column{cUser, cSession, {attrCAPAMFields, colText}}}

// capamTargetClasses: the classes whose administered object is a user or a
// group (XUSER and XGROUP are the enterprise ones), so the object is the
// user acted upon.
var capamTargetClasses = [...]string{"USER", "GROUP", "XUSER", "XGROUP"}

// capamLabels are the labels of detailed output, longest first so that a
// label that is the tail of another ("Event" in "Event type") is not found
// inside it. key is where the value goes; Details goes to the text of the
// record type's first code.
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

// labelsEndingIn is, by last byte, the set of capamLabels (bit k for
// capamLabels[k], in table order) that end in it.
var labelsEndingIn = func() (t [256]uint32) {
	for k, l := range capamLabels {
		t[l.label[len(l.label)-1]] |= 1 << k
	}
	return t
}()

// The sets are 32 bits: a longer label table does not compile.
const _ = uint(32 - len(capamLabels))

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
	attrCAPAMClass               = "capam.class"
	attrCAPAMAccess              = "capam.access"
	attrCAPAMResource            = "capam.resource"
	attrCAPAMEffectiveUserName   = "capam.effective_user_name"
	attrCAPAMObject              = "capam.object"
	attrCAPAMCommand             = "capam.command"
	attrCAPAMRealUID             = "capam.real_uid"
	attrCAPAMRealUserName        = "capam.real_user_name"
	attrCAPAMTrace               = "capam.trace"
	attrCAPAMHost                = "capam.host"
	attrCAPAMModule              = "capam.module"
	attrCAPAMUntrustReasonCode   = "capam.untrust_reason_code"
	attrCAPAMUntrustReason       = "capam.untrust_reason"
	attrCAPAMMessageID           = "capam.message_id"
	attrCAPAMErrno               = "capam.errno"
	attrCAPAMFile                = "capam.file"
)

// The product as the output schemas name it (OCSF metadata.product, ECS
// observer).
const (
	ProductName = "CA Privileged Access Manager Server Control"
	VendorName  = "Broadcom"
)

// Events lists the event names of the documented record types: each Event
// column value, then each class a class row names, in the layouts' order.
// A resource access record of any other class gives capam.<class>.
func Events() []string {
	var ev []string
	for _, l := range capamLayouts {
		for _, names := range [][]string{l.events, l.classes} {
			for _, n := range names {
				if e := "capam." + strings.ToLower(n); !slices.Contains(ev, e) {
					ev = append(ev, e)
				}
			}
		}
	}
	return ev
}

// RelevantLabels lists the detail labels the tamper rule holds
// security-relevant (docs/schema.md): those that give an identity.
func RelevantLabels() []string {
	var ls []string
	for _, l := range capamLabels {
		if builder.Relevant(l.key) {
			ls = append(ls, l.label)
		}
	}
	return ls
}
