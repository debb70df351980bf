package core_test

import (
	"fmt"
	"sync"

	"github.com/pamaudit/pamaudit/core"
)

// Compile checks the options once, naming each wrong key; the Settings it
// returns are shared by the parsers of every goroutine.
func ExampleCompile() {
	if _, err := core.Compile(core.Options{MaxAttrs: 4}); err != nil {
		fmt.Println(err)
	}
	s, err := core.Compile(core.Options{Schema: core.SchemaECS})
	if err != nil {
		panic(err)
	}
	lines := []string{
		"2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = Login, user_upn = alice@corp.example",
		"2026-03-05T10:16:03Z pm-node1 passman: passman-audit(2301): type = Logout, user_upn = alice@corp.example",
	}
	actions := make([]string, len(lines))
	var wg sync.WaitGroup
	for i, line := range lines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, _ := s.NewParser().ParseString(line) // a Parser per goroutine
			a, _ := rec.Get("event.action")
			actions[i] = a.Str
		}()
	}
	wg.Wait()
	fmt.Println(actions, s.Options().MaxAttrs)
	// Output:
	// max_attributes: must be at least 8
	// [Login Logout] 256
}
