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
