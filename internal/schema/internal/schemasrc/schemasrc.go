// Package schemasrc reads the files of a schema repository (ocsf-schema,
// elastic/ecs) at one version, for the generators of the schema facts the
// tests check the output against: from a git directory at a tag (git show),
// or from a checkout.
package schemasrc

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Source is a schema repository at one version.
type Source struct {
	gitDir, rev string // git show rev:path
	dir         string // or a checkout
}

// Git reads rev (a tag) of the repository whose git directory is gitDir.
func Git(gitDir, rev string) *Source { return &Source{gitDir: gitDir, rev: rev} }

// Dir reads a checkout.
func Dir(dir string) *Source { return &Source{dir: dir} }

// Describe says where the files come from, for the generated file's header.
func (s *Source) Describe() string {
	if s.dir != "" {
		return "a checkout"
	}
	commit, err := s.git("rev-parse", s.rev+"^{commit}")
	if err != nil {
		return "tag " + s.rev
	}
	return "tag " + s.rev + " (commit " + strings.TrimSpace(string(commit)) + ")"
}

// Read returns the file at path (slash-separated, from the repository's
// root).
func (s *Source) Read(path string) ([]byte, error) {
	if s.dir != "" {
		return os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(path)))
	}
	return s.git("show", s.rev+":"+path)
}

// List returns the files under dir whose names end in ext, sorted.
func (s *Source) List(dir, ext string) ([]string, error) {
	var files []string
	if s.dir != "" {
		root := filepath.Join(s.dir, filepath.FromSlash(dir))
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ext) {
				rel, _ := filepath.Rel(s.dir, p)
				files = append(files, filepath.ToSlash(rel))
			}
			return nil
		})
		sort.Strings(files)
		return files, err
	}
	out, err := s.git("ls-tree", "-r", "--name-only", s.rev, "--", dir)
	if err != nil {
		return nil, err
	}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasSuffix(f, ext) {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	return files, nil
}

func (s *Source) git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"--git-dir=" + s.gitDir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Main is a fact generator's command line: -git and -rev, or -dir, name
// the schema repository (repo, for the help); generate writes the facts,
// to -o or standard output.
func Main(repo, defaultRev string, generate func(*Source, string) ([]byte, error)) {
	gitDir := flag.String("git", "", "the git directory of the "+repo+" repository")
	rev := flag.String("rev", defaultRev, "the version (tag) to read, with -git")
	dir := flag.String("dir", "", "a checkout of "+repo+", instead of -git")
	out := flag.String("o", "", "the file to write (default: standard output)")
	flag.Parse()
	var src *Source
	switch {
	case *dir != "":
		src = Dir(*dir)
	case *gitDir != "":
		src = Git(*gitDir, *rev)
	default:
		fmt.Fprintln(os.Stderr, "factsgen: -git or -dir is required")
		os.Exit(2)
	}
	b, err := generate(src, *rev)
	if err != nil {
		fmt.Fprintln(os.Stderr, "factsgen:", err)
		os.Exit(1)
	}
	if *out == "" {
		os.Stdout.Write(b)
		return
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "factsgen:", err)
		os.Exit(1)
	}
}
