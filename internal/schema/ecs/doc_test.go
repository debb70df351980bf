package ecs

import (
	"testing"

	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/internal/schema/doctest"
)

// docs/ecs.md is what Markdown makes of the tables (-update rewrites it), and
// every event name of every product (those docs/schema.md lists) has a row
// there.
func TestECSDoc(t *testing.T) {
	var events [][]string
	for _, p := range tables(product.Default())[1:] {
		events = append(events, p.events())
	}
	doctest.Schema(t, "ecs", Markdown(product.Default()), events...)
}
