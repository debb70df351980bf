package main

// Fluent Bit's Go proxy interface (src/proxy/go/go.c), written here rather
// than imported from fluent-bit-go: its output package links a MessagePack
// codec (github.com/ugorji/go/codec, and through it net/rpc, html/template,
// text/template, encoding/gob) that the plugin never uses, code Fluent Bit
// would map into its memory. Only the leading members of each structure
// are declared, the ones the plugin reads or writes; they match Fluent Bit
// 5.1 (include/fluent-bit/flb_plugin_proxy.h, flb_api.h, src/proxy/go/go.h)
// and fluent-bit-go's headers.

/*
#include <stdlib.h>

#define FLB_PROXY_OUTPUT_PLUGIN 2
#define FLB_PROXY_GOLANG 11

struct flb_plugin_proxy_def {
	int type;
	int proxy;
	int flags;
	char *name;
	char *description;
};

struct flb_api {
	char *(*output_get_property)(char *, void *);
};

struct flb_plugin_proxy_context {
	void *remote_context;
};

struct flbgo_output_plugin {
	char *name;
	struct flb_api *api;
	void *o_ins;
	struct flb_plugin_proxy_context *context;
};

static char *flbgo_output_property(void *plugin, char *key)
{
	struct flbgo_output_plugin *p = plugin;
	return p->api->output_get_property(key, p->o_ins);
}
*/
import "C"

import (
	"sync"
	"unsafe"
)

// proxyRegister fills the plugin's definition: a Go output plugin.
func proxyRegister(def unsafe.Pointer, name, desc string) {
	p := (*C.struct_flb_plugin_proxy_def)(def)
	p._type = C.FLB_PROXY_OUTPUT_PLUGIN
	p.proxy = C.FLB_PROXY_GOLANG
	p.flags = 0
	p.name = C.CString(name)
	p.description = C.CString(desc)
}

// proxyUnregister frees what proxyRegister allocated.
func proxyUnregister(def unsafe.Pointer) {
	p := (*C.struct_flb_plugin_proxy_def)(def)
	C.free(unsafe.Pointer(p.name))
	C.free(unsafe.Pointer(p.description))
	p.name, p.description = nil, nil
}

// proxyConfigKey is the instance's property key, "" when unset; plugin is
// the structure FLBPluginInit receives.
func proxyConfigKey(plugin unsafe.Pointer, key string) string {
	k := C.CString(key)
	defer C.free(unsafe.Pointer(k))
	return C.GoString(C.flbgo_output_property(plugin, k))
}

// contexts maps the remote context Fluent Bit hands each flush to its
// instance. C may not keep a Go pointer, so the remote context is a byte of
// C memory, unique per instance, that stands for it.
var contexts sync.Map // uintptr -> *instance

// proxySetContext makes in the context of the instance plugin stands for.
func proxySetContext(plugin unsafe.Pointer, in *instance) {
	token := C.malloc(1)
	contexts.Store(uintptr(token), in)
	(*C.struct_flbgo_output_plugin)(plugin).context.remote_context = token
}

// proxyContext is the instance of a remote context, nil if none.
func proxyContext(ctx unsafe.Pointer) *instance {
	in, _ := contexts.Load(uintptr(ctx))
	p, _ := in.(*instance)
	return p
}
