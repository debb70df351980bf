// Package flbsim stands in for Fluent Bit where there is none (CI): it reads
// a Fluent Bit configuration, classic or YAML, as Fluent Bit 5.1.1 does
// (environment variables with ${NAME} and ${NAME:-default}; plugins_file and
// parsers_file looked up from the working directory, then beside the
// configuration file; plugin paths opened from the working directory, as
// dlopen does), and runs the pipeline the configuration describes with
// the few inputs and outputs the examples use: tail (read_from_head,
// multiline regex parsers), forward and syslog inputs; stdout and null
// outputs, and the pamaudit plugin loaded by the C harness (flb-harness),
// which calls it as Fluent Bit's Go proxy does. Anything else it does not
// know fails at start, naming it: a configuration the simulator cannot run
// must not pass for one that works.
//
// It is a test double for the examples and the documented commands
// (fluentbit/examples_sim_test.go, docs/docs_test.go), not Fluent Bit: its
// scheduling, buffering and retries are simpler, and the real engine is
// run by fluentbit/engine_test.go when one is at hand.
package flbsim

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// KV is a property, its value with the environment expanded.
type KV struct{ Key, Value string }

// Section is an [INPUT], [OUTPUT], [FILTER] or the [SERVICE] section.
type Section struct {
	Kind  string // input, output, filter, service
	Props []KV
}

// Get returns the value of key (case-insensitive), the first set.
func (s *Section) Get(key string) string {
	for _, p := range s.Props {
		if strings.EqualFold(p.Key, key) {
			return p.Value
		}
	}
	return ""
}

// Config is a loaded configuration.
type Config struct {
	File    string // as given
	Dir     string // Fluent Bit's conf_path: the file's directory, with a trailing slash
	Service Section
	Inputs  []Section
	Filters []Section
	Outputs []Section
	// Plugins are the plugin paths of the plugins files and the YAML
	// plugins list, as written (dlopen resolves them from the working
	// directory).
	Plugins    []string
	Parsers    map[string]*Parser
	Multilines map[string]*Multiline
}

// Parser is a regex parser ([PARSER], Format regex).
type Parser struct {
	Name       string
	Regex      *regexp.Regexp
	TimeKey    string
	TimeFormat string
	TimeKeep   bool
}

// Multiline is a multiline parser of type regex.
type Multiline struct {
	Name         string
	FlushTimeout int // milliseconds
	Rules        []MultilineRule
}

// MultilineRule is one rule: in state State, a line matching Regex
// continues (or, in start_state, starts) a record and moves to Next.
type MultilineRule struct {
	State string
	Regex *regexp.Regexp
	Next  string
}

// env expands ${NAME} and ${NAME:-default} as flb_env_var_translate does in
// Fluent Bit 5.1.1: an unset variable without a default is empty; a default
// is used when the variable is unset or empty.
type env func(string) (string, bool)

func (e env) expand(v string) string {
	var b strings.Builder
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			break
		}
		j := strings.Index(v[i:], "}")
		if j < 0 {
			break
		}
		b.WriteString(v[:i])
		name := v[i+2 : i+j]
		def, hasDef := "", false
		if k := strings.Index(name, ":-"); k >= 0 {
			name, def, hasDef = name[:k], name[k+2:], true
		}
		if val, ok := e(name); ok && !(hasDef && val == "") {
			b.WriteString(val)
		} else if hasDef {
			b.WriteString(def)
		}
		v = v[i+j+1:]
	}
	b.WriteString(v)
	return b.String()
}

// Expand expands ${NAME} and ${NAME:-default} in v as Fluent Bit 5.1.1
// does.
func Expand(v string, getenv func(string) (string, bool)) string { return env(getenv).expand(v) }

