// Package docs tests the documentation as written: the shell blocks of
// README.md and docs/fluent-bit.md run (docs/kubernetes.md's run in deploy/,
// where the kustomize API is), and the names the docs mention in backticks
// (files, tests, benchmarks, make targets, environment variables, flags,
// metrics) must exist.
package docs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pamaudit/pamaudit/docs/mdblock"
	"github.com/pamaudit/pamaudit/fluentbit/flbsim"
)

// root is the repository, from this package's directory.
const root = ".."

// TestMain runs flbsim when this test binary is called as fluent-bit: the
// shell blocks find it first on their PATH (no Fluent Bit in CI; see
// fluentbit/flbsim).
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "fluent-bit" {
		os.Exit(flbsim.Main(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// block is a fenced code block of a markdown file.
type block struct {
	file   string
	line   int    // of the opening fence
	lang   string // sh, yaml, ...
	text   string
	notRun string // the reason of a <!-- not run in CI: reason --> before it
}

// first is the block's first command line, without its comment: its name
// in blockTests.
func (b block) first() string {
	for _, l := range strings.Split(b.text, "\n") {
		if l = strings.TrimSpace(strings.SplitN(l, " #", 2)[0]); l != "" && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	return ""
}

// readBlocks returns the fenced blocks of a markdown file.
func readBlocks(t testing.TB, file string) []block {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	var out []block
	for _, m := range mdblock.Read(string(b)) {
		out = append(out, block{file: file, line: m.Line, lang: m.Lang, text: m.Text, notRun: m.NotRun})
	}
	return out
}

func isShell(lang string) bool {
	switch lang {
	case "sh", "bash", "shell", "console":
		return true
	}
	return false
}

// inlineCode returns the inline code spans of a markdown file, outside
// fenced blocks, with their line numbers.
func inlineCode(t testing.TB, file string) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	fenced := false
	for i, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		// A table cell's \| is a | in the code.
		l = strings.ReplaceAll(l, `\|`, "|")
		for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(l, -1) {
			if _, ok := out[m[1]]; !ok {
				out[m[1]] = i + 1
			}
		}
	}
	return out
}

// repoFiles lists the repository's files as a clone has them: tracked, and
// new ones not ignored.
var repoFiles = sync.OnceValues(func() ([]string, error) {
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if _, err := os.Lstat(filepath.Join(root, f)); err == nil {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	return files, nil
})

func files(t testing.TB) []string {
	t.Helper()
	f, err := repoFiles()
	if err != nil {
		t.Skipf("git ls-files: %v (the docs tests need a git checkout)", err)
	}
	return f
}

// docFiles are the documentation whose names are checked.
func docFiles(t testing.TB) []string {
	var out []string
	for _, f := range files(t) {
		if strings.HasSuffix(f, ".md") && (!strings.Contains(f, "/") || strings.HasPrefix(f, "docs/") || f == "otelprocessor/README.md") {
			out = append(out, f)
		}
	}
	return out
}

// testFuncs maps each directory to the Test, Benchmark, Fuzz and Example
// functions of its _test.go files.
func testFuncs(t testing.TB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	re := regexp.MustCompile(`(?m)^func ((?:Test|Benchmark|Fuzz|Example)\w*)\(`)
	for _, f := range files(t) {
		if !strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			out[filepath.Dir(f)] = append(out[filepath.Dir(f)], string(m[1]))
		}
	}
	return out
}

// makeTargets are the Makefile's targets.
func makeTargets(t testing.TB) map[string]bool {
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][\w-]*)\s*:([^=]|$)`).FindAllSubmatch(b, -1) {
		out[string(m[1])] = true
	}
	return out
}

// contentOf returns the text of every file that is not documentation (nor
// these tests).
var contentOf = sync.OnceValue(func() string {
	fs, _ := repoFiles()
	var b strings.Builder
	for _, f := range fs {
		if strings.HasSuffix(f, ".md") || strings.HasPrefix(f, "testdata/") || strings.HasPrefix(f, "docs/") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, f))
		if err == nil {
			b.Write(data)
			b.WriteByte('\n')
		}
	}
	return b.String()
})

// topLevel reports whether a path starts with one of the repository's own
// top-level entries (or the build outputs' directories).
func topLevel(t testing.TB, p string) bool {
	first, _, _ := strings.Cut(p, "/")
	if first == "build" || first == "bin" {
		return true
	}
	_, err := os.Stat(filepath.Join(root, first))
	return err == nil && first != "" && first != "." && first != ".."
}

// checkPath checks a file path a doc names: a path from the repository
// root must exist (a glob must match), a build output must be one the
// Makefile names; a bare file name must be the end of some file's path, or
// be named by the code (files a script or a test writes).
func checkPath(t testing.TB, p string) error {
	if strings.HasPrefix(p, "build/") || strings.HasPrefix(p, "bin/") || p == "build/" || p == "bin/" {
		mk, _ := os.ReadFile(filepath.Join(root, "Makefile"))
		if strings.Contains(string(mk), strings.TrimSuffix(p, "/")) {
			return nil
		}
		return fmt.Errorf("%s: the Makefile builds no such output", p)
	}
	if topLevel(t, p) {
		if m, _ := filepath.Glob(filepath.Join(root, p)); len(m) > 0 {
			return nil
		}
	}
	for _, f := range files(t) {
		if !strings.Contains(p, "/") {
			if ok, _ := filepath.Match(p, filepath.Base(f)); ok {
				return nil
			}
		}
		if f == p || strings.HasSuffix(f, "/"+p) || strings.HasPrefix(f+"/", p) || strings.Contains(f, "/"+strings.TrimSuffix(p, "/")+"/") {
			return nil
		}
		if ok, _ := filepath.Match("*/"+p, f); ok {
			return nil
		}
	}
	if strings.Contains(contentOf(), p) {
		return nil
	}
	return fmt.Errorf("%s: no file ends so, and no code names it", p)
}

var fileExt = regexp.MustCompile(`\.(go|md|ya?ml|conf|sh|c|h|so|log|ndjson|json|txt|mod)$`)

// stdPackage reports whether p is a package of Go's standard library.
func stdPackage(p string) bool {
	_, err := os.Stat(filepath.Join(runtime.GOROOT(), "src", p))
	return err == nil
}

// looksLikePath tells a file path among code spans: no spaces, no
// placeholders or URLs, and a slash or a file extension.
func looksLikePath(s string) bool {
	if strings.ContainsAny(s, " <>…:=?&{}()[]\"'|,") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "$") {
		return false
	}
	if regexp.MustCompile(`^(Test|Benchmark|Fuzz|Example)[A-Z]`).MatchString(s) {
		return false // a test or benchmark and its subtest
	}
	if strings.HasPrefix(s, ".") && !strings.Contains(s, "/") {
		return false // .so, .ci
	}
	first, _, _ := strings.Cut(s, "/")
	if strings.Contains(first, ".") && strings.Contains(s, "/") && !strings.HasPrefix(s, ".") && !fileExt.MatchString(first) {
		return false // k8s.io/api, go.opentelemetry.io/...
	}
	return strings.Contains(s, "/") || fileExt.MatchString(s)
}

// Every path, test, benchmark, make target, environment variable, flag and
// metric the docs mention exists.
func TestDocNames(t *testing.T) {
	funcs := testFuncs(t)
	var all []string
	for _, fs := range funcs {
		all = append(all, fs...)
	}
	targets := makeTargets(t)
	flags := pamauditFlags(t)
	metrics := processorMetrics(t)
	funcRe := regexp.MustCompile(`\b((?:Test|Benchmark|Fuzz)[A-Z]\w*)(\*?)`)
	envRe := regexp.MustCompile(`\bPAMAUDIT_[A-Z0-9_]+\b`)
	for _, doc := range docFiles(t) {
		spans := inlineCode(t, doc)
		var commands []string // spans and shell lines that are commands
		for s := range spans {
			commands = append(commands, s)
		}
		for _, b := range readBlocks(t, doc) {
			if isShell(b.lang) {
				commands = append(commands, strings.Split(b.text, "\n")...)
			}
		}
		where := func(s string) string {
			if l, ok := spans[s]; ok {
				return fmt.Sprintf("%s:%d", doc, l)
			}
			return doc
		}
		text, _ := os.ReadFile(filepath.Join(root, doc))
		for _, v := range envRe.FindAllString(string(text), -1) {
			if !strings.Contains(contentOf(), v) {
				t.Errorf("%s: %s: no code, script or configuration reads it", doc, v)
			}
		}
		for _, s := range commands {
			for _, m := range funcRe.FindAllStringSubmatch(s, -1) {
				if !hasFunc(all, m[1], m[2] == "*") {
					t.Errorf("%s: %s: no such test, benchmark or fuzz target", where(s), m[1])
				}
			}
			for _, m := range regexp.MustCompile(`\botelcol_processor_pamaudit_\w+`).FindAllString(s, -1) {
				if !metrics[strings.TrimPrefix(m, "otelcol_")] {
					t.Errorf("%s: %s: otelprocessor/metadata.yaml defines no such metric", where(s), m)
				}
			}
			if err := checkCommand(t, s, targets, funcs); err != nil {
				t.Errorf("%s: %q: %v", where(s), s, err)
			}
		}
		for s := range spans {
			if looksLikePath(s) && !stdPackage(s) {
				if err := checkPath(t, strings.TrimSuffix(s, "/")); err != nil {
					t.Errorf("%s: %v", where(s), err)
				}
			}
		}
		if doc == "README.md" {
			for s := range spans {
				if !strings.HasPrefix(s, "--") {
					continue
				}
				name := strings.TrimPrefix(strings.Fields(s)[0], "--")
				name, _, _ = strings.Cut(name, "=")
				if name != "flag" && !flags[name] { // --flag value: any flag
					t.Errorf("%s: %s: pamaudit parse has no such flag", where(s), s)
				}
			}
		}
	}
}

func hasFunc(all []string, name string, prefix bool) bool {
	for _, f := range all {
		if f == name || (prefix && strings.HasPrefix(f, name)) {
			return true
		}
	}
	return false
}

// pamauditFlags are the flags of pamaudit parse, from its table.
func pamauditFlags(t testing.TB) map[string]bool {
	b, err := os.ReadFile(filepath.Join(root, "cmd", "pamaudit", "flags.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{"version": true, "help": true}
	for _, m := range regexp.MustCompile(`\{"([a-z][a-z-]*)", "`).FindAllSubmatch(b, -1) {
		out[string(m[1])] = true
	}
	if !out["format"] || !out["strict"] {
		t.Fatal("cmd/pamaudit/flags.go: the flag table was not found")
	}
	return out
}

