/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table of known falco.yaml keys and the walk that checks a loaded
 * tree against it.  A key path uses `[]` for "any item of a sequence".
 * Keys of type K_ANY are accepted as they are and not descended into
 * (their owners check them: plugin init_config, engine-specific blocks
 * of removed engines, and so on).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_impl.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

enum ktype {
	K_BOOL,
	K_INT,
	K_UINT,
	K_FLOAT,
	K_STR,		/* any scalar */
	K_ENUM,		/* a scalar among `vals`, case-insensitive */
	K_DURATION,	/* integer ms or "1h30m" */
	K_STRLIST,	/* scalar or sequence of scalars; items see "key[]" */
	K_SEQ,		/* sequence; items see "key[]" */
	K_MAP,		/* mapping; children are looked up in the table */
	K_ANY,		/* anything, not descended into */
};

#define KF_DEPRECATED	0x1	/* accepted with a warning */

struct kdef {
	const char		*path;
	enum ktype		 type;
	int			 flags;
	const char *const	*vals;	/* K_ENUM */
};

static const char *const priorities[] = {
	"emergency", "alert", "critical", "error", "warning", "notice",
	"info", "informational", "debug", NULL
};
static const char *const engine_kinds[] = {
	"kmod", "ebpf", "modern_ebpf", "replay", "gvisor", "nodriver", NULL
};
static const char *const rule_matching[] = { "first", "all", NULL };
static const char *const drop_actions[] = {
	"ignore", "log", "alert", "exit", NULL
};
static const char *const libs_severities[] = {
	"fatal", "critical", "error", "warning", "notice", "info", "debug",
	"trace", NULL
};

