// Package mdblock reads the fenced code blocks of a Markdown text and runs
// its shell blocks (run.go), for the tests that run the docs as written:
// docs/ (README.md, docs/fluent-bit.md) and deploy/ (docs/kubernetes.md,
// in its own module); and it reads the keys of a reference table, for the
// tests that hold a doc's table to the code (fluentbit/, deploy/). Only
// tests import it.
package mdblock

import (
	"regexp"
	"strings"
)

// Block is a fenced code block.
type Block struct {
	Line   int    // of the opening fence
	Lang   string // sh, yaml, ...
	Text   string // the lines between the fences, as written
	NotRun string // the reason of a <!-- not run in CI: reason --> before it
}

var (
	notRunRe = regexp.MustCompile(`^<!--\s*not run in CI:\s*(.*?)\s*-->$`)
	codeRe   = regexp.MustCompile("`([^`]+)`")
)

// Read returns the fenced blocks of md, in order. A block's NotRun comes
// from the last non-blank line before its opening fence.
func Read(md string) []Block {
	var out []Block
	var cur *Block
	var text []string
	lastNonBlank := ""
	for i, l := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(l)
		if cur != nil {
			if strings.HasPrefix(trimmed, "```") {
				cur.Text = strings.Join(text, "\n")
				out = append(out, *cur)
				cur, text = nil, nil
				lastNonBlank = "```"
				continue
			}
			text = append(text, l)
			continue
		}
		if strings.HasPrefix(trimmed, "```") {
			cur = &Block{Line: i + 1, Lang: strings.TrimPrefix(trimmed, "```")}
			if m := notRunRe.FindStringSubmatch(lastNonBlank); m != nil {
				cur.NotRun = m[1]
			}
			continue
		}
		if trimmed != "" {
			lastNonBlank = trimmed
		}
	}
	return out
}

// TableKeys returns the code spans (`key`) in the first column of the
// table rows in md's section that starts with the line heading ("##
// Configuration") and ends at the next "## ": the keys a reference table
// documents. ok is false when md has no such section.
func TableKeys(md, heading string) (keys map[string]bool, ok bool) {
	_, section, ok := strings.Cut(md, heading+"\n")
	if !ok {
		return nil, false
	}
	section, _, _ = strings.Cut(section, "\n## ")
	keys = map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range codeRe.FindAllStringSubmatch(strings.Split(line, "|")[1], -1) {
			keys[m[1]] = true
		}
	}
	return keys, true
}
