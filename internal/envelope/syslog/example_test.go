package syslog_test

import (
	"fmt"

	"github.com/pamaudit/pamaudit/internal/envelope/syslog"
	"github.com/pamaudit/pamaudit/record"
)

// The header Fluent Bit's syslog input leaves in keys (pri 134, msgid
// AUDIT, extradata) maps onto the attributes the whole line's would.
func ExampleHeader_SyslogAttrs() {
	h := syslog.Header{Host: "pm-node1", App: "passman-audit", PID: "2301", MsgID: "AUDIT"}
	h.SetPRI(134)
	h.ReadSD(`[origin ip="10.0.0.5"]`)
	h.SyslogAttrs(func(a record.Attr) {
		if a.Kind == record.KindInt {
			fmt.Println(a.Key, a.Int)
		} else {
			fmt.Println(a.Key, a.Str)
		}
	})
	// Output:
	// log.syslog.priority 134
	// log.syslog.facility.code 16
	// log.syslog.severity.code 6
	// log.syslog.msgid AUDIT
	// log.syslog.structured_data.origin.ip 10.0.0.5
}

func ExampleReadSD() {
	sd, ok := syslog.ReadSD(`[exampleSDID@32473 iut="3" eventSource="Application"][meta note="a \"q\""]`, nil)
	fmt.Println(ok)
	for _, p := range sd {
		fmt.Printf("%s %s %q\n", p.ID, p.Name, p.Value)
	}
	// Output:
	// true
	// exampleSDID@32473 iut "3"
	// exampleSDID@32473 eventSource "Application"
	// meta note "a \"q\""
}
