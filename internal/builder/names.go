package builder

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/redact"
	"github.com/pamaudit/pamaudit/internal/scan"
	"github.com/pamaudit/pamaudit/record"
)

// names turns the raw names a product reads into attribute keys, once: the
// Field of a raw name in a product's namespace, and interned keys built in
// scratch space.
type names struct {
	fields  [256]*Field          // direct-mapped cache of Field by scan.Slot256
	nsKeys  [8]map[string]*Field // product namespace fields by raw name, per format
	keys    map[string]string    // interned attribute keys
	scratch []byte               // scratch space for building keys
}

// maxInternedKeys bounds the key cache: hostile input must not grow it
// without end.
const maxInternedKeys = 8192

func newNames() names { return names{keys: make(map[string]string, 64)} }

// Intern returns k as a string, from the cache when it was seen before, so
// that keys built in scratch space cost no allocation in steady state.
func (n *names) Intern(k []byte) string {
	if s, ok := n.keys[string(k)]; ok {
		return s
	}
	s := string(k)
	if len(n.keys) < maxInternedKeys {
		n.keys[s] = s
	}
	return s
}

// Field is what the parser knows of a raw field name: its key in the
// product namespace and whether its value is a secret.
type Field struct {
	Key    string      // the key in the product namespace
	Secret bool        // the value is a secret
	Kind   redact.Kind // what a secret value is made of
	raw    string      // the raw name, owned by the cache
	format record.Format

	gen    uint64 // the stamp of the last record that held it (Repeat); uncachedGen: not cached
	v0, v1 int    // where its value was in that record
}

// fieldSlow returns the Field of a raw name of format, whose namespace is
// prefix, from the map or made; r says which names are secrets.
func (n *names) fieldSlow(name string, format record.Format, prefix string, r *redact.Redactor) *Field {
	m := n.nsKeys[format]
	if f, ok := m[name]; ok {
		return f
	}
	raw := name
	if r.Enabled() && redact.MayMention(name) {
		// A name that embeds a secret ("authorization=Bearer …" as a
		// JSON member's name) makes a key without it: keys are strings
		// the record emits too.
		if sp := r.Find(name, 0, nil, true); len(sp) > 0 {
			name = string(r.Replace(nil, name, sp))
		}
	}
	k := append(n.scratch[:0], prefix...)
	last := name
	for rest := name; ; {
		seg, tail, more := strings.Cut(rest, ".")
		if seg == "" {
			k = append(k, '_') // an empty JSON key still names a field
		} else {
			k = scan.AppendSnake(k, seg)
		}
		last = seg
		if !more {
			break
		}
		k = append(k, '.')
		rest = tail
	}
	n.scratch = k
	key := string(k)
	// A secret by its raw name ("Set-Cookie") or by its key ("set_cookie").
	secret := r.IsSecret(last) || r.IsSecret(key[strings.LastIndexByte(key, '.')+1:])
	f := &Field{Key: key, Secret: secret, raw: strings.Clone(raw), format: format}
	if secret {
		if f.Kind = redact.KindOf(last); f.Kind == redact.KindWhole {
			f.Kind = redact.KindOf(key[strings.LastIndexByte(key, '.')+1:])
		}
	}
	if m == nil {
		m = make(map[string]*Field, 64)
		n.nsKeys[format] = m
	}
	if len(m) < maxInternedKeys {
		m[f.raw] = f
	} else {
		f.gen = uncachedGen
	}
	return f
}
