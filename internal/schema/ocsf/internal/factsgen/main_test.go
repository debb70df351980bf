package main

import (
	"testing"

	"github.com/pamaudit/pamaudit/internal/schema/doctest"
)

// The committed facts are what the generator makes of ocsf-schema at their
// version. It needs the repository: OCSF_SCHEMA_GIT is its git directory (the test is
// skipped without it).
func TestFactsUpToDate(t *testing.T) {
	doctest.Facts(t, "OCSF_SCHEMA_GIT", "1.3.0", "../../facts_gen_test.go", Generate)
}
