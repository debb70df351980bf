package core_test

import (
	"fmt"

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
