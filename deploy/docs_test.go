package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/pamaudit/pamaudit/docs/mdblock"
)

// docs/kubernetes.md as written: each shell block runs with bash in a copy
// of deploy/kubernetes, or is marked <!-- not run in CI: why --> before it.
// There is no cluster here: kubectl is this test binary, which renders
// `kubectl apply -k DIR` with the kustomize Go API (as kubectl does) and
// keeps what it applied, answers `rollout status` and `logs` for a
// DaemonSet it applied, and refuses anything else; $EDITOR is this binary
// too, and sets the endpoint as the block's comment says.

const docsFile = "docs/kubernetes.md"

// The endpoint the fake editor writes, which the applied settings must
// then hold.
const editedEndpoint = "http://otel-gateway.docs-test.svc:4318/v1/logs"

func TestMain(m *testing.M) {
	switch filepath.Base(os.Args[0]) {
	case "kubectl":
		os.Exit(fakeKubectl(os.Args[1:]))
	case "editor":
		os.Exit(fakeEditor(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// readBlocks returns the fenced blocks of a markdown file, a block in a
// list item without the item's indent.
func readBlocks(t *testing.T, file string) []mdblock.Block {
	t.Helper()
	blocks := mdblock.Read(readFile(t, file))
	for i, b := range blocks {
		lines := strings.Split(b.Text, "\n")
		for j, l := range lines {
			lines[j] = strings.TrimPrefix(l, "  ")
		}
		blocks[i].Text = strings.Join(lines, "\n")
	}
	return blocks
}

// docBlockTests are the blocks that run, by their first line, with the
// check of what they must leave applied.
var docBlockTests = map[string]func(*testing.T, *objects){
	"cp -r deploy/kubernetes/collector/overlays/default my-overlay":  appliedDaemonSet(engines[0]),
	"cp -r deploy/kubernetes/fluent-bit/overlays/default my-overlay": appliedDaemonSet(engines[1]),
	"cp -r deploy/kubernetes/gateway/overlays/default my-gateway":    appliedGateway,
}

// appliedDaemonSet: the DaemonSet keeps the invariants, with the edited
// endpoint.
func appliedDaemonSet(e engine) func(*testing.T, *objects) {
	return func(t *testing.T, o *objects) {
		ds := o.daemonSet(t, e.name)
		checkDaemonSet(t, e, ds)
		checkSettings(t, e, o, ds)
		if ep := o.configMap(t, e.name+"-settings").Data["PAMAUDIT_OTLP_ENDPOINT"]; ep != editedEndpoint {
			t.Errorf("the applied endpoint is %q, not the one the editor set (%s)", ep, editedEndpoint)
		}
	}
}

// appliedGateway: the gateway with the edited backend endpoint, its
// autoscaler and budget, and the collector agent sending to its Service.
func appliedGateway(t *testing.T, o *objects) {
	d := o.deployment(t, gatewayName)
	checkContainer(t, d.Spec.Template.Spec, d.Spec.Template.Spec.Containers[0])
	if ep := o.configMap(t, gatewayName+"-settings").Data["PAMAUDIT_OTLP_ENDPOINT"]; ep != editedEndpoint {
		t.Errorf("the gateway's endpoint is %q, not the one the editor set (%s)", ep, editedEndpoint)
	}
	if len(o.autoscalers) != 1 || len(o.budgets) != 1 {
		t.Errorf("the autoscaler and the disruption budget were not applied")
	}
	ds := o.daemonSet(t, engines[0].name)
	checkDaemonSet(t, engines[0], ds)
	agent := o.configMap(t, engines[0].name+"-config").Data["config.yaml"]
	if at(mustYAML(t, agent), "exporters", "otlp/gateway") == nil {
		t.Errorf("the applied agent does not forward to the gateway")
	}
	if got, want := o.configMap(t, engines[0].name+"-settings").Data["PAMAUDIT_OTLP_ENDPOINT"], gatewayAddress(t, o, "otlp-grpc"); got != want {
		t.Errorf("the agent sends to %s, want the gateway's %s", got, want)
	}
}

func firstLine(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(strings.SplitN(l, " #", 2)[0]); l != "" {
			return l
		}
	}
	return ""
}

func TestKubernetesDocBlocks(t *testing.T) {
	ran := 0
	for _, b := range readBlocks(t, docsFile) {
		if b.Lang != "sh" {
			continue
		}
		check, ok := docBlockTests[firstLine(b.Text)]
		switch {
		case b.NotRun != "" && ok:
			t.Errorf("%s:%d: marked not run in CI, but this test runs it", docsFile, b.Line)
			continue
		case b.NotRun != "":
			t.Logf("%s:%d %q: not run in CI: %s", docsFile, b.Line, firstLine(b.Text), b.NotRun)
			continue
		case !ok:
			t.Errorf("%s:%d: a shell block that no test runs: add it to docBlockTests in deploy/docs_test.go, or mark it <!-- not run in CI: why -->\n%s", docsFile, b.Line, b.Text)
			continue
		}
		ran++
		t.Run(fmt.Sprintf("line%d", b.Line), func(t *testing.T) { runKubernetesBlock(t, b, check) })
	}
	if ran != len(docBlockTests) {
		t.Errorf("%d blocks ran, %d are listed", ran, len(docBlockTests))
	}
}

func runKubernetesBlock(t *testing.T, b mdblock.Block, check func(*testing.T, *objects)) {
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "deploy", "kubernetes"), os.DirFS("kubernetes")); err != nil {
		t.Fatal(err)
	}
	bin := mdblock.FakeBin(t, "kubectl", "editor")
	state := t.TempDir()
	sh := mdblock.StartShell(t, b.Text, dir, []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"EDITOR=" + filepath.Join(bin, "editor"), "FAKE_KUBECTL_STATE=" + state}, "-e", "-o", "pipefail")
	if !sh.Wait(2 * time.Minute) {
		sh.Stop(0)
		t.Fatalf("did not end:\n%s", sh.Out.String())
	}
	out := sh.Out.String()
	if err := sh.Err(); err != nil {
		t.Fatalf("%v\n%s\noutput:\n%s", err, b.Text, out)
	}
	t.Logf("output:\n%s", out)
	applied, err := os.ReadFile(filepath.Join(state, "applied.yaml"))
	if err != nil {
		t.Fatalf("nothing applied: %v\n%s", err, out)
	}
	o := decodeAll(t, "applied", applied)
	o.renderedYAML = applied
	check(t, o)
}

