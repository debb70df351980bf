// Command pamaudit is a Fluent Bit output plugin, built with
// go build -buildmode=c-shared -o pamaudit.so ./fluentbit. It parses the PAM
// audit text in each record and delivers structured records over OTLP/HTTP,
// Fluent forward or stdout.
//
// This file holds only the functions Fluent Bit's Go proxy calls, and their
// panic guard: every one recovers from a panic and returns an error code.
package main

import "C"

import (
	"fmt"
	"os"
	"runtime/debug"
	"time"
	"unsafe"

	"github.com/fluent/fluent-bit-go/output"
)

//export FLBPluginRegister
func FLBPluginRegister(def unsafe.Pointer) (ret int) {
	defer guard("register", &ret, -1)
	ret = output.FLBPluginRegister(def, pluginName, pluginDescription)
	if note := registerConfigMap(def); note != "" {
		fmt.Fprintf(os.Stderr, "[%s] [ warn] [output:pamaudit] %s\n", time.Now().Format("2006/01/02 15:04:05"), note)
	}
	return ret
}

//export FLBPluginInit
func FLBPluginInit(plugin unsafe.Pointer) (ret int) {
	defer guard("init", &ret, output.FLB_ERROR)
	// plugin is valid during this call only: every key is read here. The
	// instance lives on as the context Fluent Bit passes to each flush.
	in, err := initInstance(func(key string) string { return output.FLBPluginConfigKey(plugin, key) })
	if err != nil {
		return output.FLB_ERROR
	}
	output.FLBPluginSetContext(plugin, in)
	return output.FLB_OK
}

//export FLBPluginFlushCtx
func FLBPluginFlushCtx(ctx, data unsafe.Pointer, length C.int, tag *C.char) (ret int) {
	defer guard("flush", &ret, output.FLB_ERROR)
	in, ok := output.FLBPluginGetContext(ctx).(*instance)
	if !ok {
		return output.FLB_ERROR
	}
	// Fluent Bit frees the chunk when this call returns: it is read in place,
	// and every record made from it is delivered, with copies of its
	// strings, before the call returns.
	return in.flush(unsafe.Slice((*byte)(data), int(length)), C.GoString(tag))
}

//export FLBPluginExitCtx
func FLBPluginExitCtx(ctx unsafe.Pointer) (ret int) {
	defer guard("exit", &ret, output.FLB_ERROR)
	if in, ok := output.FLBPluginGetContext(ctx).(*instance); ok {
		in.close()
	}
	return output.FLB_OK
}

//export FLBPluginExit
func FLBPluginExit() int { return output.FLB_OK }

//export FLBPluginUnregister
func FLBPluginUnregister(def unsafe.Pointer) {
	var ret int
	defer guard("unregister", &ret, 0)
	output.FLBPluginUnregister(def)
}

// guard, deferred by every export, turns a panic into the error code ret,
// logged with its stack: no panic may cross into Fluent Bit.
func guard(what string, ret *int, code int) {
	if r := recover(); r != nil {
		fmt.Fprintf(os.Stderr, "[error] [output:pamaudit] panic in %s: %v\n%s", what, r, debug.Stack())
		*ret = code
	}
}

func main() {}
