package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fluent/fluent-bit-go/output"

	"github.com/pamaudit/pamaudit/core"
)

func testConfig(t testing.TB, props map[string]string) *config {
	t.Helper()
	return testConfigAt(t, props, chunkTime)
}

// testConfigAt is testConfig with the parsers' clock stopped at now.
func testConfigAt(t testing.TB, props map[string]string, now time.Time) *config {
	t.Helper()
	cfg, err := parseConfig(func(k string) string { return props[k] }, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

type collect struct{ recs []string }

func (c *collect) add(rec *core.Record, _ []core.Attr) {
	c.recs = append(c.recs, string(rec.AppendJSON(nil)))
}

func convertAll(t testing.TB, cfg *config, chunk []byte) []map[string]any {
	t.Helper()
	conv, err := newConverter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var c collect
	if n := conv.convertChunk(chunk, "pam.audit", &c); n != len(c.recs) {
		t.Fatalf("n %d, %d records", n, len(c.recs))
	}
	var out []map[string]any
	for _, r := range c.recs {
		var m map[string]any
		if err := json.Unmarshal([]byte(r), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func attr(m map[string]any, k string) any { return m["attributes"].(map[string]any)[k] }

func TestConvertChunk(t *testing.T) {
	line := "2026-03-05T10:16:02Z pm-node1 passman: passman-audit(2301): type = CheckoutCredentials, user_upn = alice@corp.example, business_result = success"
	var chunk []byte
	chunk = append(chunk, groupMarker(-1)...)
	chunk = append(chunk, event(chunkTime, kv{"log", line}, kv{"stream", "stdout"},
		kv{"kubernetes", []kv{{"pod_name", "passman-0"}, {"labels", []kv{{"app", "passman"}}}}},
		kv{"ips", []string{"10.0.0.1", "10.0.0.2"}}, kv{"n", 7}, kv{"ok", true}, kv{"none", nil})...)
	chunk = append(chunk, groupMarker(-2)...)
	chunk = append(chunk, legacyEvent(1700000000, kv{"message", "02 Dec 2008 10:23:47 F PASSWORD test1 1 10"})...)
	chunk = append(chunk, event(chunkTime, kv{"msg", "ignored"}, kv{"log", "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login"})...)
	chunk = append(chunk, event(chunkTime, kv{"other", "no source key here"})...)

	// stdout: the kubernetes map flattens into record attributes (for otlp
	// its pod fields are the resource: kubernetes_test.go).
	recs := convertAll(t, testConfig(t, map[string]string{"output": "stdout"}), chunk)
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4 (group markers are not records)", len(recs))
	}
	r := recs[0]
	if r["event_name"] != "passman.checkout_credentials" || attr(r, "fluentbit.tag") != "pam.audit" ||
		attr(r, "stream") != "stdout" || attr(r, "kubernetes.labels.app") != "passman" ||
		attr(r, "n") != float64(7) || attr(r, "ok") != true || attr(r, "ips").([]any)[1] != "10.0.0.2" {
		t.Errorf("record 1: %v", r)
	}
	if _, ok := r["attributes"].(map[string]any)["none"]; ok {
		t.Error("a nil value became an attribute")
	}
	if recs[1]["event_name"] != "capam.password" {
		t.Errorf("legacy [time, map] event: %v", recs[1])
	}
	if recs[2]["event_name"] != "capam.login" || attr(recs[2], "msg") != "ignored" {
		t.Errorf("log wins over msg, msg kept: %v", recs[2])
	}
	if attr(recs[3], "error.type") != errMissingKey || attr(recs[3], "other") != "no source key here" {
		t.Errorf("record without source key: %v", recs[3])
	}

	recs = convertAll(t, testConfig(t, map[string]string{"source_key": "other"}), chunk[len(chunk)-len(event(chunkTime, kv{"other", "no source key here"})):])
	if attr(recs[0], "error.type") != "unknown_format" || recs[0]["body"] != "no source key here" {
		t.Errorf("source_key: %v", recs[0])
	}
}

// The default source keys are the core's, in its order: message before log
// before msg; the ones not parsed stay attributes.
func TestSourceKeyOrder(t *testing.T) {
	seaudit := "28 Oct 2008 12:15:01 P LOGIN root 59 2 console /bin/login"
	recs := convertAll(t, testConfig(t, nil), event(chunkTime, kv{"log", "not parsed"}, kv{"message", seaudit}, kv{"msg", "nor this"}))
	if recs[0]["event_name"] != "capam.login" || attr(recs[0], "log") != "not parsed" || attr(recs[0], "msg") != "nor this" {
		t.Errorf("message wins over log and msg, both kept: %v", recs[0])
	}
}

// Garbage keeps what decoded and turns the rest into one record.
func TestConvertGarbage(t *testing.T) {
	good := event(chunkTime, kv{"log", "02 Dec 2008 10:23:47 F PASSWORD test1 1 10"})
	for name, chunk := range map[string][]byte{
		"garbage":       []byte("\xc1\xff not msgpack at all"),
		"truncated":     good[:len(good)-5],
		"good then bad": append(append([]byte(nil), good...), 0x92, 0xc1),
	} {
		recs := convertAll(t, testConfig(t, nil), chunk)
		last := recs[len(recs)-1]
		if attr(last, "error.type") != errBadChunk || attr(last, "fluentbit.raw_base64") == "" {
			t.Errorf("%s: %v", name, recs)
		}
		if name == "good then bad" && (len(recs) != 2 || recs[0]["event_name"] != "capam.password") {
			t.Errorf("%s: the good record was lost: %v", name, recs)
		}
	}
	// A cut record's text stands in the bytes kept: base64 is no
	// redaction, so they are scrubbed first.
	secret := event(chunkTime, kv{"log", "login user=bob password=hunter2secret"}, kv{"stream", "stdout"})
	recs := convertAll(t, testConfig(t, nil), secret[:len(secret)-2])
	b64, _ := attr(recs[len(recs)-1], "fluentbit.raw_base64").(string)
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) == 0 || bytes.Contains(raw, []byte("hunter2secret")) || !bytes.Contains(raw, []byte("user=bob")) {
		t.Errorf("the kept bytes %q (%v): want them, with the password redacted", raw, err)
	}
}

// The forward output encodes records that our reader decodes back.
func TestForwardEncoding(t *testing.T) {
	cfg := testConfig(t, nil)
	conv, _ := newConverter(cfg)
	var s forwardSink
	n := conv.convertChunk(event(chunkTime, kv{"log", "02 Dec 2008 10:23:47 F PASSWORD test1 1 10"}), "t", &s)
	r := mpReader{buf: s.entries}
	for i := 0; i < n; i++ {
		if err := r.skip(); err != nil {
			t.Fatal(err)
		}
	}
	if r.pos != len(s.entries) || !bytes.Contains(s.entries, []byte("capam.password")) {
		t.Errorf("entries: %q", s.entries)
	}
}

// fluent-bit-go's own decoder reads the chunks these tests make the same way.
func TestChunkMatchesFluentBitGo(t *testing.T) {
	chunk, texts := testdataChunk(t, "capam/summary.log")
	dec := output.NewDecoder(unsafePointer(chunk), len(chunk))
	for i := 0; ; i++ {
		ret, ts, rec := output.GetRecord(dec)
		if ret != 0 {
			if i != len(texts) {
				t.Fatalf("fluent-bit-go read %d records, want %d", i, len(texts))
			}
			break
		}
		if got := string(rec["log"].([]byte)); got != texts[i] {
			t.Errorf("record %d: %q", i, got)
		}
		if ft, ok := ts.(output.FLBTime); !ok || !ft.Equal(chunkTime) {
			t.Errorf("time %v", ts)
		}
	}
}

func TestConfigKeys(t *testing.T) {
	ok := map[string]string{
		"format": "CAPAM", "source_key": "log", "timezone": "Europe/Berlin", "schema": "ECS", "keep_original": "off", "ocsf_captions": "Off", "redact": "On",
		"redact_headers": "x-api-key, x-token", "output": "OTLP", "otlp_endpoint": "https://collector:4318/v1/logs",
		"otlp_headers": "Authorization=Bearer abc, X-Scope=pam", "otlp_timeout": "5s", "otlp_compression": "none",
		"max_attributes": "64",
	}
	cfg, err := parseConfig(func(k string) string { return ok[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.parser.Options().Format != core.FormatCAPAM || cfg.parser.Options().Schema != core.SchemaECS || !cfg.parser.Options().NoOriginal || !cfg.parser.Options().NoOCSFCaptions || cfg.parser.Options().NoRedact || cfg.otlpGzip ||
		cfg.otlpHeaders["X-Scope"] != "pam" || cfg.otlpTimeout != 5*time.Second || len(cfg.parser.Options().RedactHeaders) != 2 {
		t.Errorf("config: %+v", cfg)
	}
	for key, bad := range map[string]string{
		"format": "syslog", "timezone": "Mars/Base", "schema": "xml", "keep_original": "maybe", "ocsf_captions": "maybe", "redact": "2",
		"output": "kafka", "otlp_endpoint": "collector:4318", "otlp_headers": "novalue", "otlp_timeout": "soon",
		"otlp_compression": "zstd", "max_depth": "-3", "max_attributes": "2", "syslog_keys": "maybe",
		"redact_mode": "sha1", "stats_interval": "often", "redact_key_file": "/nonexistent/key",
	} {
		_, err := parseConfig(func(k string) string {
			if k == key {
				return bad
			}
			return ""
		}, nil)
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%q: error %v does not name the key", key, bad, err)
		}
	}
	// hmac: the key comes from a file or a variable, and a bad one is
	// named; the key itself never is.
	t.Setenv("PAMAUDIT_TEST_HMAC_KEY", "pamaudit-test-key-0123456789")
	cfg, err = parseConfig(func(k string) string {
		return map[string]string{"redact_mode": "HMAC", "redact_key_env": "PAMAUDIT_TEST_HMAC_KEY", "stats_interval": "10m"}[k]
	}, nil)
	if err != nil || cfg.parser.Options().RedactMode != core.RedactHMAC || cfg.statsInterval != 10*time.Minute {
		t.Errorf("hmac config: %+v, %v", cfg, err)
	}
	for key, props := range map[string]map[string]string{
		"redact_key_file": {"redact_mode": "hmac", "redact_key_file": "/nonexistent/key"},
		"redact_key_env":  {"redact_mode": "hmac", "redact_key_env": "PAMAUDIT_NO_SUCH_KEY"},
		"redact_mode":     {"redact_mode": "hmac"},
	} {
		_, err := parseConfig(func(k string) string { return props[k] }, nil)
		if err == nil || !strings.HasPrefix(err.Error(), key+": ") {
			t.Errorf("%v: error %v does not name %s", props, err, key)
		}
	}
	_, err = parseConfig(func(k string) string {
		return map[string]string{"output": "forward", "forward_port": "99999"}[k]
	}, nil)
	if err == nil || !strings.Contains(err.Error(), "forward_port") {
		t.Errorf("forward_port: %v", err)
	}
}

// FuzzChunk: any bytes give records, never a panic; every byte that does
// not decode is kept in a malformed_chunk record.
func FuzzChunk(f *testing.F) {
	chunk, _ := testdataChunk(f, "passman/audit.log", "capam/detailed.log", "netwrix/bunyan.log")
	f.Add(chunk)
	f.Add(append(groupMarker(-1), event(chunkTime, kv{"log", "x"}, kv{"m", []kv{{"a", []string{"b"}}}})...))
	f.Add(legacyEvent(1, kv{"message", "02 Dec 2008 10:23:47 F PASSWORD test1 1 10"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		conv, err := newConverter(testConfig(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		var c collect
		n := conv.convertChunk(data, "t", &c)
		if n != len(c.recs) {
			t.Fatalf("n %d, records %d", n, len(c.recs))
		}
		for _, r := range c.recs {
			if !json.Valid([]byte(r)) {
				t.Fatalf("invalid JSON: %s", r)
			}
		}
		if len(data) > 0 && n == 0 {
			// Only group markers may give no record.
			r := mpReader{buf: data}
			for r.pos < len(data) {
				if r.skip() != nil {
					t.Fatalf("undecodable bytes and no record: %q", data)
				}
			}
		}
	})
}

// The counts of a chunk's records: parsed by product, failed by product
// and error.type (the plugin's own too), by event name (other for a name
// the tables do not list), secrets redacted by product (a passed-on key's
// too); and their log line.
func TestStats(t *testing.T) {
	conv, err := newConverter(testConfig(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	chunk := append(event(chunkTime, kv{"log", "2026-03-05T10:00:00Z pm-node1 passman: passman-audit(1): type = Login, user_upn = a@b, password = hunter22"}),
		event(chunkTime, kv{"log", "2026-03-05T10:00:01Z pm-node1 passman: passman-audit(1): type = FlyToTheMoon, user_upn = a@b"}, kv{"db_password", "s3cr3t"})...)
	chunk = append(chunk, event(chunkTime, kv{"log", `{"msg":"request finish","res":{"statusCode":200`})...)
	chunk = append(chunk, event(chunkTime, kv{"log", "not an audit line"})...)
	chunk = append(chunk, event(chunkTime, kv{"note", "no text"})...)
	chunk = append(chunk, 0xc1)
	conv.convertChunk(chunk, "t", &collect{})
	want := "records parsed passman=2; failed netwrix/malformed_json=1, unknown/unknown_format=1, unknown/missing_source_key=1, unknown/malformed_chunk=1; " +
		"events passman.login=1, netwrix.request.finish=1, other=1; secrets redacted passman=2"
	if got := conv.stats.String(); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
	var total stats = newStats()
	total.add(&conv.stats)
	total.add(&conv.stats)
	if total.parsed[core.FormatPassMan] != 4 || total.events[eventIndex["other"]] != 2 {
		t.Errorf("totals %+v", total)
	}
}
