package schema

import (
	"testing"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/doctest"
)

func TestSchemaDoc(t *testing.T) {
	doctest.Check(t, "../../docs/schema.md", Markdown(product.Default()), "go test ./internal/schema -run TestSchemaDoc -update")
}
