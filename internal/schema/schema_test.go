package schema

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/schema.md from the tables")

func TestSchemaDoc(t *testing.T) {
	got := Markdown()
	const file = "../../docs/schema.md"
	if *update {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil || string(want) != got {
		t.Fatalf("docs/schema.md is out of date: go test ./internal/schema -run TestSchemaDoc -update")
	}
}
