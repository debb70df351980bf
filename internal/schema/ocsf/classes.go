package ocsf

// OCSF 1.3.0 facts the mapping uses: the classes events are put in, their
// activities, where each class has room for the record's fields, and the
// enumerations of the base event. (The tests check them against the facts
// generated from the schema itself, facts_gen_test.go.)

// Version is the OCSF schema version of the events (metadata.version).
const Version = "1.3.0"

type category struct {
	uid  int
	name string
}

var (
	catUncategorized = category{0, "Uncategorized"}
	catIAM           = category{3, "Identity & Access Management"}
	catNetwork       = category{4, "Network Activity"}
	catApplication   = category{6, "Application Activity"}
)

// has is a set of the top-level attributes a class adds to the base event,
// of those the mapping fills.
type has uint16

const (
	hUser         has = 1 << iota // user
	hActor                        // actor: actor.user, actor.session
	hSrc                          // src_endpoint
	hDst                          // dst_endpoint
	hSession                      // session
	hHTTPRequest                  // http_request
	hHTTPResponse                 // http_response
	hEntity                       // entity
	hPrivileges                   // privileges
	hResource                     // resource
	hApp                          // app
	hAuthProtocol                 // auth_protocol, auth_protocol_id
	hService                      // service
	hDevice                       // device: the host the event happened on, in a class without dst_endpoint
)

// hasNames names each has bit, for the docs.
var hasNames = [...]string{"user", "actor", "src_endpoint", "dst_endpoint", "session", "http_request", "http_response", "entity", "privileges", "resource", "app", "auth_protocol", "service", "device"}

// hostProfile is the profile that gives a class device, and actor where
// the class has none of its own: an event that uses them names it in
// metadata.profiles.
const hostProfile = "host"

// userRole says where a class puts the record's users: the acting user
// (user.*) and the user acted upon (user.target.* and the row's own fields).
type userRole uint8

const (
	roleNone    userRole = iota // both go to unmapped
	roleSubject                 // the acting user is user (who logs on); the user acted upon goes to unmapped
	roleTarget                  // the user acted upon is user and the acting user actor.user; without a user acted upon the acting user is user
	roleActor                   // the acting user is actor.user; the user acted upon goes to unmapped
)

var roleDocs = [...]string{
	roleNone:    "users go to `unmapped`",
	roleSubject: "`user` is the acting user (`user.*`); `user.target.*` go to `unmapped`",
	roleTarget:  "`user` is the user acted upon (`user.target.*` and the row's fields), `actor.user` the acting user (through the host profile where the class has no `actor` of its own); without a user acted upon, `user` is the acting user in the rows that say so (their own account), and the event lacks its user in the others",
	roleActor:   "`actor.user` is the acting user (through the host profile where the class has no `actor` of its own); `user.target.*` go to `unmapped`",
}

type activity struct {
	id   int
	name string
}

// class is one OCSF event class.
type class struct {
	uid        int
	name       string
	cat        category
	activities []activity // besides 0 Unknown and 99 Other
	has        has        // where the class has room
	profile    has        // of has, what only the host profile gives
	required   has        // of has, what the class requires: a record without it is a Base Event
	oneOf      has        // of has, at least one of which the class requires (its constraint)
	role       userRole
}

