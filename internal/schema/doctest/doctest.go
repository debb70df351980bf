// Package doctest checks the generated documents (docs/*.md) against the
// tables they come from.
package doctest

import (
	"os"
	"strings"
	"testing"
)

// Check fails unless file holds got; with update it writes got to file.
// regen is the command that rewrites it.
func Check(t *testing.T, file, got string, update bool, regen string) {
	t.Helper()
	if update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil || string(want) != got {
		t.Fatalf("%s is out of date: %s", file, regen)
	}
}

// EveryEvent fails for each event name that has no row ("| `name` |") in
// doc.
func EveryEvent(t *testing.T, doc, file string, events []string) {
	t.Helper()
	for _, ev := range events {
		if !strings.Contains(doc, "| `"+ev+"` |") {
			t.Errorf("%s has no row in %s", ev, file)
		}
	}
}
