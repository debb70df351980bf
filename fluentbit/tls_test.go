package main

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/pamaudit/pamaudit/internal/otlptest"
	"github.com/pamaudit/pamaudit/internal/testutil"
)

// testPKI is what the TLS tests use: a CA that signs the servers' and the
// client's certificates, and another CA that the servers do not know.
type testPKI struct {
	ca, other           *testutil.CA
	server, serverVhost tls.Certificate // 127.0.0.1; only the name otlp.test
	clientCrt           string
	clientKey           string
	otherCrt, otherKey  string // a client certificate from the other CA
}

func newTestPKI(t *testing.T) *testPKI {
	dir := t.TempDir()
	p := &testPKI{ca: testutil.NewCA(t, dir, "pamaudit-test-ca"), other: testutil.NewCA(t, dir, "other-ca")}
	_, _, p.server = p.ca.Issue("server", false, []net.IP{net.IPv4(127, 0, 0, 1)})
	_, _, p.serverVhost = p.ca.Issue("server-vhost", false, nil, "otlp.test")
	p.clientCrt, p.clientKey, _ = p.ca.Issue("client", true, nil)
	p.otherCrt, p.otherKey, _ = p.other.Issue("client-other", true, nil)
	return p
}

// serverTLS is a server's TLS configuration; with mTLS it requires a client
// certificate from the test CA.
//
// With TLS 1.3 the client's handshake ends before the server has checked
// the client certificate: a refusal comes as an alert on the first read,
// or as a broken pipe when the client was still writing. Only with TLS 1.2
// does the client always learn the reason, so the tests that look for it
// use a TLS 1.2 server (tls12).
func (p *testPKI) serverTLS(cert tls.Certificate, mTLS bool, tls12 ...bool) *tls.Config {
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if len(tls12) > 0 && tls12[0] {
		cfg.MaxVersion = tls.VersionTLS12
	}
	if mTLS {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = p.ca.Pool()
	}
	return cfg
}

// otlpTLSReceiver serves the shared OTLP receiver over TLS.
func otlpTLSReceiver(t *testing.T, cfg *tls.Config) (*otlptest.Receiver, string) {
	recv := otlptest.NewReceiver(t, "127.0.0.1:0")
	srv := httptest.NewUnstartedServer(recv)
	srv.TLS = cfg
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failing handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return recv, srv.URL + "/v1/logs"
}

