package secretgen

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/pamaudit/pamaudit/internal/scan"
)

// The oracle is slow and plain on purpose: every emitted string, and the
// raw output, searched for every form of every secret.

// Forms are the ways a secret s may stand in an output: as it is, JSON-
// escaped once and twice, URL-encoded (query and path escaping), decoded
// from a query (+ as a space), and with / escaped as \/.
func Forms(s string) []string {
	var out []string
	add := func(f string) {
		if f == "" {
			return
		}
		for _, g := range out {
			if g == f {
				return
			}
		}
		out = append(out, f)
	}
	add(s)
	once := jsonEscape(s)
	add(once)
	add(jsonEscape(once))
	add(url.QueryEscape(s))
	add(url.PathEscape(s))
	if u, err := url.QueryUnescape(s); err == nil {
		add(u)
	}
	add(strings.ReplaceAll(s, "/", `\/`))
	return out
}

// jsonEscape is s as encoding/json writes it inside a string's quotes.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// Leak is a secret found in an output.
type Leak struct {
	Secret string
	Form   string // the form found: the secret itself or an escaped form
	// Where is the emitted string that holds it: a path into the
	// output's JSON (body, attributes[netwrix.log], unmapped[…]), or
	// "raw output" when only the output's bytes hold it.
	Where string
}

// Leaks returns the secrets out holds, in any form, in the order of
// secrets. out is a face's output: JSON values (one per line or not), or
// any text.
func Leaks(out string, secrets []string) []string {
	leaked := map[string]bool{}
	for _, l := range Find(out, secrets) {
		leaked[l.Secret] = true
	}
	var found []string
	for _, s := range secrets {
		if leaked[s] {
			found = append(found, s)
		}
	}
	return found
}

// Find returns every place out holds a secret: each string of each JSON
// value it decodes to (map keys and values, at any depth), and the raw
// bytes, for a secret that no decoded string holds.
func Find(out string, secrets []string) []Leak {
	fs := formsOf(secrets)
	var leaks []Leak
	d := json.NewDecoder(strings.NewReader(out))
	d.UseNumber()
	for n := 0; ; n++ {
		var v any
		if err := d.Decode(&v); err != nil {
			break // the end, or text that is no JSON: the raw search covers it
		}
		prefix := ""
		if n > 0 {
			prefix = "#" + strconv.Itoa(n) + " "
		}
		leaks = append(leaks, findIn(v, prefix, fs)...)
	}
	return fs.raw(out, leaks)
}

// FindRaw adds to leaks the secrets that no leak names yet and that raw,
// a face's output bytes, holds in any form, at "raw output".
func FindRaw(raw string, secrets []string, leaks []Leak) []Leak {
	return formsOf(secrets).raw(raw, leaks)
}

// forms are the secrets with their Forms.
type forms struct {
	secrets []string
	forms   [][]string
}

func formsOf(secrets []string) *forms {
	fs := &forms{secrets: secrets}
	for _, s := range secrets {
		fs.forms = append(fs.forms, Forms(s))
	}
	return fs
}

func (fs *forms) raw(raw string, leaks []Leak) []Leak {
	raw = maskPseudonyms(raw)
	for i, s := range fs.secrets {
		seen := false
		for _, l := range leaks {
			seen = seen || l.Secret == s
		}
		if seen {
			continue
		}
		for _, f := range fs.forms[i] {
			if strings.Contains(raw, f) {
				leaks = append(leaks, Leak{Secret: s, Form: f, Where: "raw output"})
				break
			}
		}
	}
	return leaks
}

// FindValue returns every place v, a decoded value (maps, slices, strings,
// numbers, as encoding/json or a MessagePack decoder gives them), holds a
// secret.
func FindValue(v any, secrets []string) []Leak { return findIn(v, "", formsOf(secrets)) }

func findIn(v any, prefix string, fs *forms) []Leak {
	var leaks []Leak
	walk(v, "", func(where, s string) {
		leaks = fs.search(prefix+where, s, leaks)
	})
	return leaks
}

// FindStrings returns every place the strings each hands to visit hold a
// secret; where names each string.
func FindStrings(each func(visit func(where, s string)), secrets []string) []Leak {
	fs := formsOf(secrets)
	var leaks []Leak
	each(func(where, s string) { leaks = fs.search(where, s, leaks) })
	return leaks
}

// search appends to leaks the secrets s holds. A key is also searched for
// the secret's letters and digits, lower case, in order: a face makes keys
// of names (snake case, a namespace), and a secret in a name comes out so.
func (fs *forms) search(where, s string, leaks []Leak) []Leak {
	s = maskPseudonyms(s)
	key := strings.HasSuffix(where, " (the key)")
	folded := ""
	if key {
		folded = scan.AlnumLower(s)
	}
	for i, sec := range fs.secrets {
		found := false
		for _, f := range fs.forms[i] {
			if strings.Contains(s, f) {
				leaks = append(leaks, Leak{Secret: sec, Form: f, Where: where})
				found = true
				break
			}
		}
		// Eight letters and digits at least: shorter ones would match
		// words of keys by chance.
		if f := scan.AlnumLower(sec); !found && key && len(f) >= 8 && strings.Contains(folded, f) {
			leaks = append(leaks, Leak{Secret: sec, Form: f + " (letters and digits, lower case)", Where: where})
		}
	}
	return leaks
}

// walk visits every string of v, map keys included, with its path.
func walk(v any, path string, visit func(where, s string)) {
	child := func(k string) string {
		if path == "" {
			return k
		}
		return path + "[" + k + "]"
	}
	switch x := v.(type) {
	case string:
		visit(path, x)
	case []byte:
		visit(path, string(x))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			visit(child(k)+" (the key)", k)
			walk(x[k], child(k), visit)
		}
	case map[any]any:
		for k, e := range x {
			ks, _ := k.(string)
			walk(k, child(ks)+" (the key)", visit)
			walk(e, child(ks), visit)
		}
	case []any:
		for i, e := range x {
			walk(e, path+"["+strconv.Itoa(i)+"]", visit)
		}
	case []string:
		for i, e := range x {
			visit(path+"["+strconv.Itoa(i)+"]", e)
		}
	}
}

// maskPseudonyms hides the hex of every keyed pseudonym in s ("hmac:" and
// 16 lower-case hex digits), keeping the length: a pseudonym is a keyed
// hash, the redaction itself, and its hex holds a short secret by chance
// ("87b" in "hmac:487b9670f8ca8876"), which the control, whose pseudonyms
// differ, cannot dismiss.
func maskPseudonyms(s string) string {
	const prefix, hexLen = "hmac:", 16
	if !strings.Contains(s, prefix) {
		return s
	}
	b := []byte(s)
	for i := 0; ; {
		k := strings.Index(s[i:], prefix)
		if k < 0 {
			return string(b)
		}
		i += k + len(prefix)
		n := 0
		for n < hexLen && i+n < len(s) && (s[i+n] >= '0' && s[i+n] <= '9' || s[i+n] >= 'a' && s[i+n] <= 'f') {
			n++
		}
		if n == hexLen {
			for j := i; j < i+n; j++ {
				b[j] = '#'
			}
		}
	}
}