/* Sorted by path only for reading; lookups are linear (small table). */
static const struct kdef kdefs[] = {
	{ "append_output", K_SEQ, 0, NULL },
	{ "append_output[]", K_MAP, 0, NULL },
	{ "append_output[].extra_fields", K_ANY, 0, NULL },
	{ "append_output[].extra_output", K_STR, 0, NULL },
	{ "append_output[].match", K_MAP, 0, NULL },
	{ "append_output[].match.rule", K_STR, 0, NULL },
	{ "append_output[].match.source", K_STR, 0, NULL },
	{ "append_output[].match.tags", K_STRLIST, 0, NULL },
	{ "append_output[].suggested_output", K_BOOL, 0, NULL },
	{ "base_syscalls", K_MAP, 0, NULL },
	{ "base_syscalls.all", K_BOOL, 0, NULL },
	{ "base_syscalls.custom_set", K_STRLIST, 0, NULL },
	{ "base_syscalls.repair", K_BOOL, 0, NULL },
	{ "buffer_format_base64", K_BOOL, 0, NULL },
	{ "buffered_outputs", K_BOOL, 0, NULL },
	{ "capture", K_ANY, 0, NULL },
	{ "config_files", K_ANY, 0, NULL },	/* checked by the merge */
	{ "container_engines", K_ANY, KF_DEPRECATED, NULL },
	{ "container_metadata", K_MAP, 0, NULL },
	{ "container_metadata.sockets", K_STRLIST, 0, NULL },
	{ "container_metadata.podman_storage", K_STR, 0, NULL },
	{ "engine", K_MAP, 0, NULL },
	{ "engine.capture_file", K_STR, 0, NULL },
	{ "engine.ebpf", K_MAP, 0, NULL },
	{ "engine.ebpf.buf_size_preset", K_UINT, 0, NULL },
	{ "engine.ebpf.drop_failed_exit", K_BOOL, 0, NULL },
	{ "engine.ebpf.probe", K_STR, 0, NULL },
	{ "engine.gvisor", K_ANY, 0, NULL },
	{ "engine.kind", K_ENUM, 0, engine_kinds },
	{ "engine.kmod", K_MAP, 0, NULL },
	{ "engine.kmod.buf_size_preset", K_UINT, 0, NULL },
	{ "engine.kmod.drop_failed_exit", K_BOOL, 0, NULL },
	{ "engine.modern_ebpf", K_MAP, 0, NULL },
	{ "engine.modern_ebpf.buf_size_preset", K_UINT, 0, NULL },
	{ "engine.modern_ebpf.cpus_for_each_buffer", K_UINT, 0, NULL },
	{ "engine.modern_ebpf.disable_iterators", K_BOOL, 0, NULL },
	{ "engine.modern_ebpf.drop_failed_exit", K_BOOL, 0, NULL },
	{ "engine.replay", K_MAP, 0, NULL },
	{ "engine.replay.capture_file", K_STR, 0, NULL },
	{ "falco_libs", K_MAP, 0, NULL },
	{ "falco_libs.snaplen", K_UINT, 0, NULL },
	{ "falco_libs.thread_table_auto_purging_interval_s", K_UINT, 0, NULL },
	{ "falco_libs.thread_table_auto_purging_thread_timeout_s", K_UINT, 0,
	    NULL },
	{ "falco_libs.thread_table_size", K_UINT, 0, NULL },
	{ "file_output", K_MAP, 0, NULL },
	{ "file_output.enabled", K_BOOL, 0, NULL },
	{ "file_output.filename", K_STR, 0, NULL },
	{ "file_output.keep_alive", K_BOOL, 0, NULL },
	{ "grpc", K_ANY, KF_DEPRECATED, NULL },
	{ "grpc_output", K_ANY, KF_DEPRECATED, NULL },
	{ "http_output", K_MAP, 0, NULL },
	{ "http_output.ca_bundle", K_STR, 0, NULL },
	{ "http_output.ca_cert", K_STR, 0, NULL },
	{ "http_output.ca_path", K_STR, 0, NULL },
	{ "http_output.client_cert", K_STR, 0, NULL },
	{ "http_output.client_key", K_STR, 0, NULL },
	{ "http_output.compress_uploads", K_BOOL, 0, NULL },
	{ "http_output.echo", K_BOOL, 0, NULL },
	{ "http_output.enabled", K_BOOL, 0, NULL },
	{ "http_output.insecure", K_BOOL, 0, NULL },
	{ "http_output.keep_alive", K_BOOL, 0, NULL },
	{ "http_output.max_consecutive_timeouts", K_UINT, 0, NULL },
	{ "http_output.mtls", K_BOOL, 0, NULL },
	{ "http_output.retry_interval", K_DURATION, 0, NULL },
	{ "http_output.timeout", K_DURATION, 0, NULL },
	{ "http_output.url", K_STR, 0, NULL },
	{ "http_output.user_agent", K_STR, 0, NULL },
	{ "json_include_message_property", K_BOOL, 0, NULL },
	{ "json_include_output_fields_property", K_BOOL, 0, NULL },
	{ "json_include_output_property", K_BOOL, 0, NULL },
	{ "json_include_tags_property", K_BOOL, 0, NULL },
	{ "json_output", K_BOOL, 0, NULL },
	{ "libs_logger", K_MAP, 0, NULL },
	{ "libs_logger.enabled", K_BOOL, 0, NULL },
	{ "libs_logger.severity", K_ENUM, 0, libs_severities },
	{ "load_plugins", K_STRLIST, 0, NULL },
	{ "log_level", K_ENUM, 0, priorities },
	{ "log_stderr", K_BOOL, 0, NULL },
	{ "log_syslog", K_BOOL, 0, NULL },
	{ "metrics", K_MAP, 0, NULL },
	{ "metrics.convert_memory_to_mb", K_BOOL, 0, NULL },
	{ "metrics.enabled", K_BOOL, 0, NULL },
	{ "metrics.include_empty_values", K_BOOL, 0, NULL },
	{ "metrics.interval", K_DURATION, 0, NULL },
	{ "metrics.jemalloc_stats_enabled", K_BOOL, 0, NULL },
	{ "metrics.kernel_event_counters_enabled", K_BOOL, 0, NULL },
	{ "metrics.kernel_event_counters_per_cpu_enabled", K_BOOL, 0, NULL },
	{ "metrics.kernel_iter_event_counters_enabled", K_BOOL, 0, NULL },
	{ "metrics.libbpf_stats_enabled", K_BOOL, 0, NULL },
	{ "metrics.output_file", K_STR, 0, NULL },
	{ "metrics.output_rule", K_BOOL, 0, NULL },
	{ "metrics.plugins_metrics_enabled", K_BOOL, 0, NULL },
	{ "metrics.resource_utilization_enabled", K_BOOL, 0, NULL },
	{ "metrics.rules_counters_enabled", K_BOOL, 0, NULL },
	{ "metrics.state_counters_enabled", K_BOOL, 0, NULL },
	{ "metadata_download", K_ANY, KF_DEPRECATED, NULL },
	{ "modern_bpf", K_MAP, KF_DEPRECATED, NULL },
	{ "modern_bpf.cpus_for_each_syscall_buffer", K_UINT, 0, NULL },
	{ "output_timeout", K_UINT, 0, NULL },
	{ "outputs", K_MAP, KF_DEPRECATED, NULL },
	{ "outputs.max_burst", K_UINT, 0, NULL },
	{ "outputs.rate", K_FLOAT, 0, NULL },
	{ "outputs_queue", K_MAP, 0, NULL },
	{ "outputs_queue.capacity", K_UINT, 0, NULL },
	{ "outputs_queue.recovery", K_ANY, KF_DEPRECATED, NULL },
	{ "plugins", K_SEQ, 0, NULL },
	{ "plugins[]", K_MAP, 0, NULL },
	{ "plugins[].init_config", K_ANY, 0, NULL },
	{ "plugins[].library_path", K_STR, 0, NULL },
	{ "plugins[].name", K_STR, 0, NULL },
	{ "plugins[].open_params", K_STR, 0, NULL },
	{ "plugins_hostinfo", K_BOOL, 0, NULL },
	{ "priority", K_ENUM, 0, priorities },
	{ "program_output", K_MAP, 0, NULL },
	{ "program_output.enabled", K_BOOL, 0, NULL },
	{ "program_output.keep_alive", K_BOOL, 0, NULL },
	{ "program_output.program", K_STR, 0, NULL },
	{ "rule_matching", K_ENUM, 0, rule_matching },
	{ "rules", K_SEQ, 0, NULL },
	{ "rules[]", K_MAP, 0, NULL },
	{ "rules[].disable", K_MAP, 0, NULL },
	{ "rules[].disable.rule", K_STR, 0, NULL },
	{ "rules[].disable.tag", K_STR, 0, NULL },
	{ "rules[].enable", K_MAP, 0, NULL },
	{ "rules[].enable.rule", K_STR, 0, NULL },
	{ "rules[].enable.tag", K_STR, 0, NULL },
	{ "rules_file", K_STRLIST, 0, NULL },	/* warned by config.c */
	{ "rules_files", K_STRLIST, 0, NULL },
	{ "static_fields", K_ANY, 0, NULL },
	{ "stdout_output", K_MAP, 0, NULL },
	{ "stdout_output.enabled", K_BOOL, 0, NULL },
	{ "syscall_buf_size_preset", K_UINT, KF_DEPRECATED, NULL },
	{ "syscall_drop_failed_exit", K_BOOL, KF_DEPRECATED, NULL },
	{ "syscall_event_drops", K_MAP, 0, NULL },
	{ "syscall_event_drops.actions", K_STRLIST, 0, NULL },
	{ "syscall_event_drops.actions[]", K_ENUM, 0, drop_actions },
	{ "syscall_event_drops.max_burst", K_UINT, 0, NULL },
	{ "syscall_event_drops.rate", K_FLOAT, 0, NULL },
	{ "syscall_event_drops.simulate_drops", K_BOOL, 0, NULL },
	{ "syscall_event_drops.threshold", K_FLOAT, 0, NULL },
	{ "syscall_event_timeouts", K_MAP, 0, NULL },
	{ "syscall_event_timeouts.max_consecutives", K_UINT, 0, NULL },
	{ "syslog_output", K_MAP, 0, NULL },
	{ "syslog_output.enabled", K_BOOL, 0, NULL },
	{ "time_format_iso_8601", K_BOOL, 0, NULL },
	{ "watch_config_files", K_BOOL, 0, NULL },
	{ "webserver", K_MAP, 0, NULL },
	{ "webserver.enabled", K_BOOL, 0, NULL },
	{ "webserver.k8s_healthz_endpoint", K_STR, 0, NULL },
	{ "webserver.listen_address", K_STR, 0, NULL },
	{ "webserver.listen_port", K_UINT, 0, NULL },
	{ "webserver.prometheus_metrics_enabled", K_BOOL, 0, NULL },
	{ "webserver.ssl_certificate", K_STR, 0, NULL },
	{ "webserver.ssl_enabled", K_BOOL, 0, NULL },
	{ "webserver.threadiness", K_UINT, 0, NULL },
};

