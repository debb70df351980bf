package secretgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// jnode is a JSON value that keeps its members' order.
type jnode struct {
	kind byte // 'o' object, 'a' array, 's' string, 'l' literal (number, true, false, null)
	keys []string
	vals []*jnode
	str  string
}

func jstr(s string) *jnode { return &jnode{kind: 's', str: s} }
func jlit(s string) *jnode { return &jnode{kind: 'l', str: s} }
func jarr(v ...*jnode) *jnode {
	return &jnode{kind: 'a', vals: v}
}

// jobj builds an object from key, value pairs; a value is a *jnode, a
// string, an int or a bool.
func jobj(kv ...any) *jnode {
	o := &jnode{kind: 'o'}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), jval(kv[i+1]))
	}
	return o
}

func jval(v any) *jnode {
	switch x := v.(type) {
	case *jnode:
		return x
	case string:
		return jstr(x)
	case int:
		return jlit(strconv.Itoa(x))
	case bool:
		return jlit(strconv.FormatBool(x))
	}
	return jlit("null")
}

func (o *jnode) get(k string) *jnode {
	for i, key := range o.keys {
		if key == k {
			return o.vals[i]
		}
	}
	return nil
}

// set replaces k's value, or appends k.
func (o *jnode) set(k string, v *jnode) {
	for i, key := range o.keys {
		if key == k {
			o.vals[i] = v
			return
		}
	}
	o.keys, o.vals = append(o.keys, k), append(o.vals, v)
}

// path returns the object at p below o, made where missing: "0" is the
// first element of an array (made an array of one object where missing).
func (o *jnode) path(p []string) *jnode {
	cur := o
	for j, k := range p {
		if cur.kind == 'a' {
			if len(cur.vals) == 0 || cur.vals[0].kind != 'o' {
				cur.vals = append([]*jnode{jobj()}, cur.vals...)
			}
			cur = cur.vals[0]
			continue
		}
		next := cur.get(k)
		if next == nil || (next.kind != 'o' && next.kind != 'a') {
			next = jobj()
			if j+1 < len(p) && p[j+1] == "0" {
				next = jarr(jobj())
			}
			cur.set(k, next)
		}
		cur = next
	}
	if cur.kind == 'a' {
		if len(cur.vals) == 0 || cur.vals[0].kind != 'o' {
			cur.vals = append([]*jnode{jobj()}, cur.vals...)
		}
		cur = cur.vals[0]
	}
	return cur
}

// JSON layouts.
const (
	layoutCompact = iota // {"k":v,"k2":v2}
	layoutPython         // {"k": v, "k2": v2}
	layoutPretty         // two spaces per level
	layoutRagged         // the seed documents' pretty-printing: uneven indentation, "k":v
)

// render writes o in a layout; rag drives layoutRagged's indentation.
func (o *jnode) render(layout int, rag *rng) string {
	var b strings.Builder
	o.write(&b, layout, 0, rag)
	return b.String()
}

func (o *jnode) write(b *strings.Builder, layout, depth int, rag *rng) {
	switch o.kind {
	case 's':
		writeJSONString(b, o.str)
		return
	case 'l':
		b.WriteString(o.str)
		return
	}
	open, close := byte('{'), byte('}')
	if o.kind == 'a' {
		open, close = '[', ']'
	}
	b.WriteByte(open)
	n := len(o.vals)
	pretty := layout == layoutPretty || layout == layoutRagged
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
			if layout == layoutPython {
				b.WriteByte(' ')
			}
		}
		if pretty {
			b.WriteByte('\n')
			indent(b, layout, depth+1, rag)
		}
		if o.kind == 'o' {
			writeJSONString(b, o.keys[i])
			b.WriteByte(':')
			if layout == layoutPython || layout == layoutPretty {
				b.WriteByte(' ')
			}
		}
		o.vals[i].write(b, layout, depth+1, rag)
	}
	if pretty && n > 0 {
		b.WriteByte('\n')
		indent(b, layout, depth, rag)
	}
	b.WriteByte(close)
}

func indent(b *strings.Builder, layout, depth int, rag *rng) {
	n := 2 * depth
	if layout == layoutRagged {
		n = rag.Intn(5)
		if depth == 0 {
			n = 0
		}
	}
	b.WriteString(strings.Repeat(" ", n))
}

// writeJSONString writes s as a JSON string: quote, backslash and control
// characters escaped, everything else (markers too) as it is.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	b.WriteString(escapeJSON(s))
	b.WriteByte('"')
}

// escapeJSON is s escaped for a JSON string's inside.
func escapeJSON(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// decodeObject reads s as a JSON object, keeping the members' order; nil
// when it is not one.
func decodeObject(s string) *jnode {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil || v.kind != 'o' {
		return nil
	}
	if _, err := d.Token(); err != io.EOF {
		return nil
	}
	return v
}

func decodeValue(d *json.Decoder) (*jnode, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch x := t.(type) {
	case json.Delim:
		n := &jnode{kind: 'o'}
		if x == '[' {
			n.kind = 'a'
		}
		for d.More() {
			if n.kind == 'o' {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, kt.(string))
			}
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		if _, err := d.Token(); err != nil {
			return nil, err
		}
		return n, nil
	case string:
		return jstr(x), nil
	case json.Number:
		return jlit(x.String()), nil
	case bool:
		return jlit(strconv.FormatBool(x)), nil
	}
	return jlit("null"), nil
}

// compactJSON is s, a JSON object, on one line; false when it is none.
func compactJSON(s string) (string, bool) {
	var b bytes.Buffer
	if decodeObject(s) == nil || json.Compact(&b, []byte(s)) != nil {
		return "", false
	}
	return b.String(), true
}
