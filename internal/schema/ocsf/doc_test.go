package ocsf

import (
	"flag"
	"testing"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/doctest"
)

var update = flag.Bool("update", false, "rewrite docs/ocsf.md from the tables")

const docFile = "../../../docs/ocsf.md"

func TestOCSFDoc(t *testing.T) {
	doctest.Check(t, docFile, Markdown(product.Default()), *update, "go test ./internal/schema/ocsf -run TestOCSFDoc -update")
}

// Every event name of every product (those docs/schema.md lists) has a
// row in docs/ocsf.md.
func TestEveryEventDocumented(t *testing.T) {
	doc := Markdown(product.Default())
	for _, p := range tables(product.Default())[1:] {
		doctest.EveryEvent(t, doc, docFile, p.events())
	}
}
