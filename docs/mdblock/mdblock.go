// Package mdblock reads the fenced code blocks of a Markdown text, for the
// tests that run the docs as written: docs/ (README.md, docs/fluent-bit.md)
// and deploy/ (docs/kubernetes.md, in its own module). Only tests import it.
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

var notRunRe = regexp.MustCompile(`^<!--\s*not run in CI:\s*(.*?)\s*-->$`)

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