// resolve finds a file named in the configuration (plugins_file,
// parsers_file): as given, from the working directory, then, when it does
// not exist there and is relative, in the configuration's directory.
func resolve(wd, confDir, file string) (string, error) {
	p := file
	if !filepath.IsAbs(p) {
		p = filepath.Join(wd, file)
	}
	if _, err := os.Stat(p); err == nil {
		return p, nil
	} else if !errors.Is(err, os.ErrNotExist) || filepath.IsAbs(file) {
		return "", err
	}
	p = filepath.Join(wd, confDir+file)
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// Load reads the configuration file (a path relative to wd, or absolute),
// its plugins and parsers files.
func Load(wd, file string, getenv func(string) (string, bool)) (*Config, error) {
	e := env(getenv)
	path := file
	if !filepath.IsAbs(path) {
		path = filepath.Join(wd, file)
	}
	c := &Config{File: file, Parsers: map[string]*Parser{}, Multilines: map[string]*Multiline{}, Service: Section{Kind: "service"}}
	c.Dir = filepath.Dir(file) + "/"
	var err error
	switch filepath.Ext(file) {
	case ".yaml", ".yml":
		err = c.loadYAML(path, e)
	default:
		err = c.loadClassic(path, e, false)
	}
	if err != nil {
		return nil, err
	}
	if f := c.Service.Get("plugins_file"); f != "" {
		p, err := resolve(wd, c.Dir, f)
		if err != nil {
			return nil, fmt.Errorf("could not configure service property 'plugins_file' (%s): %v", f, err)
		}
		if err := c.loadPlugins(p); err != nil {
			return nil, err
		}
	}
	for _, f := range c.parsersFiles() {
		p, err := resolve(wd, c.Dir, f)
		if err != nil {
			return nil, fmt.Errorf("could not load parsers file %s: %v", f, err)
		}
		if err := c.loadClassic(p, e, true); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *Config) parsersFiles() []string {
	var out []string
	for _, p := range c.Service.Props {
		if strings.EqualFold(p.Key, "parsers_file") {
			out = append(out, p.Value)
		}
	}
	return out
}

// classicSection is a section of a classic file, its properties unexpanded.
type classicSection struct {
	name  string // upper case
	props []KV
}

func readClassic(path string) ([]classicSection, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []classicSection
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "@"):
			return nil, fmt.Errorf("%s:%d: %s: the simulator does not read @ commands", path, n, line)
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			out = append(out, classicSection{name: strings.ToUpper(strings.Trim(line, "[]"))})
		default:
			if len(out) == 0 {
				return nil, fmt.Errorf("%s:%d: a property outside a section", path, n)
			}
			k, v, _ := strings.Cut(line, " ")
			out[len(out)-1].props = append(out[len(out)-1].props, KV{k, strings.TrimSpace(v)})
		}
	}
	return out, sc.Err()
}

func expandAll(props []KV, e env) []KV {
	out := make([]KV, len(props))
	for i, p := range props {
		out[i] = KV{p.Key, e.expand(p.Value)}
	}
	return out
}

// loadClassic reads a classic configuration file; of a parsers file
// (parsersOnly) only the parser sections, as Fluent Bit does.
func (c *Config) loadClassic(path string, e env, parsersOnly bool) error {
	secs, err := readClassic(path)
	if err != nil {
		return err
	}
	for _, s := range secs {
		switch {
		case s.name == "PARSER" || s.name == "MULTILINE_PARSER":
			if err := c.addParser(s, e); err != nil {
				return fmt.Errorf("%s: %v", path, err)
			}
		case parsersOnly: // Fluent Bit reads nothing else of a parsers file
		case s.name == "SERVICE":
			c.Service.Props = append(c.Service.Props, expandAll(s.props, e)...)
		case s.name == "INPUT":
			c.Inputs = append(c.Inputs, Section{Kind: "input", Props: expandAll(s.props, e)})
		case s.name == "FILTER":
			c.Filters = append(c.Filters, Section{Kind: "filter", Props: expandAll(s.props, e)})
		case s.name == "OUTPUT":
			c.Outputs = append(c.Outputs, Section{Kind: "output", Props: expandAll(s.props, e)})
		default:
			return fmt.Errorf("%s: section [%s]: not one the simulator reads", path, s.name)
		}
	}
	return nil
}

// stripSlashes takes the /.../ off a Fluent Bit regex.
func stripSlashes(re string) string {
	if len(re) >= 2 && re[0] == '/' && re[len(re)-1] == '/' {
		return re[1 : len(re)-1]
	}
	return re
}

// onigmo turns the Onigmo syntax the parsers use into Go's: Go reads
// (?<name>...) since 1.22, and \h (hex digit) it does not know.
func compile(re string) (*regexp.Regexp, error) {
	return regexp.Compile(strings.ReplaceAll(stripSlashes(re), `\h`, `[0-9a-fA-F]`))
}

// ruleRe reads a classic rule line: "state" "/regex/" "next".
var ruleRe = regexp.MustCompile(`^"([^"]*)"\s+"(.*)"\s+"([^"]*)"$`)

