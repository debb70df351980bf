package main

import (
	"testing"

	"github.com/pamaudit/pamaudit/internal/schema/doctest"
)

// The committed facts are what the generator makes of elastic/ecs at their
// version. It needs the repository: ECS_GIT is its git directory (the test is
// skipped without it).
func TestFactsUpToDate(t *testing.T) {
	doctest.Facts(t, "ECS_GIT", "v8.17.0", "../../facts_gen_test.go", Generate)
}
