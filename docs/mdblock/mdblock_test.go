package mdblock

import (
	"fmt"
	"reflect"
	"testing"
)

func ExampleRead() {
	for _, b := range Read("Run it:\n\n<!-- not run in CI: needs a cluster -->\n```sh\nkubectl apply -k my-overlay\n```\n") {
		fmt.Printf("%d %s %q %q\n", b.Line, b.Lang, b.Text, b.NotRun)
	}
	// Output: 4 sh "kubectl apply -k my-overlay" "needs a cluster"
}

// docs/kubernetes.md's shapes: a block in a list item keeps its indent, a
// marker counts only right before its block, an empty block is a block.
func TestRead(t *testing.T) {
	md := "1. Copy:\n\n   ```sh\n   cp -r a b\n     sed -i x b\n   ```\n" +
		"<!-- not run in CI: why -->\n\ntext\n```yaml\nk: v\n```\n```\n```\n"
	want := []Block{
		{Line: 3, Lang: "sh", Text: "   cp -r a b\n     sed -i x b"},
		{Line: 10, Lang: "yaml", Text: "k: v"},
		{Line: 13, Lang: "", Text: ""},
	}
	if got := Read(md); !reflect.DeepEqual(got, want) {
		t.Errorf("Read:\n got %+v\nwant %+v", got, want)
	}
}

// A reference table's keys: every code span of the first column, only in
// the section named, its subsections included.
func TestTableKeys(t *testing.T) {
	md := "## Other\n\n| `no` | x |\n\n## Configuration\n\n| key | meaning |\n|---|---|\n" +
		"| `output` | `stdout` or `otlp` |\n| `a.b`, `c` | x |\n\n### More\n\n| `d` | x |\n\n## Next\n\n| `e` | x |\n"
	got, ok := TableKeys(md, "## Configuration")
	want := map[string]bool{"output": true, "a.b": true, "c": true, "d": true}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("TableKeys: %v %v, want %v", got, ok, want)
	}
	if _, ok := TableKeys(md, "## Missing"); ok {
		t.Error("TableKeys found a section that is not there")
	}
}
