/*
 * flb-harness: loads a Fluent Bit Go output plugin (.so) and drives it the
 * way Fluent Bit's Go proxy does (src/flb_plugin_proxy.c and
 * src/proxy/go/go.c in Fluent Bit), so CI can test the real plugin without
 * Fluent Bit:
 *
 *   - FLBPluginRegister(def) once, with a full-size flb_plugin_proxy_def;
 *   - per [OUTPUT] instance, FLBPluginInit(plugin) with the flbgo_output_plugin
 *     structure, an flb_api whose output_get_property looks the instance's
 *     properties up case-insensitively, and the instance's proxy context;
 *     as in Fluent Bit, the properties its core keeps for itself (match,
 *     workers, host, port, tls, tls.*, ...) are not among them;
 *   - FLBPluginFlushCtx(remote_context, data, size, tag) with a copied,
 *     NUL-terminated tag, from one thread or several at once (workers);
 *   - FLBPluginExitCtx(remote_context), then FLBPluginUnregister(def).
 *
 * Commands come on standard input, one per line; results go to standard
 * output as lines that start with "@@ " (the plugin may write there too):
 *
 *   new ID                     a new instance
 *   set ID KEY VALUE           a property (VALUE is the rest of the line):
 *                              @@ set ID 0, or @@ set ID core for a key
 *                              Fluent Bit keeps for itself, or
 *                              @@ set ID -1 where Fluent Bit fails
 *   init ID                    @@ init ID RET
 *   flush ID TAG FILE          @@ flush ID RET        (FILE holds the chunk)
 *   pflush ID N TAG FILE       @@ pflush ID RET...    (N threads at once)
 *   exit ID                    @@ exit ID RET
 *   thread NAME                flushes run in threads named NAME (Fluent
 *                              Bit's: flb-pipeline, flb-out-NAME-wN)
 *   quit
 *
 * Usage: flb-harness [-def 4|5.0|5.1.1] PLUGIN.so. The registration
 * structure is the one of that Fluent Bit version (default 5.1.1). With
 * 5.1.1, a config map the plugin registers is checked at init as Fluent Bit
 * does (flb_config_map_properties_check): a property it does not hold, or a
 * property set twice, fails the instance before the plugin's init, with
 * Fluent Bit's message, and "@@ init ID -1".
 *
 * Build: gcc -O2 -Wall -o flb-harness harness.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include <strings.h>

#define FLB_PROXY_OUTPUT_PLUGIN 2
#define FLB_PROXY_GOLANG 11
#define MAX_INSTANCES 16
#define MAX_PROPS 64
#define MAX_THREADS 32

/* Fluent Bit's structures, as the Go proxy passes them (Fluent Bit 5.1.1). */
struct mk_list {
    struct mk_list *prev, *next;
};

struct flb_config_map_val {
    union {
        int i_num;
        int boolean;
        double d_num;
        size_t s_num;
        char *str;
        struct mk_list *list;
        void *variant;
    } val;
    char *raw;
    struct mk_list *mult;
    struct mk_list _head;
};

struct flb_config_map {
    int type;
    char *name;
    char *def_value;
    int flags;
    int set_property;
    uintptr_t offset;
    char *desc;
    struct flb_config_map_val value;
    struct mk_list _head;
};

#define FLB_CONFIG_MAP_STR_PREFIX 1
#define FLB_CONFIG_MAP_MULT 1

/*
 * 5.1.1's. Fluent Bit allocates it with its own size: before 5.0.0 it ends
 * after description (32 bytes), before 5.1.1 after event_type (40 bytes);
 * "-def 4" and "-def 5.0" give the plugin only that much, followed by
 * guard bytes that must stay untouched.
 */
struct flb_plugin_proxy_def {
    int type;
    int proxy;
    int flags;
    char *name;
    char *description;
    int event_type;
    struct flb_config_map *config_map;
};

struct flb_plugin_proxy;

struct flb_plugin_proxy_context {
    void *remote_context;
    struct flb_plugin_proxy *proxy;
};

struct flb_api {
    const char *(*output_get_property)(const char *, void *);
    const char *(*input_get_property)(const char *, void *);
    void *(*output_get_cmt_instance)(void *);
    void *(*input_get_cmt_instance)(void *);
    void (*log_print)(int, const char *, int, const char *, ...);
    int (*input_log_check)(void *, int);
    int (*output_log_check)(void *, int);
};

struct flbgo_output_plugin {
    char *name;
    void *api;
    void *o_ins;
    struct flb_plugin_proxy_context *context;

