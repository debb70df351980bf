package capam_test

import (
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/record"
)

func TestCAPAM(t *testing.T) {
	for _, tc := range []parseCase{
		{"login summary without session id", "28 Oct 2008 12:15:01 P LOGIN root 59 2 _CRONJOB_ SBIN_CRON", "capam.login",
			map[string]any{"user.name": "root", "capam.stage_code": int64(59), "capam.reason_code": int64(2),
				"capam.terminal": "_CRONJOB_", "capam.program": "SBIN_CRON", "event.outcome": "success",
				"capam.stage": "Resource UACC check", "capam.reason": "User audit mode requires logging"}, nil},
		{"login summary with session id and OS user", "28 Oct 2008 12:16:40 D LOGIN jsmith 49047159:0000034c 69 1 pts/3 /usr/bin/ssh (OS user)", "capam.login",
			map[string]any{"session.id": "49047159:0000034c", "capam.stage_code": int64(69), "capam.terminal": "pts/3",
				"capam.program": "/usr/bin/ssh", "capam.audit_flags": "(OS user)", "event.outcome": "failure", "capam.status": "D"}, nil},
		{"shutdown on UNIX, detailed, placeholder year",
			"24 Sep YYYY 15:40:46 M SHUTDOWN root 452 seosdEvent type: Daemon shutdownUser name: rootDaemon: seosdDate: 24 Sep YYYYTime: 15:40:46Details: User is ADMIN or SPECIALUser Logon Session ID: 48da26ce:00000142Audit flags: CA PAMSC database user",
			"capam.shutdown",
			map[string]any{"capam.stage_code": int64(452), "capam.service": "seosd", "capam.stage": "User is ADMIN or SPECIAL",
				"session.id": "48da26ce:00000142", "capam.audit_flags": "CA PAMSC database user", "event.outcome": "unknown",
				"capam.event_type": "Daemon shutdown", "error.type": "bad_timestamp"}, core.ErrBadTimestamp},
		{"shutdown on Windows: a detail date that disagrees is kept apart",
			"23 Dec 2009 12:56:20 D SHUTDOWN tst002 460 seosdEvent type: Engine service shutdownUser name: tst002Engine service: seosdDate: 10 Feb 2009Time: 12:56Details: User is not allowed to shutdown CA PAMSCUser Logon Session ID: 00000000:04c240d5Audit flags: AC database user",
			"capam.shutdown",
			map[string]any{"capam.detail.date": "10 Feb 2009", "capam.service": "seosd", "user.name": "tst002",
				"capam.stage": "User is not allowed to shutdown CA PAMSC", "event.outcome": "failure"}, nil},
		{"password verification", "02 Dec 2008 10:23:47 F PASSWORD test1 1 10", "capam.password",
			map[string]any{"capam.password_quality_code": int64(1), "capam.password_quality": "Password too short",
				"capam.reason_code": int64(10), "event.outcome": "failure"}, nil},
		{"start", "02 Nov 2008 15:41:06 M START seoswd", "capam.start",
			map[string]any{"capam.service": "seoswd", "event.action": "START"}, nil},
		{"resource access", "02 Nov 2008 16:05:00 D FILE mallory 49047159:0000034d READ 69 1 /etc/shadow /bin/cat pts/4 root", "capam.file",
			map[string]any{"capam.class": "FILE", "capam.access": "READ", "capam.resource": "/etc/shadow",
				"capam.program": "/bin/cat", "capam.terminal": "pts/4", "capam.effective_user": "root"}, nil},
		{"unknown event keeps the rest", "02 Nov 2008 16:06:00 N SURROGATE jsmith some text", "capam.surrogate",
			map[string]any{"user.name": "jsmith", "capam.fields": "some text"}, nil},
		{"a shifted column is not read as a code", "28 Oct 2008 12:15:01 P LOGIN root _CRONJOB_ 59 2 SBIN_CRON", "capam.login",
			map[string]any{"capam.fields": "_CRONJOB_ 59 2 SBIN_CRON"}, nil},
		{"label disagreeing with the summary", "28 Oct 2008 12:20:00 P LOGIN root 59 2 console /bin/login\n    Status: Denied\n    UserName: admin", "capam.login",
			map[string]any{"user.name": "root", "capam.detail.status": "Denied", "capam.detail.user_name": "admin"}, nil},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			r := tc.run(t)
			got := parsetest.AttrsOf(r)
			if strings.Contains(tc.Name, "shifted") {
				if _, ok := got["capam.stage_code"]; ok {
					t.Errorf("a terminal name was read as the stage code: %v", got)
				}
			}
		})
	}
}

// parseCase is a table row: a real line and what it must give.
type parseCase parsetest.Case

func (tc parseCase) run(t *testing.T) *record.Record { t.Helper(); return parsetest.Case(tc).Run(t) }