var (
	baseEvent = &class{uid: 0, name: "Base Event", cat: catUncategorized}

	accountChange = &class{uid: 3001, name: "Account Change", cat: catIAM,
		activities: []activity{{1, "Create"}, {2, "Enable"}, {3, "Password Change"}, {4, "Password Reset"}, {5, "Disable"},
			{6, "Delete"}, {7, "Attach Policy"}, {8, "Detach Policy"}, {9, "Lock"}, {10, "MFA Factor Enable"}, {11, "MFA Factor Disable"}},
		has: hUser | hActor | hSrc | hHTTPRequest | hDevice, profile: hDevice, required: hUser, role: roleTarget}

	authentication = &class{uid: 3002, name: "Authentication", cat: catIAM,
		activities: []activity{{1, "Logon"}, {2, "Logoff"}, {3, "Authentication Ticket"}, {4, "Service Ticket Request"},
			{5, "Service Ticket Renew"}, {6, "Preauth"}},
		has:      hUser | hActor | hSrc | hDst | hSession | hHTTPRequest | hAuthProtocol | hService,
		required: hUser, oneOf: hService | hDst, role: roleSubject}

	entityManagement = &class{uid: 3004, name: "Entity Management", cat: catIAM,
		activities: []activity{{1, "Create"}, {2, "Read"}, {3, "Update"}, {4, "Delete"}, {5, "Move"}, {6, "Enroll"},
			{7, "Unenroll"}, {8, "Enable"}, {9, "Disable"}, {10, "Activate"}, {11, "Deactivate"}, {12, "Suspend"}, {13, "Resume"}},
		has: hEntity | hActor | hSrc | hHTTPRequest | hDevice, profile: hActor | hDevice, required: hEntity, role: roleActor}

	userAccess = &class{uid: 3005, name: "User Access Management", cat: catIAM,
		activities: []activity{{1, "Assign Privileges"}, {2, "Revoke Privileges"}},
		has:        hUser | hPrivileges | hResource | hSrc | hHTTPRequest | hActor | hDevice, profile: hActor | hDevice,
		required: hUser | hPrivileges, role: roleTarget}

	httpActivity = &class{uid: 4002, name: "HTTP Activity", cat: catNetwork,
		activities: []activity{{1, "Connect"}, {2, "Delete"}, {3, "Get"}, {4, "Head"}, {5, "Options"}, {6, "Post"}, {7, "Put"}, {8, "Trace"}},
		has:        hSrc | hDst | hHTTPRequest | hHTTPResponse | hActor, profile: hActor,
		required: hDst | hHTTPRequest | hHTTPResponse, role: roleActor}

	appLifecycle = &class{uid: 6002, name: "Application Lifecycle", cat: catApplication,
		activities: []activity{{1, "Install"}, {2, "Remove"}, {3, "Start"}, {4, "Stop"}, {5, "Restart"}, {6, "Enable"}, {7, "Disable"}, {8, "Update"}},
		has:        hApp | hActor | hDevice, profile: hActor | hDevice, required: hApp, role: roleActor}
)

// classes lists every class the tables use, for the docs and the tests.
var classes = [...]*class{baseEvent, accountChange, authentication, entityManagement, userAccess, httpActivity, appLifecycle}

// activityName is the caption of an activity of c.
func (c *class) activityName(id int) string {
	switch id {
	case 0:
		return "Unknown"
	case 99:
		return "Other"
	}
	for _, a := range c.activities {
		if a.id == id {
			return a.name
		}
	}
	return ""
}

// Severity: OpenTelemetry severity numbers onto severity_id, from the
// highest range down. TRACE to INFO are informational; WARN is what a
// failure gets without a level of its own.
var severities = [...]struct {
	min  int32
	id   int
	name string
}{
	{21, 6, "Fatal"},
	{17, 4, "High"},
	{13, 3, "Medium"},
	{1, 1, "Informational"},
	{0, 0, "Unknown"},
}

// statuses: event.outcome onto status_id.
var statuses = [...]struct {
	outcome string
	id      int
	name    string
}{
	{"success", 1, "Success"},
	{"failure", 2, "Failure"},
	{"unknown", 0, "Unknown"},
}

// authProtocols: a source's protocol name (any case) onto auth_protocol_id
// and its caption, which auth_protocol then is; any other name is 99
// Other, its name kept in auth_protocol.
var authProtocols = [...]struct {
	name    string
	id      int
	caption string
}{
	{"ntlm", 1, "NTLM"}, {"kerberos", 2, "Kerberos"}, {"digest", 3, "Digest"}, {"openid", 4, "OpenID"}, {"saml", 5, "SAML"},
	{"oauth", 6, "OAUTH 2.0"}, {"oauth2", 6, "OAUTH 2.0"}, {"pap", 7, "PAP"}, {"chap", 8, "CHAP"}, {"eap", 9, "EAP"}, {"radius", 10, "RADIUS"},
}

// httpMethods are the values http_request.http_method takes; a record's
// other methods stay in unmapped.
var httpMethods = [...]string{"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "TRACE"}

// maxString is the longest string (in characters) OCSF's string_t takes;
// a longer value stays in unmapped.
const maxString = 65535
