package ocsf

import (
	"testing"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/doctest"
)

// docs/ocsf.md is what Markdown makes of the tables (-update rewrites it), and
// every event name of every product (those docs/schema.md lists) has a row
// there.
func TestOCSFDoc(t *testing.T) {
	var events [][]string
	for _, p := range tables(product.Default())[1:] {
		events = append(events, p.events())
	}
	doctest.Schema(t, "ocsf", Markdown(product.Default()), events...)
}
