package hostile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/hostile")

// The committed small cases are what the generator makes.
func TestWriteCorpus(t *testing.T) {
	for _, c := range Cases() {
		if c.Large {
			continue
		}
		file := filepath.Join("..", "..", "testdata", "hostile", c.Name+".txt")
		if *update {
			if err := os.WriteFile(file, c.Gen(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(got, c.Gen()) {
			t.Errorf("%s differs from the generator (run with -update): %v", file, err)
		}
	}
}