    int (*cb_init)(struct flbgo_output_plugin *);
    int (*cb_flush)(const void *, size_t, const char *);
    int (*cb_flush_ctx)(void *, const void *, size_t, char *);
    int (*cb_exit)();
    int (*cb_exit_ctx)(void *);
};

/* Our stand-in for flb_output_instance: its properties and context. */
struct instance {
    int used;
    int nprops;
    char *keys[MAX_PROPS];
    char *vals[MAX_PROPS];
    struct flb_plugin_proxy_context *context;
};

/*
 * The output properties Fluent Bit's core keeps for itself
 * (flb_output_set_property in src/flb_output.c, Fluent Bit 5.1): they never
 * reach the instance's property list, so a plugin's output_get_property
 * does not see them. Exact names, and prefixes ending in '*'.
 */
static const char *core_props[] = {
    "name", /* not a property: Fluent Bit makes the instance of that plugin */
    "match", "match_regex", "alias", "log_level", "log_suppress_interval",
    "host", "port", "ipv6", "retry_limit", "net.*", "oauth2*", "_debug.http.*",
    "tls", "tls.verify", "tls.verify_hostname", "tls.debug", "tls.vhost",
    "tls.ca_path", "tls.ca_file", "tls.crt_file", "tls.key_file",
    "tls.key_passwd", "tls.min_version", "tls.max_version", "tls.ciphers",
    "tls.proxy.verify", "tls.proxy.verify_hostname", "tls.proxy.ca_path",
    "tls.proxy.ca_file", "storage.total_limit_size", "workers",
    NULL
};

static int core_prop(const char *key)
{
    int i;
    size_t n;

    for (i = 0; core_props[i]; i++) {
        n = strlen(core_props[i]);
        if (core_props[i][n - 1] == '*') {
            if (strncasecmp(core_props[i], key, n - 1) == 0) {
                return 1;
            }
        }
        else if (strcasecmp(core_props[i], key) == 0) {
            return 1;
        }
    }
    return 0;
}

static struct instance instances[MAX_INSTANCES];
static struct flbgo_output_plugin plugin;
static struct flb_api api;

static const char *get_property(const char *key, void *o_ins)
{
    struct instance *in = o_ins;
    int i;

    for (i = 0; i < in->nprops; i++) {
        if (strcasecmp(in->keys[i], key) == 0) {
            return in->vals[i];
        }
    }
    return NULL;
}

static char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(n > 0 ? n : 1);
    if (buf && n > 0 && fread(buf, 1, n, f) != (size_t) n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = n > 0 ? (size_t) n : 0;
    return buf;
}

/* One flush, as proxy_go_output_flush does it. */
static int flush(struct instance *in, const char *data, size_t size, const char *tag)
{
    int ret;
    size_t len = strlen(tag);
    char *buf = malloc(len + 1);

    memcpy(buf, tag, len);
    buf[len] = '\0';
    if (plugin.cb_flush_ctx) {
        ret = plugin.cb_flush_ctx(in->context->remote_context, data, size, buf);
    }
    else {
        ret = plugin.cb_flush(data, size, buf);
    }
    free(buf);
    return ret;
}

struct job {
    struct instance *in;
    const char *data;
    size_t size;
    const char *tag;
    int ret;
};

/* The name of the flush threads, as Fluent Bit names its own. */
static char thread_name[16] = "flb-harness";

static void *flush_thread(void *arg)
{
    struct job *j = arg;
    pthread_setname_np(pthread_self(), thread_name);
    j->ret = flush(j->in, j->data, j->size, j->tag);
    return NULL;
}

/* flb_config_map_properties_check (src/flb_config_map.c), for the
 * instance's properties against the plugin's map. */
static int properties_check(struct instance *in, struct flb_config_map *map)
{
    int i, j, count;
    size_t len;
    struct flb_config_map *m, *found;

    for (i = 0; i < in->nprops; i++) {
        if (strncasecmp(in->keys[i], "_debug.", 7) == 0 ||
            strcasecmp(in->keys[i], "active") == 0 ||
            strcasecmp(in->keys[i], "condition") == 0) {
            continue;
        }
        found = NULL;
        for (m = map; m->name; m++) {
            len = strlen(m->name);
            if (m->type != FLB_CONFIG_MAP_STR_PREFIX && len != strlen(in->keys[i])) {
                continue;
            }
            if (strncasecmp(in->keys[i], m->name, len) == 0) {
                found = m;
                break;
            }
        }
        if (!found) {
            /* One write, as Fluent Bit's log does. */
            char msg[8192];
            size_t n = snprintf(msg, sizeof(msg), "[error] [config] %s: unknown configuration property '%s'. "
                                "The following properties are allowed:", plugin.name, in->keys[i]);
            for (m = map; m->name && n < sizeof(msg); m++) {
                n += snprintf(msg + n, sizeof(msg) - n, " %s", m->name);
            }
            fprintf(stderr, "%s.\n", msg);
            return -1;
        }
        count = 0;
        for (j = 0; j < in->nprops; j++) {
            if (strcasecmp(in->keys[i], in->keys[j]) == 0) {
                count++;
            }
        }
        if (count > 1 && (found->flags & FLB_CONFIG_MAP_MULT) == 0) {
            fprintf(stderr, "[error] [config] %s: configuration property '%s' is set %i times\n",
                    plugin.name, in->keys[i], count);
            return -1;
        }
    }
    return 0;
}

