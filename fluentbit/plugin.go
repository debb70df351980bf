// Command pamaudit is a Fluent Bit output plugin, built with
// go build -buildmode=c-shared -o pamaudit.so ./fluentbit. It parses the PAM
// audit text in each record and delivers structured records over OTLP/HTTP,
// Fluent forward or stdout.
//
// This file holds only the functions Fluent Bit's Go proxy calls; every one
// recovers from a panic and returns an error code instead.
package main

import "C"

import (
	"unsafe"

	"github.com/fluent/fluent-bit-go/output"
)

//export FLBPluginRegister
func FLBPluginRegister(def unsafe.Pointer) (ret int) {
	defer guard("register", &ret, -1)
	return output.FLBPluginRegister(def, pluginName, pluginDescription)
}

//export FLBPluginInit
func FLBPluginInit(plugin unsafe.Pointer) (ret int) {
	defer guard("init", &ret, output.FLB_ERROR)
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
	// The chunk is only read during this call: a view, not a copy.
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

func main() {}
