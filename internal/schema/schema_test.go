package schema

import (
	"testing"

	"github.com/pamaudit/pamaudit/internal/schema/doctest"
)

func TestSchemaDoc(t *testing.T) {
	doctest.Check(t, "../../docs/schema.md", Markdown(), "go test ./internal/schema -run TestSchemaDoc -update")
}
