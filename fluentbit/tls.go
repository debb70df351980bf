package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// TLS for the otlp and forward outputs. Fluent Bit's core keeps the tls and
// tls.* properties of every output for itself (flb_output_set_property): a
// Go plugin never sees them, and Fluent Bit refuses "tls on" for a plugin
// that registered without TLS. The plugin's keys are therefore Fluent Bit's
// names behind "pamaudit.".
const (
	keyTLS       = "pamaudit.tls"
	keyTLSVerify = "pamaudit.tls.verify"
	keyTLSCA     = "pamaudit.tls.ca_file"
	keyTLSCrt    = "pamaudit.tls.crt_file"
	keyTLSKey    = "pamaudit.tls.key_file"
	keyTLSVhost  = "pamaudit.tls.vhost"
)

var tlsKeys = []string{keyTLS, keyTLSVerify, keyTLSCA, keyTLSCrt, keyTLSKey, keyTLSVhost}

// parseTLS reads the TLS keys for the otlp or forward output. endpoint is
// the OTLP URL ("" for forward): its scheme says whether OTLP uses TLS, and
// pamaudit.tls may only agree with it. It returns nil when the output does
// not use TLS. Every error names its key.
func parseTLS(val func(string) string, endpoint string, fail func(key, format string, args ...any)) *tls.Config {
	on := false
	onSet := false
	if v := val(keyTLS); v != "" {
		b, ok := parseBool(v)
		if !ok {
			fail(keyTLS, "%q is not on or off", v)
			return nil
		}
		on, onSet = b, true
	}
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil {
			return nil // otlp_endpoint reports it
		}
		https := strings.EqualFold(u.Scheme, "https")
		switch {
		case onSet && on && !https:
			fail(keyTLS, "is on but otlp_endpoint %q is not an https:// URL", endpoint)
			return nil
		case onSet && !on && https:
			fail(keyTLS, "is off but otlp_endpoint %q is an https:// URL", endpoint)
			return nil
		}
		on = https
	}
	if !on {
		for _, k := range tlsKeys[1:] {
			if val(k) != "" {
				fail(k, "is set but TLS is off (set %s on, or an https:// otlp_endpoint)", keyTLS)
			}
		}
		return nil
	}

	return loadTLS(val, fail)
}

// checkTLS checks the TLS keys' values for the stdout output, which does
// not use them: pamaudit.tls and pamaudit.tls.verify must be on or off, the
// files must load, as with the other outputs.
func checkTLS(val func(string) string, fail func(key, format string, args ...any)) {
	if v := val(keyTLS); v != "" {
		if _, ok := parseBool(v); !ok {
			fail(keyTLS, "%q is not on or off", v)
		}
	}
	loadTLS(val, fail)
}

// loadTLS builds the TLS configuration from the keys other than
// pamaudit.tls: verify, the CA, the client certificate and key, the name.
func loadTLS(val func(string) string, fail func(key, format string, args ...any)) *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: val(keyTLSVhost)}
	if v := val(keyTLSVerify); v != "" {
		verify, ok := parseBool(v)
		if !ok {
			fail(keyTLSVerify, "%q is not on or off", v)
		}
		cfg.InsecureSkipVerify = ok && !verify
	}
	if f := val(keyTLSCA); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			fail(keyTLSCA, "%v", err)
		} else {
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				fail(keyTLSCA, "%s holds no PEM certificate", f)
			}
			cfg.RootCAs = pool
		}
	}
	crt, key := val(keyTLSCrt), val(keyTLSKey)
	switch {
	case crt == "" && key == "":
	case key == "":
		fail(keyTLSKey, "is needed with %s", keyTLSCrt)
	case crt == "":
		fail(keyTLSCrt, "is needed with %s", keyTLSKey)
	default:
		crtPEM, err1 := os.ReadFile(crt)
		keyPEM, err2 := os.ReadFile(key)
		if err1 != nil {
			fail(keyTLSCrt, "%v", err1)
		}
		if err2 != nil {
			fail(keyTLSKey, "%v", err2)
		}
		if err1 == nil && err2 == nil {
			pair, err := tls.X509KeyPair(crtPEM, keyPEM)
			if err != nil {
				fail(keyTLSCrt, "%s with %s %s: %v", crt, keyTLSKey, key, err)
			}
			cfg.Certificates = []tls.Certificate{pair}
		}
	}
	return cfg
}

// sendFailure describes a failed send for the log: its level and message.
// A TLS failure (an untrusted or mismatched server certificate, a client
// certificate the server refused) will not pass by itself, so it is an
// error, with a hint at the key to check; the chunk is retried all the same.
func sendFailure(err error) (level, msg string) {
	var host x509.HostnameError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &host):
		return "error", fmt.Sprintf("%v (check the host name, or %s)", err, keyTLSVhost)
	case errors.As(err, &verify):
		return "error", fmt.Sprintf("%v (check %s)", err, keyTLSCA)
	}
	switch remoteAlert(err) {
	case "tls: certificate required", "tls: bad certificate", "tls: unknown certificate",
		"tls: unknown certificate authority", "tls: access denied", "tls: expired certificate",
		"tls: revoked certificate", "tls: unsupported certificate":
		return "error", fmt.Sprintf("%v (the server refused the client certificate: check %s and %s)", err, keyTLSCrt, keyTLSKey)
	case "tls: handshake failure":
		// What a TLS 1.2 server says when it wants a client certificate and
		// got none (Go's client sends none that the server's CAs did not
		// sign), or when no version or cipher suite suits both sides.
		return "error", fmt.Sprintf("%v (the server may want a client certificate: check %s and %s)", err, keyTLSCrt, keyTLSKey)
	}
	return "warn", err.Error()
}

// remoteAlert returns the TLS alert the server sent, if err is one:
// crypto/tls returns a received alert as a *net.OpError "remote error"
// around its (unexported) alert value, whose text is the alert's name.
func remoteAlert(err error) string {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return ""
	}
	return op.Err.Error()
}