// processorMetrics are the metric names of otelprocessor/metadata.yaml.
func processorMetrics(t testing.TB) map[string]bool {
	b, err := os.ReadFile(filepath.Join(root, "otelprocessor", "metadata.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^    (processor_\w+):`).FindAllSubmatch(b, -1) {
		out[string(m[1])] = true
	}
	return out
}

// checkCommand checks a command a doc gives: make targets exist; go test's
// packages exist and its -run and -bench patterns match a function there.
func checkCommand(t testing.TB, cmd string, targets map[string]bool, funcs map[string][]string) error {
	cmd = strings.TrimSpace(strings.SplitN(cmd, " #", 2)[0])
	dir := ""
	for _, part := range regexp.MustCompile(`\s*(?:&&|\|\||;|\|)\s*`).Split(cmd, -1) {
		w := shellWords(part)
		for len(w) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(w[0]) {
			w = w[1:]
		}
		switch {
		case len(w) >= 2 && w[0] == "cd":
			dir = w[1]
		case len(w) >= 1 && w[0] == "make":
			for _, a := range w[1:] {
				if strings.HasPrefix(a, "-") || strings.Contains(a, "=") {
					continue
				}
				if !targets[a] {
					return fmt.Errorf("make %s: no such target", a)
				}
			}
		case len(w) >= 2 && w[0] == "go" && w[1] == "test":
			if err := checkGoTest(t, dir, w[2:], funcs); err != nil {
				return err
			}
		}
	}
	return nil
}

// shellWords splits a command into words, taking quotes off.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	quote := byte(0)
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

func checkGoTest(t testing.TB, dir string, args []string, funcs map[string][]string) error {
	var pkgs []string
	run, bench := "", ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-run" || a == "-bench":
			if i+1 < len(args) {
				if a == "-run" {
					run = args[i+1]
				} else {
					bench = args[i+1]
				}
				i++
			}
		case strings.HasPrefix(a, "-"):
			if !strings.Contains(a, "=") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") && !strings.HasPrefix(args[i+1], "./") {
				i++ // a flag's value
			}
		case strings.HasPrefix(a, "./"):
			pkgs = append(pkgs, filepath.Join(dir, a))
		}
	}
	if len(pkgs) == 0 {
		pkgs = []string{filepath.Join(dir, ".")}
	}
	var names []string
	for _, p := range pkgs {
		recursive := strings.HasSuffix(p, "...")
		p = strings.TrimSuffix(strings.TrimSuffix(p, "..."), "/")
		if p == "" {
			p = "."
		}
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			return fmt.Errorf("package ./%s does not exist", p)
		}
		for d, fs := range funcs {
			if d == p || (recursive && (p == "." || strings.HasPrefix(d, p+"/"))) {
				names = append(names, fs...)
			}
		}
	}
	for _, c := range []struct {
		pattern string
		prefix  []string
	}{{run, []string{"Test", "Fuzz", "Example"}}, {bench, []string{"Benchmark"}}} {
		if c.pattern == "" || c.pattern == "^$" || c.pattern == "." {
			continue
		}
		// go test matches the pattern's first level (before a / outside
		// brackets) against the function's name.
		level := strings.SplitN(c.pattern, "/", 2)[0]
		re, err := regexp.Compile(level)
		if err != nil {
			return fmt.Errorf("%s: %v", c.pattern, err)
		}
		found := false
		for _, n := range names {
			for _, p := range c.prefix {
				if strings.HasPrefix(n, p) && re.MatchString(n) {
					found = true
				}
			}
		}
		if !found {
			return fmt.Errorf("%s matches no %s function in %v", c.pattern, strings.Join(c.prefix, "/"), pkgs)
		}
	}
	return nil
}

