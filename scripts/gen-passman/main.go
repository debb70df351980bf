// Command gen-passman writes synthetic PassMan audit lines (syslog header,
// passman-audit key = value pairs) for the Fluent Bit benchmark
// (scripts/bench-fluentbit.sh). The output is deterministic: the same flags
// give the same bytes.
//
//	go run ./scripts/gen-passman -n 200000 -size 420 > passman.log
//
// -size is the average line length in bytes; each line gets a details
// field padded so the lines average that size (never below the bare event).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// events are the bodies the generator cycles through, after "id = N, ".
var events = []string{
	"type = Login, start_timestamp = %d, user_upn = alice@corp.example, user_address = ::ffff:10.0.0.15, business_result = success, token_issued_at = '2026-03-05 09:15:30', token_expiry_time = '2026-03-05 17:15:30'",
	"type = CheckoutCredentials, start_timestamp = %d, user_upn = alice@corp.example, user_address = 10.0.0.15, business_result = success, entity_type = account, entity_name = root, entity = 5f1c2a, entity_parent_name = db-prod-01, entity_path = 'Servers/Linux/db-prod-01', account = 5f1c2a, credential_type = password, exclusive_duration = 3600",
	"type = ResetCredentials, start_timestamp = %d, user_upn = bob@corp.example, user_address = 10.0.0.22, business_result = failure, entity_type = account, entity_name = Administrator, entity_path = 'admin@local private/', account = 77aa01, credentials = password, failure = 'target unreachable', failure_code = 113, failure_details = \"connect to 10.1.2.3:22 failed: No route to host\"",
	"activity_group = 900, type = DeleteAccount, start_timestamp = %d, user_upn = carol@corp.example, user_address = workstation-7.corp.example, business_result = success, entity_type = account, entity_name = svc_backup, account = 33bb02",
	"type = ChangePassword, start_timestamp = %d, user_upn = admin@local, user_address = 10.0.0.5, business_result = success, username = erin, new_password = 'Sup3r$ecret!', password_hint = none",
	"type = Logout, start_timestamp = %d, user_upn = alice@corp.example, user_address = 10.0.0.15, business_result = success, logout_time = 1772708700",
	"type = UpdateACL, start_timestamp = %d, user_upn = dave@corp.example, user_address = 10.0.0.31, business_result = success, group = 12, acl = 'allow read, write = admins; deny all'",
}

func main() {
	n := flag.Int("n", 200000, "number of lines")
	size := flag.Int("size", 420, "average line length in bytes")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	start := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	pad := strings.Repeat("lorem ipsum dolor sit amet consectetur ", 1+*size/32)
	var line []byte
	for i := 0; i < *n; i++ {
		t := start.Add(time.Duration(i) * 100 * time.Millisecond)
		line = line[:0]
		line = t.AppendFormat(line, "2006-01-02T15:04:05.000000Z07:00")
		line = fmt.Appendf(line, " pm-node%d passman: passman-audit(2301): id = %d, ", 1+i%3, 18734+i)
		line = fmt.Appendf(line, events[i%len(events)], t.Unix())
		if room := *size - len(line) - len(", details = ''"); room > 0 {
			line = append(line, ", details = '"...)
			line = append(line, strings.TrimSpace(pad[:room])...)
			line = append(line, '\'')
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
