package deploy

import (
	"cmp"
	"debug/buildinfo"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The images: `make images` builds them with the Dockerfiles of
// deploy/images, whose build steps are Makefile targets that `make test`
// runs too, so what CI tests is what the images hold. No container engine
// runs here: the Dockerfiles are checked, not built.

// dockerfile is a parsed Dockerfile: its stages, each with its FROM image
// and its instructions (continuation lines joined).
type dockerfile struct {
	args   map[string]string // global ARG defaults
	stages []stage
}

type stage struct {
	from, name string
	instrs     [][2]string // instruction, arguments
}

func parseDockerfile(t *testing.T, path string) dockerfile {
	t.Helper()
	text := readFile(t, path)
	d := dockerfile{args: map[string]string{}}
	text = strings.ReplaceAll(text, "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		instr = strings.ToUpper(instr)
		rest = strings.TrimSpace(rest)
		switch {
		case instr == "ARG" && len(d.stages) == 0:
			k, v, _ := strings.Cut(rest, "=")
			d.args[k] = v
		case instr == "FROM":
			f := strings.Fields(rest)
			s := stage{from: regexp.MustCompile(`\$\{(\w+)\}`).ReplaceAllStringFunc(f[0], func(m string) string { return d.args[m[2:len(m)-1]] })}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			d.stages = append(d.stages, s)
		default:
			if len(d.stages) == 0 {
				t.Fatalf("%s: %s before FROM", path, instr)
			}
			s := &d.stages[len(d.stages)-1]
			s.instrs = append(s.instrs, [2]string{instr, rest})
		}
	}
	return d
}

// dockerfileArg returns the default of a global ARG.
func dockerfileArg(t *testing.T, path, name string) string {
	t.Helper()
	v := parseDockerfile(t, path).args[name]
	if v == "" {
		t.Fatalf("%s has no ARG %s", path, name)
	}
	return v
}

// imageBuild is one `docker build` of `make images`.
type imageBuild struct{ dockerfile, tag string }

// imageBuilds runs `make -n images` and reads its docker build commands.
func imageBuilds(t *testing.T) []imageBuild {
	t.Helper()
	out, err := exec.Command("make", "-s", "--no-print-directory", "-C", root, "-n", "images").Output()
	if err != nil {
		t.Fatalf("make -n images: %v", err)
	}
	var builds []imageBuild
	re := regexp.MustCompile(`^docker build -f (\S+) -t (\S+) \.$`)
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("make images runs %q", l)
		}
		builds = append(builds, imageBuild{m[1], m[2]})
	}
	return builds
}

// testTargets returns the targets the Makefile's test target runs: its
// prerequisites, and the goals of the sub-make its recipe runs them side
// by side with ("$(MAKE) -j4 -O a b").
func testTargets(t *testing.T) map[string]bool {
	t.Helper()
	m := regexp.MustCompile(`(?m)^test:(.*)\n((?:\t.*\n)*)`).FindStringSubmatch(readFile(t, "Makefile"))
	if m == nil {
		t.Fatal("the Makefile has no test target")
	}
	targets := map[string]bool{}
	for _, f := range strings.Fields(m[1]) {
		targets[f] = true
	}
	for _, line := range strings.Split(m[2], "\n") {
		fs := strings.Fields(line)
		if len(fs) == 0 || fs[0] != "$(MAKE)" {
			continue
		}
		for _, f := range fs[1:] {
			if !strings.HasPrefix(f, "-") {
				targets[f] = true
			}
		}
	}
	return targets
}