// fakeEditor sets PAMAUDIT_OTLP_ENDPOINT in the kustomization it is given.
func fakeEditor(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "editor: one file")
		return 1
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	re := regexp.MustCompile(`PAMAUDIT_OTLP_ENDPOINT=\S+`)
	if !re.Match(b) {
		fmt.Fprintf(os.Stderr, "editor: %s sets no PAMAUDIT_OTLP_ENDPOINT\n", args[0])
		return 1
	}
	b = re.ReplaceAll(b, []byte("PAMAUDIT_OTLP_ENDPOINT="+editedEndpoint))
	if err := os.WriteFile(args[0], b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// fakeKubectl: apply -k, rollout status and logs of what was applied.
func fakeKubectl(args []string) int {
	state := os.Getenv("FAKE_KUBECTL_STATE")
	ns := ""
	var rest []string
	for i := 0; i < len(args); i++ {
		if (args[i] == "-n" || args[i] == "--namespace") && i+1 < len(args) {
			ns = args[i+1]
			i++
			continue
		}
		rest = append(rest, args[i])
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(os.Stderr, "kubectl (docs test): "+format+"\n", a...)
		return 1
	}
	switch {
	case len(rest) == 3 && rest[0] == "apply" && rest[1] == "-k":
		m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), rest[2])
		if err != nil {
			return fail("%v", err)
		}
		y, err := m.AsYaml()
		if err != nil {
			return fail("%v", err)
		}
		// Each apply adds its objects to what was applied before.
		f, err := os.OpenFile(filepath.Join(state, "applied.yaml"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err == nil {
			_, err = f.Write(append([]byte("\n---\n"), y...))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return fail("%v", err)
		}
		for _, r := range m.Resources() {
			fmt.Printf("%s/%s created\n", strings.ToLower(r.GetKind()), r.GetName())
		}
		return 0
	case len(rest) == 3 && rest[0] == "rollout" && rest[1] == "status", len(rest) == 2 && rest[0] == "logs":
		kind, name, _ := strings.Cut(rest[len(rest)-1], "/")
		kinds := map[string]string{"daemonset": "DaemonSet", "deployment": "Deployment"}
		if kinds[kind] == "" || (kind == "deployment" && rest[0] == "logs") {
			return fail("%s: only daemonset/NAME, or deployment/NAME for rollout status", rest[len(rest)-1])
		}
		b, err := os.ReadFile(filepath.Join(state, "applied.yaml"))
		if err != nil {
			return fail("nothing applied")
		}
		found := false
		for _, doc := range splitDocs(b) {
			var meta struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name      string `json:"name"`
					Namespace string `json:"namespace"`
				} `json:"metadata"`
			}
			if yaml.Unmarshal(doc, &meta) == nil && meta.Kind == kinds[kind] && meta.Metadata.Name == name && meta.Metadata.Namespace == ns {
				found = true
			}
		}
		if !found {
			return fail("no %s %s in namespace %q was applied", kinds[kind], name, ns)
		}
		if rest[0] == "rollout" {
			fmt.Printf("%s %q successfully rolled out\n", kind, name)
		}
		return 0 // logs: no cluster, no log lines
	}
	return fail("%v: not simulated", args)
}

// The LoadBalancer patch of "Syslog from PAM appliances", added to a copy
// of the collector's default overlay as the docs say ("in your overlay"),
// makes the syslog Service a LoadBalancer that keeps the client address.
func TestKubernetesDocLoadBalancerPatch(t *testing.T) {
	var patch string
	for _, b := range readBlocks(t, docsFile) {
		if b.Lang == "yaml" && strings.Contains(b.Text, "LoadBalancer") {
			patch = b.Text
		}
	}
	if patch == "" {
		t.Fatalf("%s has no LoadBalancer patch", docsFile)
	}
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "deploy", "kubernetes"), os.DirFS("kubernetes")); err != nil {
		t.Fatal(err)
	}
	overlay := filepath.Join(dir, "my-overlay")
	if err := os.CopyFS(overlay, os.DirFS(filepath.Join("kubernetes", "collector", "overlays", "default"))); err != nil {
		t.Fatal(err)
	}
	k, err := os.ReadFile(filepath.Join(overlay, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	k = []byte(strings.ReplaceAll(string(k), "../../base", "../deploy/kubernetes/collector/base") + "\n" + patch + "\n")
	if err := os.WriteFile(filepath.Join(overlay, "kustomization.yaml"), k, 0o644); err != nil {
		t.Fatal(err)
	}
	o := render(t, overlay)
	for _, s := range o.services {
		if s.Name == "otelcol-pamaudit-syslog" {
			if s.Spec.Type != "LoadBalancer" || s.Spec.ExternalTrafficPolicy != "Local" {
				t.Errorf("the patched Service: type %s, externalTrafficPolicy %s", s.Spec.Type, s.Spec.ExternalTrafficPolicy)
			}
			return
		}
	}
	t.Error("no Service otelcol-pamaudit-syslog")
}