// Every shell block of the files this package covers is run by
// TestDocBlocks or marked <!-- not run in CI: why --> before it; the docs
// of deploy/ (kubernetes.md) are covered by deploy/docs_test.go.
func TestDocBlocksCovered(t *testing.T) {
	for _, doc := range []string{"README.md", "docs/fluent-bit.md"} {
		for _, b := range readBlocks(t, doc) {
			if !isShell(b.lang) {
				continue
			}
			_, ok := blockTests[b.first()]
			switch {
			case b.notRun != "" && ok:
				t.Errorf("%s:%d: marked not run in CI, but docs_test.go runs it: %q", b.file, b.line, b.first())
			case b.notRun == "" && !ok:
				t.Errorf("%s:%d: a shell block that no test runs: add it to blockTests in docs/docs_test.go, or mark it <!-- not run in CI: why -->\n%s", b.file, b.line, b.text)
			}
		}
	}
}

// notRunBlocks lists what is not run, for the record (go test -v).
func TestDocBlocksNotRun(t *testing.T) {
	for _, doc := range []string{"README.md", "docs/fluent-bit.md"} {
		for _, b := range readBlocks(t, doc) {
			if isShell(b.lang) && b.notRun != "" {
				t.Logf("%s:%d %q: not run in CI: %s", b.file, b.line, b.first(), b.notRun)
			}
		}
	}
}

// The checks fail on what does not exist.
func TestDocCheckersCatch(t *testing.T) {
	targets, funcs := makeTargets(t), testFuncs(t)
	for _, c := range []string{
		"make nosuchtarget",
		"go test ./core -run TestNoSuchTest",
		"go test ./core -run '^$' -bench NoSuchBenchmark",
		"go test ./nosuchpackage",
		"cd deploy && go test ./... -run TestNoSuchDeployTest",
	} {
		if checkCommand(t, c, targets, funcs) == nil {
			t.Errorf("%q passes", c)
		}
	}
	for _, c := range []string{"make test", "go test ./core -run TestGolden -update", "cd deploy && go test ./... -run TestOverlays"} {
		if err := checkCommand(t, c, targets, funcs); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
	for _, p := range []string{"core/nosuchfile.go", "nosuchfile.conf", "build/nosuch.so", "examples/nosuch/"} {
		if checkPath(t, strings.TrimSuffix(p, "/")) == nil {
			t.Errorf("%s passes", p)
		}
	}
}
