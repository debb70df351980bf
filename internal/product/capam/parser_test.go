package capam_test

import (
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/parsetest"
	"github.com/pamaudit/pamaudit/internal/product"
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
				"capam.event_type": "Daemon shutdown", "error.type": "bad_timestamp"}, record.ErrBadTimestamp},
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
				"capam.program": "/bin/cat", "capam.terminal": "pts/4", "capam.effective_user_name": "root"}, nil},
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

// TestCAPAMRecordTypes: one row per documented record type and status
// letter, in the layouts of Broadcom's record-type pages (the lines of
// testdata/capam/record-types.log).
func TestCAPAMRecordTypes(t *testing.T) {
	for _, tc := range []struct {
		parseCase
		severity string
		absent   []string // attributes the line must not give
	}{
		{parseCase{"login permitted with session id and OS user", "14 Mar 2024 08:00:01 P LOGIN alice 5f1a2b3c:000001a0 59 2 pts/1 /usr/sbin/sshd (OS user)", "capam.login",
			map[string]any{"user.name": "alice", "session.id": "5f1a2b3c:000001a0", "event.outcome": "success", "capam.stage_code": int64(59),
				"capam.reason_code": int64(2), "capam.terminal": "pts/1", "capam.program": "/usr/sbin/sshd", "capam.audit_flags": "(OS user)"}, nil}, "INFO", nil},
		{parseCase{"login denied", "14 Mar 2024 08:00:05 D LOGIN mallory 69 1 198.51.100.23 /usr/sbin/sshd", "capam.login",
			map[string]any{"user.name": "mallory", "event.outcome": "failure", "capam.terminal": "198.51.100.23"}, nil}, "WARN", []string{"capam.audit_flags"}},
		{parseCase{"login in warning mode from a quoted Windows program path", `14 Mar 2024 08:00:09 W LOGIN carol 59 2 ws07.example.com "C:\Program Files\Remote Desktop\mstsc.exe" (OS user)`, "capam.login",
			map[string]any{"event.outcome": "success", "capam.program": `C:\Program Files\Remote Desktop\mstsc.exe`, "capam.audit_flags": "(OS user)"}, nil}, "INFO", nil},
		{parseCase{"password attempt is a failure", "14 Mar 2024 08:01:00 A LOGIN mallory 69 1 198.51.100.23 /usr/sbin/sshd (OS user)", "capam.login",
			map[string]any{"user.name": "mallory", "event.outcome": "failure", "capam.status": "A", "capam.stage_code": int64(69),
				"capam.terminal": "198.51.100.23", "capam.program": "/usr/sbin/sshd", "capam.audit_flags": "(OS user)"}, nil}, "WARN", nil},
		{parseCase{"login account disabled by serevu", "14 Mar 2024 08:02:00 I LOGIN mallory 69 10 198.51.100.23 /usr/bin/serevu", "capam.login",
			map[string]any{"user.name": "mallory", "event.outcome": "failure", "capam.program": "/usr/bin/serevu"}, nil}, "WARN", nil},
		{parseCase{"login account enabled by serevu", "14 Mar 2024 08:30:00 E LOGIN mallory 59 10 console /usr/bin/serevu", "capam.login",
			map[string]any{"user.name": "mallory", "event.outcome": "success", "capam.terminal": "console"}, nil}, "INFO", nil},
		{parseCase{"logout with stage, reason, terminal and audit flags", "14 Mar 2024 09:45:12 O LOGOUT alice 5f1a2b3c:000001a0 59 2 pts/1 (OS user)", "capam.logout",
			map[string]any{"user.name": "alice", "session.id": "5f1a2b3c:000001a0", "event.outcome": "success", "capam.stage_code": int64(59),
				"capam.reason_code": int64(2), "capam.terminal": "pts/1", "capam.audit_flags": "(OS user)"}, nil}, "INFO", []string{"capam.fields"}},
		{parseCase{"password verification failed", "14 Mar 2024 08:05:00 F PASSWORD bob 1 10 (OS user)", "capam.password",
			map[string]any{"user.name": "bob", "event.outcome": "failure", "capam.password_quality_code": int64(1),
				"capam.password_quality": "Password too short", "capam.reason_code": int64(10), "capam.audit_flags": "(OS user)"}, nil}, "WARN", nil},
		{parseCase{"admin creates a user: the administrator acts, the new user is the target", "14 Mar 2024 10:00:00 S ADMIN USER secadmin 452 10 dave ws01.example.com newusr", "capam.admin",
			map[string]any{"user.name": "secadmin", "user.target.name": "dave", "event.outcome": "success", "capam.class": "USER",
				"capam.stage_code": int64(452), "capam.reason_code": int64(10), "capam.terminal": "ws01.example.com", "capam.command": "newusr"}, nil}, "INFO", []string{"capam.object"}},
		{parseCase{"admin denied on a group", "14 Mar 2024 10:00:30 D ADMIN GROUP helpdesk 69 1 auditors ws02.example.com join (OS user)", "capam.admin",
			map[string]any{"user.name": "helpdesk", "user.target.name": "auditors", "event.outcome": "failure", "capam.class": "GROUP",
				"capam.command": "join", "capam.audit_flags": "(OS user)"}, nil}, "WARN", nil},
		{parseCase{"admin command failed on a file: the object stays capam.object", `14 Mar 2024 10:01:00 F ADMIN FILE secadmin 452 10 "C:\Shared Data\payroll" ws01.example.com editres`, "capam.admin",
			map[string]any{"user.name": "secadmin", "capam.object": `C:\Shared Data\payroll`, "capam.class": "FILE", "event.outcome": "failure",
				"capam.terminal": "ws01.example.com", "capam.command": "editres"}, nil}, "WARN", []string{"user.target.name"}},
		{parseCase{"admin on an enterprise user with session id", "14 Mar 2024 10:02:00 S ADMIN XUSER secadmin 5f1a2b3c:000001b0 452 10 erin@example.com ws01.example.com chxusr (OS user)", "capam.admin",
			map[string]any{"user.name": "secadmin", "session.id": "5f1a2b3c:000001b0", "user.target.name": "erin@example.com"}, nil}, "INFO", nil},
		{parseCase{"trace on Windows: a SID is the real user id", `14 Mar 2024 11:00:00 P TRACE EXAMPLE\alice 5f1a2b3c:000001a4 S-1-5-21-3623811015-3361044348-30300820-1013 alice FILE "C:\Data\Q1 report.xlsx" 59 (OS user) opened for read by excel.exe`, "capam.trace",
			map[string]any{"user.name": `EXAMPLE\alice`, "capam.real_uid": "S-1-5-21-3623811015-3361044348-30300820-1013", "capam.real_user_name": "alice",
				"capam.class": "FILE", "capam.resource": `C:\Data\Q1 report.xlsx`, "capam.stage_code": int64(59), "capam.audit_flags": "(OS user)",
				"capam.trace": "opened for read by excel.exe", "event.outcome": "success"}, nil}, "INFO", []string{"capam.effective_user_name"}},
		{parseCase{"trace on UNIX: a name is the effective user, and no audit flags", "14 Mar 2024 11:00:10 D TRACE bob 5f1a2b3c:000001a5 root bob FILE /etc/sudoers 69 write refused by the file rule", "capam.trace",
			map[string]any{"user.name": "bob", "capam.effective_user_name": "root", "capam.real_user_name": "bob", "capam.resource": "/etc/sudoers",
				"capam.trace": "write refused by the file rule", "event.outcome": "failure"}, nil}, "WARN", []string{"capam.real_uid", "capam.audit_flags"}},
		{parseCase{"start", "14 Mar 2024 06:59:58 M START seosd", "capam.start",
			map[string]any{"capam.service": "seosd", "event.outcome": "unknown"}, nil}, "INFO", []string{"user.name"}},
		{parseCase{"shutdown by an administrator", "14 Mar 2024 23:59:00 M SHUTDOWN secadmin 5f1a2b3c:000001b0 452 seosd (OS user)", "capam.shutdown",
			map[string]any{"user.name": "secadmin", "capam.stage_code": int64(452), "capam.service": "seosd", "capam.audit_flags": "(OS user)"}, nil}, "INFO", nil},
		{parseCase{"shutdown denied", "14 Mar 2024 23:59:30 D SHUTDOWN bob 460 seosd", "capam.shutdown",
			map[string]any{"user.name": "bob", "event.outcome": "failure", "capam.stage": "User is not allowed to shutdown"}, nil}, "WARN", nil},
		{parseCase{"inbound TCP: the connecting host is the client", "14 Mar 2024 12:00:00 P TCP ssh 59 2 ws03.example.com /usr/sbin/sshd", "capam.tcp",
			map[string]any{"capam.class": "TCP", "capam.service": "ssh", "client.address": "ws03.example.com", "capam.program": "/usr/sbin/sshd", "event.outcome": "success"}, nil}, "INFO", []string{"user.name", "capam.host"}},
		{parseCase{"inbound HOST denied from an IPv4-mapped address", "14 Mar 2024 12:00:05 D HOST telnet 69 1 ::ffff:203.0.113.50 /usr/sbin/in.telnetd", "capam.host",
			map[string]any{"capam.class": "HOST", "client.address": "203.0.113.50", "event.outcome": "failure"}, nil}, "WARN", nil},
		{parseCase{"inbound on a port number in warning mode", "14 Mar 2024 12:00:10 W TCP 8443 59 2 192.0.2.44 /opt/app/bin/server", "capam.tcp",
			map[string]any{"capam.service": "8443", "capam.stage_code": int64(59), "client.address": "192.0.2.44"}, nil}, "INFO", nil},
		{parseCase{"outbound TCP: the user comes between service and codes", "14 Mar 2024 12:10:00 P TCP https alice 5f1a2b3c:000001a0 59 2 api.example.com /usr/bin/curl pts/1", "capam.tcp",
			map[string]any{"capam.service": "https", "user.name": "alice", "session.id": "5f1a2b3c:000001a0", "capam.host": "api.example.com",
				"capam.program": "/usr/bin/curl", "capam.terminal": "pts/1"}, nil}, "INFO", []string{"client.address"}},
		{parseCase{"outbound HOST denied", "14 Mar 2024 12:10:05 D HOST ftp bob 69 1 files.example.net /usr/bin/ftp pts/2 (OS user)", "capam.host",
			map[string]any{"user.name": "bob", "capam.host": "files.example.net", "capam.audit_flags": "(OS user)", "event.outcome": "failure"}, nil}, "WARN", nil},
		{parseCase{"outbound on a port number from a quoted program", `14 Mar 2024 12:10:10 W TCP 5432 carol 59 2 db.example.com "C:\Program Files\PostgreSQL\bin\psql.exe" ws07.example.com`, "capam.tcp",
			map[string]any{"capam.service": "5432", "user.name": "carol", "capam.program": `C:\Program Files\PostgreSQL\bin\psql.exe`, "capam.terminal": "ws07.example.com"}, nil}, "INFO", nil},
		{parseCase{"untrust with reason 1 gives a message id", "14 Mar 2024 13:00:00 U PROGRAM seoswd 1 4 /usr/local/bin/backup.sh", "capam.program",
			map[string]any{"capam.class": "PROGRAM", "capam.module": "seoswd", "capam.untrust_reason_code": int64(1), "capam.message_id": int64(4),
				"capam.file": "/usr/local/bin/backup.sh", "event.outcome": "failure"}, nil}, "WARN", []string{"capam.errno", "user.name", "capam.access"}},
		{parseCase{"untrust with another reason gives errno", "14 Mar 2024 13:00:05 U SECFILE seoswd 3 2 /etc/shadow", "capam.secfile",
			map[string]any{"capam.untrust_reason_code": int64(3), "capam.errno": int64(2), "capam.file": "/etc/shadow"}, nil}, "WARN", []string{"capam.message_id"}},
		{parseCase{"resource access on Windows: effective user, then audit flags", `14 Mar 2024 14:00:00 P FILE carol 5f1a2b3c:000001a3 READ 59 2 "C:\Finance\Q1 report.xlsx" "C:\Program Files\Office\excel.exe" ws07.example.com carol (OS user)`, "capam.file",
			map[string]any{"user.name": "carol", "capam.class": "FILE", "capam.access": "READ", "capam.resource": `C:\Finance\Q1 report.xlsx`,
				"capam.program": `C:\Program Files\Office\excel.exe`, "capam.terminal": "ws07.example.com", "capam.effective_user_name": "carol",
				"capam.audit_flags": "(OS user)"}, nil}, "INFO", nil},
		{parseCase{"resource access on UNIX: audit flags, then effective user", "14 Mar 2024 14:00:05 D FILE bob 5f1a2b3c:000001a2 WRITE 69 1 /etc/hosts /usr/bin/vi pts/2 (OS user) root", "capam.file",
			map[string]any{"user.name": "bob", "capam.audit_flags": "(OS user)", "capam.effective_user_name": "root", "capam.terminal": "pts/2", "event.outcome": "failure"}, nil}, "WARN", nil},
		{parseCase{"resource access in warning mode without audit flags", "14 Mar 2024 14:00:10 W PROGRAM bob EXEC 59 2 /usr/bin/su /bin/bash pts/2 root", "capam.program",
			map[string]any{"capam.class": "PROGRAM", "capam.access": "EXEC", "capam.effective_user_name": "root", "event.outcome": "success"}, nil}, "INFO", []string{"capam.audit_flags", "capam.module"}},
		{parseCase{"resource access notify is permitted", "14 Mar 2024 14:00:15 N TERMINAL alice READ 59 2 ws03.example.com /usr/sbin/sshd ws03.example.com alice", "capam.terminal",
			map[string]any{"capam.class": "TERMINAL", "capam.resource": "ws03.example.com", "event.outcome": "success", "capam.status": "N"}, nil}, "INFO", nil},
		{parseCase{"resource access failed by the system", "14 Mar 2024 14:00:20 F FILE carol WRITE 59 2 /mnt/archive/ledger.csv /usr/bin/cp pts/5 carol", "capam.file",
			map[string]any{"capam.resource": "/mnt/archive/ledger.csv", "event.outcome": "failure"}, nil}, "WARN", nil},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			r := tc.run(t)
			if r.SeverityText != tc.severity {
				t.Errorf("severity %s, want %s", r.SeverityText, tc.severity)
			}
			got := parsetest.AttrsOf(r)
			for _, k := range tc.absent {
				if v, ok := got[k]; ok {
					t.Errorf("%s = %#v, want none", k, v)
				}
			}
		})
	}
}

