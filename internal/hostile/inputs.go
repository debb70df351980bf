package hostile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Input is one file of test input: a testdata log or a hostile case.
type Input struct {
	Name string
	Data []byte
}

// Inputs returns every testdata log (testdata/<product>/*.log) and every
// hostile case; root is the repository root relative to the test.
func Inputs(t testing.TB, root string) []Input {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "testdata", "*", "*.log"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata under %s", root)
	}
	var in []Input
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, Input{strings.TrimPrefix(f, filepath.Join(root, "testdata")+"/"), b})
	}
	for _, c := range Cases() {
		in = append(in, Input{"hostile/" + c.Name, c.Gen()})
	}
	return in
}

// CheckNoSecret fails the test if any planted secret appears in out.
func CheckNoSecret(t testing.TB, what string, out []byte) {
	t.Helper()
	for _, s := range Secrets {
		if i := bytes.Index(out, []byte(s)); i >= 0 {
			lo, hi := max(0, i-60), min(len(out), i+len(s)+20)
			t.Errorf("%s: secret %q in clear: …%s…", what, s, out[lo:hi])
		}
	}
}
