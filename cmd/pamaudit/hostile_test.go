package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/internal/hostile"
)

// Every input, hostile ones included: as many records out as the splitter
// finds, each valid JSON, no secret in clear.
func TestHostileCommand(t *testing.T) {
	for _, in := range hostile.Inputs(t, filepath.Join("..", "..")) {
		t.Run(in.Name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "input.log")
			if err := os.WriteFile(file, in.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			if code := run([]string{"parse", file}, nil, &out, &errb, testNow); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			want := 0
			sp := core.NewSplitter(bytes.NewReader(in.Data), 0)
			for {
				if _, err := sp.Next(); err == io.EOF {
					break
				}
				want++
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if out.Len() == 0 {
				lines = nil
			}
			if len(lines) != want {
				t.Fatalf("%d records out, %d in", len(lines), want)
			}
			for i, l := range lines {
				if !json.Valid([]byte(l)) {
					t.Fatalf("record %d is not JSON", i)
				}
			}
			hostile.CheckNoSecret(t, in.Name, out.Bytes())
		})
	}
}
