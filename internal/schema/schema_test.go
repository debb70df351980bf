package schema

import (
	"flag"
	"testing"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/doctest"
)

var update = flag.Bool("update", false, "rewrite docs/schema.md from the tables")

func TestSchemaDoc(t *testing.T) {
	doctest.Check(t, "../../docs/schema.md", Markdown(product.Default()), *update, "go test ./internal/schema -run TestSchemaDoc -update")
}
