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
	doctest.Schema(t, "ocsf", Markdown(product.Default()), product.Default())
}
