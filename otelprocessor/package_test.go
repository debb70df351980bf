package otelprocessor

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// Every test of the package ends with no goroutine of its own left running.
// What the collector libraries themselves leave is listed, each with why, in
// metadata.yaml under tests::goleak::ignore, as mdatagen has it.
func TestMain(m *testing.M) {
	md, err := loadMetadata()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var opts []goleak.Option
	for _, f := range md.Tests.Goleak.Ignore.Top {
		opts = append(opts, goleak.IgnoreTopFunction(f))
	}
	for _, f := range md.Tests.Goleak.Ignore.Any {
		opts = append(opts, goleak.IgnoreAnyFunction(f))
	}
	goleak.VerifyTestMain(m, opts...)
}