static const char *const type_names[] = {
	[K_BOOL] = "a boolean",
	[K_INT] = "an integer",
	[K_UINT] = "a non-negative integer",
	[K_FLOAT] = "a number",
	[K_STR] = "a scalar",
	[K_ENUM] = "one of",
	[K_DURATION] = "a duration (ms, or e.g. \"30s\", \"1h\")",
	[K_STRLIST] = "a list of scalars",
	[K_SEQ] = "a sequence",
	[K_MAP] = "a mapping",
	[K_ANY] = "anything",
};

static const struct kdef *
kdef_find(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(kdefs) / sizeof(kdefs[0]); i++)
		if (strcmp(kdefs[i].path, path) == 0)
			return &kdefs[i];
	return NULL;
}

static const char *
kind_name(const struct cfg_node *n)
{
	if (n->kind == CFG_MAP)
		return "a mapping";
	if (n->kind == CFG_SEQ)
		return "a sequence";
	return "a scalar";
}

static void
type_error(struct sbuf *errs, const struct cfg_node *n, const char *path,
    const struct kdef *kd)
{
	const char *const *v;

	sbuf_printf(errs, "%s%s:%d:%d: key '%s' must be %s", errs->len ? "\n" :
	    "", n->file, n->line, n->col, path, type_names[kd->type]);
	if (kd->type == K_ENUM) {
		for (v = kd->vals; *v != NULL; v++)
			sbuf_printf(errs, "%s%s", v == kd->vals ? " " : ", ",
			    *v);
	}
	if (n->kind == CFG_SCALAR)
		sbuf_printf(errs, ", got '%s'", n->str);
	else
		sbuf_printf(errs, ", got %s", kind_name(n));
}

