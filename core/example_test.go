package core_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pamaudit/pamaudit/core"
)

func ExampleParser() {
	p, err := core.NewParser(core.Options{})
	if err != nil {
		panic(err)
	}
	rec, err := p.Parse([]byte("2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): " +
		"type = CheckoutCredentials, user_upn = alice@corp.example, business_result = success, account = 5f1c2a"))
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.Time, rec.SeverityText, rec.EventName)
	for _, a := range rec.Attrs {
		fmt.Println(a.Key, a.Str, a.Int)
	}
	// Output:
	// 2026-03-05 10:16:02 +0000 UTC INFO passman.checkout_credentials
	// host.name pm-node1 0
	// service.name passman 0
	// process.executable.name passman-audit 0
	// process.pid  2301
	// event.action CheckoutCredentials 0
	// passman.category account 0
	// user.name alice@corp.example 0
	// user.domain corp.example 0
	// event.outcome success 0
	// passman.account 5f1c2a 0
}

// The Splitter cuts a stream into records: one per line, or a seaudit
// record's detail lines and a pretty-printed Netwrix object whole. A record
// over the limit comes with a *CutError, for ParseCut.
func ExampleSplitter() {
	in := "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = Login, user_upn = alice@corp.example\n" +
		"{\n  \"name\": \"s1_api\", \"hostname\": \"nps-1\", \"pid\": 7, \"level\": 30,\n  \"msg\": \"login\", \"time\": \"2026-03-05T10:16:02.000Z\", \"v\": 0\n}\n" +
		"2026-03-05T10:16:03Z pm-node1 passman: passman-audit(2301): type = Logout, user_upn = alice@corp.example\n"
	sp := core.NewSplitter(strings.NewReader(in), 0)
	p, err := core.NewParser(core.Options{})
	if err != nil {
		panic(err)
	}
	for {
		b, err := sp.Next()
		if err == io.EOF {
			break
		}
		var cut *core.CutError
		errors.As(err, &cut)
		rec, _ := p.ParseCut(b, cut)
		fmt.Println(rec.Format, rec.EventName)
	}
	// Output:
	// passman passman.login
	// netwrix netwrix.log
	// passman passman.logout
}

// A face that adds attributes of its own parses in the OpenTelemetry
// schema and shapes after, so that what it adds is mapped too.
func ExampleShaper() {
	p, err := core.NewParser(core.Options{})
	if err != nil {
		panic(err)
	}
	sh, err := core.NewShaper(core.Options{Schema: core.SchemaECS})
	if err != nil {
		panic(err)
	}
	rec, _ := p.Parse([]byte("2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): " +
		"type = Login, user_upn = alice@corp.example, business_result = failure"))
	rec.Attrs = append(rec.Attrs, core.Attr{Key: "log.file.path", Kind: core.KindString, Str: "/var/log/passman/audit.log"})
	for _, a := range sh.Shape(rec).Attrs {
		if a.Kind == core.KindString {
			fmt.Println(a.Key, a.Str)
		}
	}
	// Output:
	// ecs.version 8.17.0
	// event.kind event
	// event.code passman.login
	// event.module pamaudit
	// event.dataset pamaudit.passman
	// observer.vendor PassMan
	// observer.product PassMan
	// host.name pm-node1
	// service.name passman
	// process.name passman-audit
	// event.action Login
	// pamaudit.passman.category session
	// user.name alice@corp.example
	// user.domain corp.example
	// event.outcome failure
	// log.file.path /var/log/passman/audit.log
	// event.original 2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = Login, user_upn = alice@corp.example, business_result = failure
}

// ParseMessage takes the text without the header a pipeline already read
// (a syslog receiver's attributes, Fluent Bit's syslog keys): the header
// comes as fields, and the text's own fields win.
func ExampleParser_ParseMessage() {
	p, err := core.NewParser(core.Options{})
	if err != nil {
		panic(err)
	}
	h := &core.Header{Time: time.Date(2026, 3, 5, 10, 16, 2, 0, time.UTC), Host: "pm-node1", App: "passman-audit", PID: "2301"}
	rec, err := p.ParseMessage("type = CheckoutCredentials, user_upn = bob@corp.example, password = hunter22, business_result = success", h)
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.Time, rec.EventName)
	for _, a := range rec.Attrs {
		if a.Kind == core.KindString {
			fmt.Println(a.Key, a.Str)
		}
	}
	// Output:
	// 2026-03-05 10:16:02 +0000 UTC passman.checkout_credentials
	// host.name pm-node1
	// service.name passman-audit
	// process.executable.name passman-audit
	// event.action CheckoutCredentials
	// passman.category account
	// user.name bob@corp.example
	// user.domain corp.example
	// passman.password [REDACTED]
	// event.outcome success
}
