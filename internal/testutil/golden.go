package testutil

import (
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

// GoldenFile is the golden file of a testdata log in a schema: .ndjson for
// otel, .ecs.ndjson and .ocsf.ndjson for the others.
func GoldenFile(log, schema string) string {
	ext := ".ndjson"
	if schema != "otel" {
		ext = "." + schema + ext
	}
	return strings.TrimSuffix(log, ".log") + ext
}