// Each image `make images` builds has its Dockerfile; the build stage runs
// only Makefile targets that `make test` runs, and the final stage copies
// the very files those targets make.
func TestDockerfilesRunMakeTargets(t *testing.T) {
	builds := imageBuilds(t)
	if len(builds) != 3 {
		t.Fatalf("make images builds %d images, want 3", len(builds))
	}
	tags := map[string]string{}
	for _, b := range builds {
		tags[filepath.Base(filepath.Dir(b.dockerfile))] = b.tag
	}
	for dir, v := range map[string]string{"otelcol": "OTELCOL_IMAGE", "fluent-bit": "FLUENTBIT_IMAGE", "plugin-init": "PLUGIN_IMAGE"} {
		if tags[dir] != makeVar(t, v) {
			t.Errorf("deploy/images/%s is tagged %q, want $(%s) %q", dir, tags[dir], v, makeVar(t, v))
		}
	}
	inTest := testTargets(t)
	outputs := map[string]string{"otelcol": makeVar(t, "OTELCOL"), "fluentbit": makeVar(t, "PLUGIN")}
	for _, b := range builds {
		d := parseDockerfile(t, strings.TrimPrefix(b.dockerfile, "./"))
		if len(d.stages) != 2 || d.stages[0].name != "build" {
			t.Fatalf("%s: want a build stage and a final stage", b.dockerfile)
		}
		build, final := d.stages[0], d.stages[1]
		if !regexp.MustCompile(`^golang:[0-9.]+-bookworm$`).MatchString(build.from) {
			t.Errorf("%s: the build stage is %s, want golang:*-bookworm (a C library no newer than fluent/fluent-bit 5.1.1's)", b.dockerfile, build.from)
		}
		var made []string
		for _, in := range build.instrs {
			switch in[0] {
			case "RUN":
				f := strings.Fields(in[1])
				if len(f) != 2 || f[0] != "make" || !inTest[f[1]] {
					t.Errorf("%s: RUN %s is not a Makefile target that make test runs", b.dockerfile, in[1])
					continue
				}
				made = append(made, outputs[f[1]])
			case "WORKDIR", "COPY", "ENV":
			default:
				t.Errorf("%s: %s in the build stage", b.dockerfile, in[0])
			}
		}
		for _, in := range final.instrs {
			if in[0] != "COPY" || !strings.HasPrefix(in[1], "--from=build ") {
				continue
			}
			src := strings.Fields(in[1])[1]
			rel, ok := strings.CutPrefix(src, "/src/")
			if !ok || !contains(made, rel) {
				t.Errorf("%s: copies %s, which no make target of the build stage makes (%v)", b.dockerfile, src, made)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The images run as non-root users; the plugin lands where plugins.conf
// and the init container expect it; the collector's entry point is the
// binary the Helm values name.
func TestImageLayout(t *testing.T) {
	col := parseDockerfile(t, "deploy/images/otelcol/Dockerfile").stages[1]
	if !strings.HasPrefix(col.from, "gcr.io/distroless/static") {
		t.Errorf("otelcol: final stage %s, want distroless static", col.from)
	}
	checkUser(t, "otelcol", col)
	if ep := instr(col, "ENTRYPOINT"); ep != `["/otelcol-pamaudit"]` {
		t.Errorf("otelcol: ENTRYPOINT %s", ep)
	}
	if !strings.Contains(readFile(t, "deploy/images/otelcol/Dockerfile"), "ENV CGO_ENABLED=0") {
		t.Errorf("otelcol: CGO_ENABLED=0 is not set for the build")
	}
	if regexp.MustCompile(`(?m)^\s*cgo_enabled:\s*true`).MatchString(readFile(t, "builder-config.yaml")) {
		t.Errorf("builder-config.yaml enables cgo: the binary would not run on distroless static")
	}

	fb := parseDockerfile(t, "deploy/images/fluent-bit/Dockerfile")
	if fb.stages[1].from != "fluent/fluent-bit:5.1.1" {
		t.Errorf("fluent-bit: based on %s", fb.stages[1].from)
	}
	if !strings.Contains(instrs(fb.stages[1], "COPY"), "/src/"+makeVar(t, "PLUGIN")+" /fluent-bit/plugins/pamaudit.so") {
		t.Errorf("fluent-bit: the plugin is not copied to /fluent-bit/plugins/pamaudit.so")
	}
	for _, f := range []string{"plugins.conf", "plugins.yaml"} {
		if !strings.Contains(readFile(t, "deploy/images/fluent-bit/"+f), "/fluent-bit/plugins/pamaudit.so") {
			t.Errorf("deploy/images/fluent-bit/%s does not load /fluent-bit/plugins/pamaudit.so", f)
		}
	}
	pi := parseDockerfile(t, "deploy/images/plugin-init/Dockerfile").stages[1]
	checkUser(t, "plugin-init", pi)
	if !strings.Contains(instrs(pi, "COPY"), " /pamaudit/pamaudit.so") {
		t.Errorf("plugin-init: the plugin is not at /pamaudit/pamaudit.so")
	}
}

func checkUser(t *testing.T, name string, s stage) {
	u := instr(s, "USER")
	uid, err := strconv.Atoi(strings.Split(u, ":")[0])
	if err != nil || uid == 0 {
		t.Errorf("%s: USER %q, want a numeric non-root user (runAsNonRoot needs a number)", name, u)
	}
}

// instr returns the arguments of the last instruction name of a stage.
func instr(s stage, name string) string {
	all := instrs(s, name)
	return all[strings.LastIndex(all, "\n")+1:]
}

// instrs returns the arguments of every instruction name, one a line.
func instrs(s stage, name string) string {
	var v []string
	for _, in := range s.instrs {
		if in[0] == name {
			v = append(v, in[1])
		}
	}
	return strings.Join(v, "\n")
}

// The distribution `make otelcol` builds follows the environment's
// CGO_ENABLED (the Makefile compiles it with the go command's defaults, so
// the tests' build cache serves it), and built with CGO_ENABLED=0, as the
// image's build step is (TestDockerfiles checks the ENV), it is a static
// binary: no interpreter, no shared libraries, so it runs on distroless
// static. CI's own build has cgo, the tests' setting: its binary is checked
// to say so, and the static check runs on any build made with
// CGO_ENABLED=0 (PAMAUDIT_OTELCOL=… from `CGO_ENABLED=0 make otelcol`).
func TestDistributionIsStatic(t *testing.T) {
	bin := artifact(t, "PAMAUDIT_OTELCOL", "build/otelcol-pamaudit/otelcol-pamaudit")
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	cgo := ""
	for _, s := range info.Settings {
		if s.Key == "CGO_ENABLED" {
			cgo = s.Value
		}
	}
	if want := cmp.Or(os.Getenv("CGO_ENABLED"), "1"); cgo != want {
		t.Errorf("%s was built with CGO_ENABLED=%q, the environment says %q: the Makefile must not set it", bin, cgo, want)
	}
	if cgo != "0" {
		t.Skipf("%s was built with cgo (CGO_ENABLED=%q): the static check is for CGO_ENABLED=0 builds, as the image's", bin, cgo)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has an ELF interpreter: it is dynamically linked", bin)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s needs %v", bin, libs)
	}
}

// The plugin `make fluentbit` builds needs no glibc symbol newer than 2.41,
// the C library of fluent/fluent-bit 5.1.1 (distroless cc-debian13): built
// elsewhere than the image, it still loads there.
func TestPluginGlibc(t *testing.T) {
	so := artifact(t, "PAMAUDIT_PLUGIN", "build/pamaudit.so")
	f, err := elf.Open(so)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.ImportedSymbols()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range syms {
		v, ok := strings.CutPrefix(s.Version, "GLIBC_")
		if !ok {
			continue
		}
		n++
		major, minor, _ := strings.Cut(v, ".")
		minor, _, _ = strings.Cut(minor, ".")
		a, _ := strconv.Atoi(major)
		b, _ := strconv.Atoi(minor)
		if a > 2 || (a == 2 && b > 41) {
			t.Errorf("%s needs %s@GLIBC_%s, newer than the image's 2.41", so, s.Name, v)
		}
	}
	if n == 0 {
		t.Fatalf("%s imports no versioned glibc symbol: not a cgo shared object?", so)
	}
}
