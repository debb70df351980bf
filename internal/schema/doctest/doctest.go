// Package doctest checks the generated documents (docs/*.md) against the
// tables they come from, and the generated schema facts against the schema
// repositories they come from.
package doctest

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/internal/schemasrc"
	"github.com/pamaudit/pamaudit/internal/schema/table"
)

// update is -update: rewrite the documents instead of checking them.
var update = flag.Bool("update", false, "rewrite the generated documents from the tables")

// Schema checks the document of a schema mapping, docs/<name>.md from the
// test's package two levels below the repository's internal/: it holds
// doc (with -update, it is rewritten to), and every event name of every
// product of products has a row.
func Schema(t *testing.T, name, doc string, products product.Table) {
	t.Helper()
	file := "../../../docs/" + name + ".md"
	Check(t, file, doc, "go test ./internal/schema/"+name+" -run Test"+strings.ToUpper(name)+"Doc -update")
	for i := range products {
		EveryEvent(t, doc, file, table.Events(&products[i])())
	}
}

// Facts checks a schema's committed facts, file (from the generator's
// package), against what generate makes of the schema repository at rev,
// whose git directory the environment variable env names (the test is
// skipped without it).
func Facts(t *testing.T, env, rev, file string, generate func(*schemasrc.Source, string) ([]byte, error)) {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		t.Skip(env + " is not set")
	}
	got, err := generate(schemasrc.Git(dir, rev), rev)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is out of date: regenerate it (see its header)", file)
	}
}

// Check fails unless file holds got; with -update it writes got to file.
// regen is the command that rewrites it.
func Check(t *testing.T, file, got, regen string) {
	t.Helper()
	if *update {
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
