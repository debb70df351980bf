package core

import (
	"errors"
	"strings"
	"testing"

	"github.com/pamaudit/pamaudit/internal/builder"
	"github.com/pamaudit/pamaudit/internal/envelope"
	"github.com/pamaudit/pamaudit/internal/product"
	"github.com/pamaudit/pamaudit/record"
)

// Adding a product is a row in the products table: the toy below, a
// "toy: key=value …" format, is detected, read, namespaced, shaped and
// bounded with nothing else changed.

const formatToy = Format(4)

// toyReader reads "toy: action=login user=alice …": action is the event,
// user the acting user, every pair an attribute under toy.
type toyReader struct{ b *builder.Builder }

func (t *toyReader) Parse(fr *envelope.Frame) error {
	s, ok := strings.CutPrefix(fr.Payload, "toy: ")
	if !ok {
		return record.ErrAt(formatToy, 0, ErrMalformed)
	}
	for _, kv := range strings.Fields(s) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return record.ErrAt(formatToy, strings.Index(fr.Payload, kv), ErrMalformed)
		}
		switch k {
		case "action":
			t.b.Record().EventName = "toy." + v
			t.b.AddStr(record.AttrEventAction, v)
		case "user":
			t.b.AddStr(record.AttrUserName, v)
		}
		t.b.AddStr(t.b.Field(k).Key, v)
	}
	return nil
}

func withToy() Products {
	return append(DefaultProducts(), Product{
		ID: formatToy, Name: "toy", Title: "Toy", Vendor: "Toy Works",
		Sniff: func(s string) bool { return strings.HasPrefix(s, "toy: ") },
		New:   func(b *builder.Builder, _ product.Settings) product.Reader { return &toyReader{b} },
	})
}

func TestAddingAProduct(t *testing.T) {
	for _, c := range []struct {
		name string
		opts Options
		line string
		want map[string]string // attributes of the OTel record, or keys of the shaped one
	}{
		{"toy line", Options{}, "toy: action=login user=alice",
			map[string]string{"toy.action": "login", "toy.user": "alice", record.AttrUserName: "alice", record.AttrEventAction: "login"}},
		{"toy line behind a syslog header", Options{}, "<134>Mar  5 10:16:02 box toyd[7]: toy: action=logout user=bob",
			map[string]string{"toy.action": "logout", record.AttrHostName: "box", record.AttrServiceName: "toyd"}},
		{"the toy forced", Options{Format: formatToy}, "toy: action=login",
			map[string]string{"toy.action": "login"}},
		{"the toy in ECS", Options{Schema: SchemaECS}, "toy: action=login user=alice",
			map[string]string{"observer.product": "Toy", "observer.vendor": "Toy Works", "event.dataset": "pamaudit.toy", "pamaudit.toy.user": "alice", "user.name": "alice"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Products = withToy()
			p := testParser(t, c.opts)
			rec, err := p.ParseString(c.line)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Format != formatToy || !strings.HasPrefix(rec.EventName, "toy.") {
				t.Errorf("format %d, event %q; want the toy's", rec.Format, rec.EventName)
			}
			for k, v := range c.want {
				if a, ok := rec.Get(k); !ok || a.Str != v {
					t.Errorf("%s = %q (present %v), want %q", k, a.Str, ok, v)
				}
			}
		})
	}
}

func TestAddingAProductOCSF(t *testing.T) {
	p := testParser(t, Options{Products: withToy(), Schema: SchemaOCSF})
	rec, err := p.ParseString("toy: action=login user=alice")
	if err != nil {
		t.Fatal(err)
	}
	js := string(rec.AppendJSON(nil))
	for _, want := range []string{`"product":{"name":"Toy","vendor_name":"Toy Works"`, `"class_uid":0`, `"activity_name":"login"`} {
		if !strings.Contains(js, want) {
			t.Errorf("OCSF event lacks %s:\n%s", want, js)
		}
	}
}

// The table bounds the options and detection: the toy is a format only
// where the table lists it, the others still parse beside it, and a
// parser that may not pick it does not.
func TestProductsTableBounds(t *testing.T) {
	if _, err := NewParser(Options{Format: formatToy}); !isOptionError(err, "format") {
		t.Errorf("the toy without its row: %v, want a format error", err)
	}
	if _, err := NewParser(Options{Formats: []Format{FormatPassMan, formatToy}}); err == nil || !strings.Contains(err.Error(), "want passman, capam or netwrix") {
		t.Errorf("the toy without its row: %v, want a formats error listing the products", err)
	}
	dup := append(withToy(), Product{ID: formatToy, Name: "toy2", Sniff: func(string) bool { return false }, New: withToy()[3].New})
	if _, err := NewParser(Options{Products: dup}); !isOptionError(err, "products") {
		t.Errorf("two rows of one id: %v, want a products error", err)
	}

	p := testParser(t, Options{Products: withToy()})
	rec, err := p.ParseString("passman-audit(1): type = Logout, user_upn = a@b")
	if err != nil || rec.Format != FormatPassMan {
		t.Errorf("PassMan beside the toy: format %v, %v", rec.Format, err)
	}
	p = testParser(t, Options{Products: withToy(), Formats: []Format{FormatPassMan}})
	if rec, err := p.ParseString("toy: action=login"); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("the toy not among Formats: format %v, %v; want unknown_format", rec.Format, err)
	}
}

func isOptionError(err error, key string) bool {
	var oe *OptionError
	return errors.As(err, &oe) && oe.Key == key
}