func (c *Config) addParser(s classicSection, e env) error {
	get := func(k string) string {
		for _, p := range s.props {
			if strings.EqualFold(p.Key, k) {
				return e.expand(p.Value)
			}
		}
		return ""
	}
	name := get("name")
	if s.name == "PARSER" {
		if !strings.EqualFold(get("format"), "regex") {
			// Only regex parsers are simulated; others are left out, and an
			// input that names one fails at start.
			return nil
		}
		re, err := compile(get("regex"))
		if err != nil {
			return fmt.Errorf("parser %s: %v", name, err)
		}
		keep, _ := parseBool(get("time_keep"))
		c.Parsers[name] = &Parser{Name: name, Regex: re, TimeKey: get("time_key"), TimeFormat: get("time_format"), TimeKeep: keep}
		return nil
	}
	if !strings.EqualFold(get("type"), "regex") {
		return fmt.Errorf("multiline parser %s: type %q: the simulator has only regex", name, get("type"))
	}
	m := &Multiline{Name: name, FlushTimeout: 4000}
	if v := get("flush_timeout"); v != "" {
		m.FlushTimeout, _ = strconv.Atoi(v)
	}
	for _, p := range s.props {
		if !strings.EqualFold(p.Key, "rule") {
			continue
		}
		sm := ruleRe.FindStringSubmatch(p.Value)
		if sm == nil {
			return fmt.Errorf("multiline parser %s: rule %s", name, p.Value)
		}
		re, err := compile(sm[2])
		if err != nil {
			return fmt.Errorf("multiline parser %s: %v", name, err)
		}
		m.Rules = append(m.Rules, MultilineRule{sm[1], re, sm[3]})
	}
	c.Multilines[name] = m
	return nil
}

// The YAML format's parts the simulator reads.
type yamlConfig struct {
	Service    map[string]any   `yaml:"service"`
	Plugins    []string         `yaml:"plugins"`
	Parsers    []map[string]any `yaml:"parsers"`
	Multilines []struct {
		Name         string `yaml:"name"`
		Type         string `yaml:"type"`
		FlushTimeout int    `yaml:"flush_timeout"`
		Rules        []struct {
			State     string `yaml:"state"`
			Regex     string `yaml:"regex"`
			NextState string `yaml:"next_state"`
		} `yaml:"rules"`
	} `yaml:"multiline_parsers"`
	Pipeline struct {
		Inputs  []map[string]any `yaml:"inputs"`
		Filters []map[string]any `yaml:"filters"`
		Outputs []map[string]any `yaml:"outputs"`
	} `yaml:"pipeline"`
	Includes []string `yaml:"includes"`
}

func yamlProps(m map[string]any, e env) []KV {
	var out []KV
	for k, v := range m {
		out = append(out, KV{k, e.expand(YAMLValue(v))})
	}
	return out
}

// YAMLValue is a property's YAML value (as go.yaml.in/yaml decodes it into
// an any) as the text Fluent Bit reads from it.
func YAMLValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

func (c *Config) loadYAML(path string, e env) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var y yamlConfig
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&y); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if len(y.Includes) > 0 {
		return fmt.Errorf("%s: the simulator does not read includes", path)
	}
	c.Service.Props = yamlProps(y.Service, e)
	c.Plugins = append(c.Plugins, y.Plugins...)
	for _, p := range y.Parsers {
		props := yamlProps(p, e)
		if err := c.addParser(classicSection{name: "PARSER", props: props}, e); err != nil {
			return err
		}
	}
	for _, m := range y.Multilines {
		if m.Type != "regex" {
			return fmt.Errorf("multiline parser %s: type %q: the simulator has only regex", m.Name, m.Type)
		}
		ml := &Multiline{Name: m.Name, FlushTimeout: m.FlushTimeout}
		for _, r := range m.Rules {
			re, err := compile(r.Regex)
			if err != nil {
				return fmt.Errorf("multiline parser %s: %v", m.Name, err)
			}
			ml.Rules = append(ml.Rules, MultilineRule{r.State, re, r.NextState})
		}
		c.Multilines[m.Name] = ml
	}
	for _, in := range y.Pipeline.Inputs {
		c.Inputs = append(c.Inputs, Section{Kind: "input", Props: yamlProps(in, e)})
	}
	for _, f := range y.Pipeline.Filters {
		c.Filters = append(c.Filters, Section{Kind: "filter", Props: yamlProps(f, e)})
	}
	for _, o := range y.Pipeline.Outputs {
		c.Outputs = append(c.Outputs, Section{Kind: "output", Props: yamlProps(o, e)})
	}
	return nil
}

// loadPlugins reads a plugins file: [PLUGINS] Path entries (classic), or
// a plugins list (YAML).
func (c *Config) loadPlugins(path string) error {
	if ext := filepath.Ext(path); ext == ".yaml" || ext == ".yml" {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var y struct {
			Plugins []string `yaml:"plugins"`
		}
		if err := yaml.Unmarshal(b, &y); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		c.Plugins = append(c.Plugins, y.Plugins...)
		return nil
	}
	secs, err := readClassic(path)
	if err != nil {
		return err
	}
	for _, s := range secs {
		if s.name != "PLUGINS" {
			continue
		}
		for _, p := range s.props {
			if strings.EqualFold(p.Key, "path") {
				c.Plugins = append(c.Plugins, p.Value)
			}
		}
	}
	return nil
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1":
		return true, true
	case "off", "false", "no", "0", "":
		return false, true
	}
	return false, false
}