// OTLP over TLS: the server's certificate is verified against
// pamaudit.tls.ca_file (or not, with pamaudit.tls.verify off), under the
// name pamaudit.tls.vhost when set; a server that wants a client
// certificate gets pamaudit.tls.crt_file. A failure is retried and logged
// as an error that names the key to check.
func TestHarnessOTLPTLS(t *testing.T) {
	pki := newTestPKI(t)
	recv, url := otlpTLSReceiver(t, pki.serverTLS(pki.server, false))
	mrecv, murl := otlpTLSReceiver(t, pki.serverTLS(pki.server, true))
	m12recv, m12url := otlpTLSReceiver(t, pki.serverTLS(pki.server, true, true))
	vrecv, vurl := otlpTLSReceiver(t, pki.serverTLS(pki.serverVhost, false))
	chunk, texts := testdataChunk(t, "capam/summary.log")
	file := chunkFile(t, chunk)

	cases := []struct {
		name  string
		url   string
		props map[string]string
		recv  *otlptest.Receiver
		log   []string // for a failure: what the log says
	}{
		{"verified", url, map[string]string{"pamaudit.tls.ca_file": pki.ca.File}, recv, nil},
		{"tls on, verified", url, map[string]string{"pamaudit.tls": "on", "pamaudit.tls.verify": "on", "pamaudit.tls.ca_file": pki.ca.File}, recv, nil},
		{"wrong CA", url, map[string]string{"pamaudit.tls.ca_file": pki.other.File}, recv,
			[]string{"[error]", "certificate signed by unknown authority", "check pamaudit.tls.ca_file", "Fluent Bit will retry"}},
		{"system roots", url, nil, recv, []string{"certificate signed by unknown authority"}},
		{"verify off", url, map[string]string{"pamaudit.tls.ca_file": pki.other.File, "pamaudit.tls.verify": "off"}, recv, nil},
		{"mTLS without a client certificate", murl, map[string]string{"pamaudit.tls.ca_file": pki.ca.File}, mrecv,
			[]string{"Fluent Bit will retry"}},
		{"mTLS without a client certificate, TLS 1.2", m12url, map[string]string{"pamaudit.tls.ca_file": pki.ca.File}, m12recv,
			[]string{"[error]", "check pamaudit.tls.crt_file"}},
		{"mTLS with a client certificate of another CA", murl, map[string]string{"pamaudit.tls.ca_file": pki.ca.File,
			"pamaudit.tls.crt_file": pki.otherCrt, "pamaudit.tls.key_file": pki.otherKey}, mrecv, []string{"Fluent Bit will retry"}},
		{"mTLS with a client certificate of another CA, TLS 1.2", m12url, map[string]string{"pamaudit.tls.ca_file": pki.ca.File,
			"pamaudit.tls.crt_file": pki.otherCrt, "pamaudit.tls.key_file": pki.otherKey}, m12recv, []string{"[error]", "check pamaudit.tls.crt_file"}},
		{"mTLS", murl, map[string]string{"pamaudit.tls.ca_file": pki.ca.File,
			"pamaudit.tls.crt_file": pki.clientCrt, "pamaudit.tls.key_file": pki.clientKey}, mrecv, nil},
		{"certificate for another name", vurl, map[string]string{"pamaudit.tls.ca_file": pki.ca.File}, vrecv,
			[]string{"[error]", "cannot validate certificate for 127.0.0.1", "check the host name, or pamaudit.tls.vhost"}},
		{"vhost", vurl, map[string]string{"pamaudit.tls.ca_file": pki.ca.File, "pamaudit.tls.vhost": "otlp.test"}, vrecv, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := startHarness(t)
			props := map[string]string{"output": "otlp", "otlp_endpoint": c.url, "otlp_timeout": "5s"}
			for k, v := range c.props {
				props[k] = v
			}
			if r := h.instance(0, props); r != "init 0 1" {
				t.Fatalf("init: %s\n%s", r, h.stderr.String())
			}
			before := c.recv.Count()
			r := h.do("flush 0 t %s", file)
			if c.log == nil {
				if r != "flush 0 1" {
					t.Fatalf("flush: %s, want FLB_OK", r)
				}
				if n := c.recv.Count() - before; n != len(texts) {
					t.Errorf("%d records delivered, want %d", n, len(texts))
				}
				return
			}
			if r != "flush 0 2" {
				t.Fatalf("flush: %s, want FLB_RETRY (2)", r)
			}
			if c.recv.Count() != before {
				t.Error("records delivered despite the TLS failure")
			}
			for _, s := range c.log {
				if !h.logged(s) {
					t.Errorf("the log does not say %q:\n%s", s, h.stderr.String())
				}
			}
		})
	}
}

// tlsForwardReceiver is a forward receiver behind TLS.
func tlsForwardReceiver(t *testing.T, cfg *tls.Config) *forwardReceiver {
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return serveForward(t, ln)
}

// forward over TLS, with the same keys.
func TestHarnessForwardTLS(t *testing.T) {
	pki := newTestPKI(t)
	plain := tlsForwardReceiver(t, pki.serverTLS(pki.server, false))
	mutual := tlsForwardReceiver(t, pki.serverTLS(pki.server, true))
	mutual12 := tlsForwardReceiver(t, pki.serverTLS(pki.server, true, true))
	chunk, texts := testdataChunk(t, "passman/audit.log")
	file := chunkFile(t, chunk)
	cases := []struct {
		name  string
		recv  *forwardReceiver
		props map[string]string
		log   []string
	}{
		{"verified", plain, map[string]string{"pamaudit.tls": "on", "pamaudit.tls.ca_file": pki.ca.File}, nil},
		{"wrong CA", plain, map[string]string{"pamaudit.tls": "on", "pamaudit.tls.ca_file": pki.other.File},
			[]string{"[error]", "certificate signed by unknown authority", "check pamaudit.tls.ca_file"}},
		{"no TLS to a TLS server", plain, nil, []string{"no ack"}},
		{"mTLS without a client certificate", mutual, map[string]string{"pamaudit.tls": "on", "pamaudit.tls.ca_file": pki.ca.File},
			[]string{"Fluent Bit will retry"}},
		{"mTLS without a client certificate, TLS 1.2", mutual12, map[string]string{"pamaudit.tls": "on", "pamaudit.tls.ca_file": pki.ca.File},
			[]string{"[error]", "check pamaudit.tls.crt_file"}},
		{"mTLS", mutual, map[string]string{"pamaudit.tls": "on", "pamaudit.tls.ca_file": pki.ca.File,
			"pamaudit.tls.crt_file": pki.clientCrt, "pamaudit.tls.key_file": pki.clientKey}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host, port, _ := net.SplitHostPort(c.recv.addr)
			props := map[string]string{"output": "forward", "forward_host": host, "forward_port": port, "forward_timeout": "3s"}
			for k, v := range c.props {
				props[k] = v
			}
			h := startHarness(t)
			if r := h.instance(0, props); r != "init 0 1" {
				t.Fatalf("init: %s\n%s", r, h.stderr.String())
			}
			c.recv.mu.Lock()
			before := len(c.recv.records)
			c.recv.mu.Unlock()
			r := h.do("flush 0 t %s", file)
			c.recv.mu.Lock()
			got := len(c.recv.records) - before
			c.recv.mu.Unlock()
			if c.log == nil {
				if r != "flush 0 1" || got != len(texts) {
					t.Fatalf("flush: %s with %d records, want FLB_OK with %d", r, got, len(texts))
				}
				return
			}
			if r != "flush 0 2" || got != 0 {
				t.Fatalf("flush: %s with %d records, want FLB_RETRY (2) with none", r, got)
			}
			for _, s := range c.log {
				if !h.logged(s) {
					t.Errorf("the log does not say %q:\n%s", s, h.stderr.String())
				}
			}
		})
	}
}

