// Command otlp-sink is an OTLP/HTTP logs receiver for the Fluent Bit
// scripts (scripts/fluentbit-suite.sh, scripts/fluentbit-faults.sh): it
// appends every record it accepts to a file, one JSON line each
// (event_name, time, body, attributes), and answers only after the lines are written, so what the file holds is
// what was acknowledged. Killing it and starting it again on the same port
// is the scripts' "endpoint down".
//
//	go run ./scripts/otlp-sink -listen 127.0.0.1:4318 -out records.ndjson
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/pamaudit/pamaudit/internal/otlptest"
)

// record is a line of the output: a record as pamaudit parse prints it.
type record struct {
	EventName  string         `json:"event_name"`
	Time       string         `json:"time,omitempty"`
	Body       string         `json:"body"`
	Attributes map[string]any `json:"attributes"`
}

func main() {
	listen := flag.String("listen", "127.0.0.1:4318", "address to listen on")
	out := flag.String("out", "", "file the records are appended to (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "otlp-sink: -out is required")
		os.Exit(2)
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "otlp-sink:", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ld, ok := otlptest.Decode(w, req)
		if !ok {
			return
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		otlptest.ForEach(ld, func(lr plog.LogRecord) {
			r := record{EventName: lr.EventName(), Body: lr.Body().AsString(), Attributes: lr.Attributes().AsRaw()}
			if lr.Timestamp() != 0 {
				r.Time = lr.Timestamp().AsTime().UTC().Format(time.RFC3339Nano)
			}
			_ = enc.Encode(&r)
		})
		mu.Lock()
		_, err := f.Write(b.Bytes())
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		otlptest.Accept(w)
	})
	srv := &http.Server{Addr: *listen, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "otlp-sink:", err)
		os.Exit(1)
	}
}
