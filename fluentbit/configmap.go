package main

/*
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

// Fluent Bit 5.1.1's struct flb_config_map (include/fluent-bit/flb_config_map.h):
// the fields a plugin fills, then those Fluent Bit fills in its copy.
// Fluent Bit walks the plugin's array by this size, up to an entry with no
// name.
struct pamaudit_flb_config_map {
	int type;
	char *name;
	char *def_value;
	int flags;
	int set_property;
	uintptr_t offset;
	char *desc;
	// struct flb_config_map_val value
	union {
		int i;
		double d;
		size_t s;
		void *p;
	} val;
	char *raw;
	void *mult;
	void *val_head[2];
	// struct mk_list _head
	void *head[2];
};

_Static_assert(sizeof(struct pamaudit_flb_config_map) == 104, "struct flb_config_map of Fluent Bit 5.1.1 is 104 bytes");

// Fluent Bit 5.1.1's struct flb_plugin_proxy_def
// (include/fluent-bit/flb_plugin_proxy.h). Before 5.0.0 it ends after
// description, before 5.1.1 after event_type: Fluent Bit allocates it with
// its own size, so config_map may be written only when the Fluent Bit that
// loads the plugin is known to have it.
struct pamaudit_flb_plugin_proxy_def_5_1_1 {
	int type;
	int proxy;
	int flags;
	char *name;
	char *description;
	int event_type;
	struct pamaudit_flb_config_map *config_map;
};

_Static_assert(offsetof(struct pamaudit_flb_plugin_proxy_def_5_1_1, config_map) == 40, "config_map at offset 40");

#define PAMAUDIT_FLB_CONFIG_MAP_STR 0

static struct pamaudit_flb_config_map *pamaudit_config_map_new(int n)
{
	return calloc(n + 1, sizeof(struct pamaudit_flb_config_map));
}

static void pamaudit_config_map_set(struct pamaudit_flb_config_map *m, int i, char *name, char *desc)
{
	m[i].type = PAMAUDIT_FLB_CONFIG_MAP_STR;
	m[i].name = name;
	m[i].desc = desc;
}

static void pamaudit_def_set_config_map(void *def, struct pamaudit_flb_config_map *m)
{
	((struct pamaudit_flb_plugin_proxy_def_5_1_1 *) def)->config_map = m;
}
*/
import "C"

import (
	"os"
	"strings"
	"unsafe"
)

// Unknown keys. A Go plugin reads its properties one by one, by name
// (output_get_property): it cannot list them, so it cannot see a key it does
// not know, such as a typo (formt capam). Fluent Bit 5.1.1 lets a proxy
// plugin register a config map, as its own plugins do, and then fails at
// start on any property the map does not hold ("unknown configuration
// property"). Older versions' flb_plugin_proxy_def has no config_map
// member, and nothing the plugin is given tells the versions apart: writing
// the member into an older Fluent Bit's smaller structure would corrupt its
// heap. So the plugin registers its map only when PAMAUDIT_FLUENT_BIT_VERSION
// names a version whose structures it knows (5.1.1); otherwise unknown keys
// are ignored, as they always were (docs/fluent-bit.md, "Unknown keys").

// fluentBitVersionEnv names the Fluent Bit version that loads the plugin.
const fluentBitVersionEnv = "PAMAUDIT_FLUENT_BIT_VERSION"

// configMapVersions are the Fluent Bit versions whose flb_plugin_proxy_def
// and flb_config_map the C declarations above match.
var configMapVersions = map[string]bool{"5.1.1": true}

// keyDescriptions are the config map's descriptions, which Fluent Bit shows
// in its help; keys not listed get none.
var keyDescriptions = map[string]string{
	"format":      formatNames,
	"source_key":  "the key that holds the raw text (default: message, log, msg)",
	"output":      "otlp, forward or stdout",
	"schema":      "otel, ecs or ocsf",
	"timezone":    "IANA zone of times without an offset",
	"syslog_keys": "read a syslog input's header keys",
}

// unknownKeys says, for the log, what happens to a key the plugin does not
// know; set at registration.
var unknownKeys = "ignored"

// registerConfigMap gives def the plugin's config map when
// PAMAUDIT_FLUENT_BIT_VERSION names a version known to take it. It returns
// a note for the log: why there is no map, or "" when all is as expected.
func registerConfigMap(def unsafe.Pointer) string {
	v := strings.TrimPrefix(strings.TrimSpace(os.Getenv(fluentBitVersionEnv)), "v")
	switch {
	case v == "":
		return ""
	case !configMapVersions[v]:
		return fluentBitVersionEnv + "=" + v + ": not a version whose config map structures the plugin knows (5.1.1); unknown keys are not checked"
	}
	keys := configKeys
	m := C.pamaudit_config_map_new(C.int(len(keys)))
	if m == nil {
		return "no memory for the config map"
	}
	// The map lives as long as the process: Fluent Bit keeps pointers to
	// it (and to its names and descriptions) in every instance's copy.
	for i, k := range keys {
		C.pamaudit_config_map_set(m, C.int(i), C.CString(k), C.CString(keyDescriptions[k]))
	}
	C.pamaudit_def_set_config_map(def, m)
	unknownKeys = "refused by Fluent Bit " + v
	return ""
}