static int
scalar_ok(const struct kdef *kd, const struct cfg_node *n)
{
	const char *const *v;
	int64_t i;
	double d;
	int b;

	if (n->kind != CFG_SCALAR)
		return 0;
	switch (kd->type) {
	case K_BOOL:
		return cfg_parse_bool(n->str, &b) == 0;
	case K_INT:
		return cfg_parse_int(n->str, &i) == 0;
	case K_UINT:
		return cfg_parse_int(n->str, &i) == 0 && i >= 0;
	case K_FLOAT:
		return cfg_parse_double(n->str, &d) == 0;
	case K_DURATION:
		return cfg_parse_duration_ms(n->str, &i) == 0;
	case K_ENUM:
		for (v = kd->vals; *v != NULL; v++)
			if (strcasecmp(*v, n->str) == 0)
				return 1;
		return 0;
	default:
		return 1;
	}
}

static int check_node(struct config *cfg, const struct cfg_node *n,
    const char *path, const struct kdef *kd, struct sbuf *errs);

static int
check_items(struct config *cfg, const struct cfg_node *n, const char *path,
    struct sbuf *errs)
{
	const struct kdef *ikd;
	char *ipath;
	size_t i;
	int nerr = 0;

	xasprintf(&ipath, "%s[]", path);
	ikd = kdef_find(ipath);
	if (ikd != NULL) {
		if (n->kind == CFG_SCALAR)
			nerr += check_node(cfg, n, ipath, ikd, errs);
		for (i = 0; n->kind == CFG_SEQ && i < n->n; i++)
			nerr += check_node(cfg, n->vals[i], ipath, ikd, errs);
	}
	free(ipath);
	return nerr;
}

static int
check_map(struct config *cfg, const struct cfg_node *n, const char *prefix,
    struct sbuf *errs)
{
	const struct kdef *ckd;
	char *cpath;
	size_t i;
	int nerr = 0;

	for (i = 0; i < n->n; i++) {
		if (prefix[0] != '\0')
			xasprintf(&cpath, "%s.%s", prefix, n->keys[i]);
		else
			cpath = xstrdup(n->keys[i]);
		ckd = kdef_find(cpath);
		if (ckd == NULL)
			cfg_warn_key(cfg, n, i, "unknown configuration key "
			    "'%s'", cpath);
		else {
			if (ckd->flags & KF_DEPRECATED)
				cfg_warn_key(cfg, n, i, "configuration key "
				    "'%s' is deprecated", cpath);
			nerr += check_node(cfg, n->vals[i], cpath, ckd, errs);
		}
		free(cpath);
	}
	return nerr;
}

static int
check_node(struct config *cfg, const struct cfg_node *n, const char *path,
    const struct kdef *kd, struct sbuf *errs)
{
	size_t i;

	/* A null value means "use the default" for every type. */
	if (cfg_node_is_null(n) || kd->type == K_ANY)
		return 0;
	switch (kd->type) {
	case K_MAP:
		if (n->kind != CFG_MAP) {
			type_error(errs, n, path, kd);
			return 1;
		}
		return check_map(cfg, n, path, errs);
	case K_SEQ:
		if (n->kind != CFG_SEQ) {
			type_error(errs, n, path, kd);
			return 1;
		}
		return check_items(cfg, n, path, errs);
	case K_STRLIST:
		if (n->kind == CFG_MAP) {
			type_error(errs, n, path, kd);
			return 1;
		}
		for (i = 0; n->kind == CFG_SEQ && i < n->n; i++) {
			if (n->vals[i]->kind != CFG_SCALAR) {
				type_error(errs, n->vals[i], path, kd);
				return 1;
			}
		}
		return check_items(cfg, n, path, errs);
	default:
		if (!scalar_ok(kd, n)) {
			type_error(errs, n, path, kd);
			return 1;
		}
		return 0;
	}
}

int
cfg_schema_check(struct config *cfg, struct sbuf *errs)
{
	const struct kdef root = { "", K_MAP, 0, NULL };

	if (cfg->root->kind != CFG_MAP) {
		type_error(errs, cfg->root, "(root)", &root);
		return 1;
	}
	return check_map(cfg, cfg->root, "", errs);
}
