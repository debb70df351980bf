package main

import (
	"os"
	"testing"

	"github.com/pamaudit/pamaudit/internal/schema/internal/schemasrc"
)

// The committed facts are what the generator makes of ocsf-schema at their
// version. It needs the repository: OCSF_SCHEMA_GIT is its git directory
// (the test is skipped without it).
func TestFactsUpToDate(t *testing.T) {
	dir := os.Getenv("OCSF_SCHEMA_GIT")
	if dir == "" {
		t.Skip("OCSF_SCHEMA_GIT is not set")
	}
	got, err := Generate(schemasrc.Git(dir, "1.3.0"), "1.3.0")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../facts_gen_test.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("internal/schema/ocsf/facts_gen_test.go is out of date: regenerate it (see its header)")
	}
}
