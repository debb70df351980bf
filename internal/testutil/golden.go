package testutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// GoldenLogs returns the example logs testdata/<product>/*.log, testdata
// being the path of the repository's testdata from the test's package
// ("../testdata"). Every test that reads them all fails without them.
func GoldenLogs(t testing.TB, testdata string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testdata, "*", "*.log"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata in %s: %v", testdata, err)
	}
	return files
}

// GoldenLogLines returns every line of the example logs (GoldenLogs), in
// order: real records and parts of them, for fuzz seeds and for checks
// that must hold on any real text.
func GoldenLogLines(t testing.TB, testdata string) []string {
	t.Helper()
	var lines []string
	for _, f := range GoldenLogs(t, testdata) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(string(b), "\n")...)
	}
	return lines
}

// GoldenFile is the golden file of a testdata log in a schema: .ndjson for
// otel, .ecs.ndjson and .ocsf.ndjson for the others.
func GoldenFile(log, schema string) string {
	ext := ".ndjson"
	if schema != "otel" {
		ext = "." + schema + ext
	}
	return strings.TrimSuffix(log, ".log") + ext
}