static struct instance *lookup(int id)
{
    if (id < 0 || id >= MAX_INSTANCES || !instances[id].used) {
        return NULL;
    }
    return &instances[id];
}

int main(int argc, char **argv)
{
    void *dso;
    int (*cb_register)(struct flb_plugin_proxy_def *);
    void (*cb_unregister)(struct flb_plugin_proxy_def *);
    struct flb_plugin_proxy_def *def;
    char line[65536];
    int ret;

    size_t def_size = sizeof(struct flb_plugin_proxy_def);
    unsigned char *def_mem;
    size_t i;
    const char *path;

    if (argc == 4 && strcmp(argv[1], "-def") == 0) {
        if (strcmp(argv[2], "4") == 0) {
            def_size = offsetof(struct flb_plugin_proxy_def, event_type);
        }
        else if (strcmp(argv[2], "5.0") == 0) {
            def_size = offsetof(struct flb_plugin_proxy_def, config_map);
        }
        else if (strcmp(argv[2], "5.1.1") != 0) {
            fprintf(stderr, "-def: 4, 5.0 or 5.1.1\n");
            return 2;
        }
        path = argv[3];
    }
    else if (argc == 2) {
        path = argv[1];
    }
    else {
        fprintf(stderr, "usage: %s [-def 4|5.0|5.1.1] PLUGIN.so < commands\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    dso = dlopen(path, RTLD_LAZY);
    if (!dso) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    cb_register = dlsym(dso, "FLBPluginRegister");
    cb_unregister = dlsym(dso, "FLBPluginUnregister");
    plugin.cb_init = dlsym(dso, "FLBPluginInit");
    plugin.cb_flush = dlsym(dso, "FLBPluginFlush");
    plugin.cb_flush_ctx = dlsym(dso, "FLBPluginFlushCtx");
    plugin.cb_exit = dlsym(dso, "FLBPluginExit");
    plugin.cb_exit_ctx = dlsym(dso, "FLBPluginExitCtx");
    if (!cb_register || !plugin.cb_init || (!plugin.cb_flush && !plugin.cb_flush_ctx)) {
        fprintf(stderr, "missing FLBPluginRegister, FLBPluginInit or FLBPluginFlush[Ctx]\n");
        return 1;
    }

    /* The structure of the version, then guard bytes up to the full
     * size: an older Fluent Bit's allocation ends where they start. */
    def_mem = calloc(1, sizeof(struct flb_plugin_proxy_def) + 64);
    memset(def_mem + def_size, 0xA5, sizeof(struct flb_plugin_proxy_def) + 64 - def_size);
    def = (struct flb_plugin_proxy_def *) def_mem;
    ret = cb_register(def);
    for (i = def_size; i < sizeof(struct flb_plugin_proxy_def) + 64; i++) {
        if (def_mem[i] != 0xA5) {
            printf("@@ error the plugin wrote byte %zu of a %zu-byte registration structure\n", i, def_size);
            return 1;
        }
    }
    if (def_size < sizeof(struct flb_plugin_proxy_def)) {
        /* What Fluent Bit of that version reads: no config map. */
        def = calloc(1, sizeof(struct flb_plugin_proxy_def));
        memcpy(def, def_mem, def_size);
    }
    printf("@@ register %d %d %d %s%s\n", ret, def->type, def->proxy, def->name ? def->name : "-",
           def->config_map ? " config_map" : "");
    if (ret == -1 || def->type != FLB_PROXY_OUTPUT_PLUGIN || def->proxy != FLB_PROXY_GOLANG) {
        return 1;
    }
    plugin.name = strdup(def->name);
    api.output_get_property = get_property;

    while (fgets(line, sizeof(line), stdin)) {
        char cmd[16], tag[1024], file[4096];
        int id, n;
        struct instance *in;

        line[strcspn(line, "\n")] = '\0';
        if (sscanf(line, "%15s %d", cmd, &id) < 1) {
            continue;
        }
        if (strcmp(cmd, "quit") == 0) {
            break;
        }
        if (strcmp(cmd, "thread") == 0) {
            if (sscanf(line, "%*s %15s", thread_name) != 1) {
                printf("@@ error bad thread\n");
                continue;
            }
            printf("@@ thread %s\n", thread_name);
            continue;
        }
        if (strcmp(cmd, "new") == 0) {
            if (id < 0 || id >= MAX_INSTANCES) {
                printf("@@ error bad id\n");
                continue;
            }
            memset(&instances[id], 0, sizeof(struct instance));
            instances[id].used = 1;
            instances[id].context = calloc(1, sizeof(struct flb_plugin_proxy_context));
            printf("@@ new %d\n", id);
            continue;
        }
        in = lookup(id);
        if (!in) {
            printf("@@ error no instance %d\n", id);
            continue;
        }
        if (strcmp(cmd, "set") == 0) {
            char key[256];
            const char *val;
            int off = 0;
            if (sscanf(line, "%*s %*d %255s %n", key, &off) < 1 || in->nprops == MAX_PROPS) {
                printf("@@ error bad set\n");
                continue;
            }
            val = off > 0 ? line + off : "";
            if (core_prop(key)) {
                /* A Go plugin registers without FLB_IO_TLS, so Fluent Bit
                 * refuses "tls on" for it: "does not support TLS". */
                if (strcasecmp(key, "tls") == 0 &&
                    (strcasecmp(val, "on") == 0 || strcasecmp(val, "true") == 0 ||
                     strcasecmp(val, "yes") == 0)) {
                    fprintf(stderr, "[error] [config] %s.%d does not support TLS\n", plugin.name, id);
                    printf("@@ set %d -1\n", id);
                }
                else {
                    printf("@@ set %d core\n", id);
                }
                continue;
            }
            in->keys[in->nprops] = strdup(key);
            in->vals[in->nprops] = strdup(val);
            in->nprops++;
            printf("@@ set %d 0\n", id);
        }
        else if (strcmp(cmd, "init") == 0) {
            /* proxy_go_output_init: the same plugin structure, pointed at
             * this instance. */
            plugin.api = &api;
            plugin.o_ins = in;
            plugin.context = in->context;
            /* flb_output_plugin_property_check, before the plugin's init */
            if (def->config_map && properties_check(in, def->config_map) == -1) {
                printf("@@ init %d -1\n", id);
                continue;
            }
            ret = plugin.cb_init(&plugin);
            printf("@@ init %d %d\n", id, ret);
        }
        else if (strcmp(cmd, "flush") == 0 || strcmp(cmd, "pflush") == 0) {
            int threads = 1;
            size_t size;
            char *data;
            pthread_t th[MAX_THREADS];
            struct job jobs[MAX_THREADS];

            if (strcmp(cmd, "pflush") == 0) {
                if (sscanf(line, "%*s %*d %d %1023s %4095s", &threads, tag, file) != 3 ||
                    threads < 1 || threads > MAX_THREADS) {
                    printf("@@ error bad pflush\n");
                    continue;
                }
            }
            else if (sscanf(line, "%*s %*d %1023s %4095s", tag, file) != 2) {
                printf("@@ error bad flush\n");
                continue;
            }
            data = read_file(file, &size);
            if (!data) {
                printf("@@ error cannot read %s\n", file);
                continue;
            }
            for (n = 0; n < threads; n++) {
                jobs[n] = (struct job) {in, data, size, tag, -1};
                pthread_create(&th[n], NULL, flush_thread, &jobs[n]);
            }
            for (n = 0; n < threads; n++) {
                pthread_join(th[n], NULL);
            }
            printf("@@ %s %d", cmd, id);
            for (n = 0; n < threads; n++) {
                printf(" %d", jobs[n].ret);
            }
            printf("\n");
            free(data);
        }
        else if (strcmp(cmd, "exit") == 0) {
            if (plugin.cb_exit_ctx) {
                ret = plugin.cb_exit_ctx(in->context->remote_context);
            }
            else {
                ret = plugin.cb_exit ? plugin.cb_exit() : 0;
            }
            printf("@@ exit %d %d\n", id, ret);
        }
        else {
            printf("@@ error unknown command %s\n", cmd);
        }
    }
    if (cb_unregister) {
        cb_unregister(def);
    }
    printf("@@ bye\n");
    return 0;
}