// TestCAPAMColumns: the column reader takes quoted and parenthesised values
// whole, and falls back to blanks when they do not close.
func TestCAPAMColumns(t *testing.T) {
	for _, tc := range []parseCase{
		{"an unclosed quote ends at the next blank", `14 Mar 2024 08:00:09 P LOGIN carol 59 2 console "C:\x y`, "capam.login",
			map[string]any{"capam.program": `"C:\x`, "capam.audit_flags": "y"}, nil},
		{"nested parentheses stay one column", "14 Mar 2024 14:00:05 D FILE bob WRITE 69 1 /etc/hosts /usr/bin/vi pts/2 (OS user (ldap)) root", "capam.file",
			map[string]any{"capam.audit_flags": "(OS user (ldap))", "capam.effective_user_name": "root"}, nil},
		{"a quote inside a word does not open a value", `14 Mar 2024 14:00:10 P FILE bob READ 59 2 /tmp/it"s /bin/cat pts/2 bob`, "capam.file",
			map[string]any{"capam.resource": `/tmp/it"s`, "capam.program": "/bin/cat", "capam.effective_user_name": "bob"}, nil},
		{"a class record that fits no layout keeps its rest", "14 Mar 2024 14:00:10 P SUDO bob some free text", "capam.sudo",
			map[string]any{"user.name": "bob", "capam.fields": "some free text"}, nil},
		{"an undocumented letter gives no outcome but keeps the layout", "14 Mar 2024 08:00:01 X LOGIN alice 59 2 pts/1 /usr/sbin/sshd", "capam.login",
			map[string]any{"capam.status": "X", "capam.terminal": "pts/1"}, nil},
		{"a detailed untrust record's Details is the untrust reason", "14 Mar 2024 13:00:00 U PROGRAM seoswd 1 4 /usr/local/bin/backup.sh\n    Details: File was modified", "capam.program",
			map[string]any{"capam.untrust_reason": "File was modified"}, nil},
	} {
		t.Run(tc.Name, func(t *testing.T) {
			r := tc.run(t)
			if strings.HasPrefix(tc.Name, "an undocumented") {
				if _, ok := parsetest.AttrsOf(r)["event.outcome"]; ok {
					t.Errorf("an undocumented letter got an outcome")
				}
			}
		})
	}
}

// parseCase is a table row: a real line and what it must give.
type parseCase parsetest.Case

func (tc parseCase) run(t *testing.T) *record.Record {
	t.Helper()
	return parsetest.Case(tc).Run(t, row)
}

// row is capam's row of the products table, for parsetest.
var row = product.Default().ByID(record.FormatCAPAM)