// A bad TLS setting fails init with a message that names the key; Fluent
// Bit's own tls keys never reach the plugin, and Fluent Bit refuses "tls on"
// for it.
func TestHarnessTLSBadConfig(t *testing.T) {
	pki := newTestPKI(t)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, serverKey, _ := pki.ca.Issue("server2", false, []net.IP{net.IPv4(127, 0, 0, 1)})
	https := map[string]string{"output": "otlp", "otlp_endpoint": "https://127.0.0.1:4318/v1/logs"}
	forward := map[string]string{"output": "forward", "pamaudit.tls": "on"}
	cases := []struct {
		base  map[string]string
		props map[string]string
		key   string
	}{
		{https, map[string]string{"pamaudit.tls.ca_file": "/nonexistent/ca.pem"}, "pamaudit.tls.ca_file"},
		{https, map[string]string{"pamaudit.tls.ca_file": notPEM}, "pamaudit.tls.ca_file"},
		{https, map[string]string{"pamaudit.tls.crt_file": pki.clientCrt}, "pamaudit.tls.key_file"},
		{https, map[string]string{"pamaudit.tls.key_file": pki.clientKey}, "pamaudit.tls.crt_file"},
		{https, map[string]string{"pamaudit.tls.crt_file": pki.clientCrt, "pamaudit.tls.key_file": "/nonexistent/key.pem"}, "pamaudit.tls.key_file"},
		{https, map[string]string{"pamaudit.tls.crt_file": pki.clientCrt, "pamaudit.tls.key_file": serverKey}, "pamaudit.tls.crt_file"},
		{https, map[string]string{"pamaudit.tls.verify": "maybe"}, "pamaudit.tls.verify"},
		{https, map[string]string{"pamaudit.tls": "off"}, "pamaudit.tls"},
		{map[string]string{"output": "otlp"}, map[string]string{"pamaudit.tls": "on"}, "pamaudit.tls"},
		{map[string]string{"output": "otlp"}, map[string]string{"pamaudit.tls.ca_file": pki.ca.File}, "pamaudit.tls.ca_file"},
		{map[string]string{"output": "forward"}, map[string]string{"pamaudit.tls.vhost": "x"}, "pamaudit.tls.vhost"},
		{forward, map[string]string{"pamaudit.tls.crt_file": notPEM, "pamaudit.tls.key_file": notPEM}, "pamaudit.tls.crt_file"},
	}
	for _, c := range cases {
		props := map[string]string{}
		for _, m := range []map[string]string{c.base, c.props} {
			for k, v := range m {
				props[k] = v
			}
		}
		startHarness(t).refuses(0, props, c.key)
	}

	// Fluent Bit's own keys: it refuses tls on for a plugin registered
	// without TLS, and keeps tls.* for itself.
	h := startHarness(t)
	h.do("new 0")
	if r := h.do("set 0 tls on"); r != "set 0 -1" {
		t.Errorf("tls on: %s, want Fluent Bit to refuse it", r)
	}
	if r := h.do("set 0 tls.ca_file %s", pki.ca.File); r != "set 0 core" {
		t.Errorf("tls.ca_file: %s, want Fluent Bit to keep it", r)
	}
	if r := h.do("set 0 pamaudit.tls.ca_file %s", pki.ca.File); r != "set 0 0" {
		t.Errorf("pamaudit.tls.ca_file: %s, want it passed to the plugin", r)
	}
	if !h.logged("does not support TLS") { // stderr is read apart: wait for it
		t.Errorf("log: %s", h.stderr.String())
	}
}
