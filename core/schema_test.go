package core

import (
	"os"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/schema"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// Every attribute the golden outputs carry is documented.
func TestGoldenKeysDocumented(t *testing.T) {
	for _, file := range testutil.GoldenLogs(t, "../testdata") {
		in, _ := os.ReadFile(file)
		p := testParser(t, Options{})
		sp := NewSplitter(strings.NewReader(string(in)), 0)
		for {
			text, err := sp.Next()
			if err != nil {
				break
			}
			r, _ := p.Parse(text)
			for _, a := range r.Attrs {
				if !schema.Documented(DefaultProducts(), a.Key) {
					t.Errorf("%s: %q is not in docs/schema.md", file, a.Key)
				}
			}
		}
	}
}
