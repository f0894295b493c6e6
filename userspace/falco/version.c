/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Informational commands that need no rules: --version, --support,
 * --list-events, -i and --page-size.
 */
#include <sys/utsname.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "falco/commands.h"
#include "falco_nl.h"
#include "rules/rules.h"
#include "schema/schema.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

#define ENGINE_SEMVER	STR(RULES_ENGINE_VERSION_MAJOR) "." \
	STR(RULES_ENGINE_VERSION_MINOR) "." STR(RULES_ENGINE_VERSION_PATCH)
#define DRIVER_API	STR(FALCO_API_MAJOR) "." STR(FALCO_API_MINOR) "." \
	STR(FALCO_API_PATCH)

/*
 * The version object, keyed as Falco keys it.  The libraries and the
 * default driver are built from this tree, so they carry its version.
 * XXX: there is no plugin API in this implementation, hence no
 * plugin_api_version key.
 */
static json_object *
versions_obj(void)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "default_driver_version",
	    json_object_new_string(FALCO_VERSION));
	json_object_object_add(o, "driver_api_version",
	    json_object_new_string(DRIVER_API));
	json_object_object_add(o, "driver_schema_version",
	    json_object_new_string(FE_SCHEMA_VERSION));
	json_object_object_add(o, "engine_version",
	    json_object_new_string(STR(RULES_ENGINE_VERSION_MINOR)));
	json_object_object_add(o, "engine_version_semver",
	    json_object_new_string(ENGINE_SEMVER));
	json_object_object_add(o, "falco_version",
	    json_object_new_string(FALCO_VERSION));
	json_object_object_add(o, "libs_version",
	    json_object_new_string(FALCO_VERSION));
	return o;
}

char *
versions_json(void)
{
	json_object *o = versions_obj();
	char *s = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN));

	json_object_put(o);
	return s;
}

void
versions_print(FILE *out, int json)
{
	struct utsname u;
	char *s;

	if (json) {
		s = versions_json();
		fprintf(out, "%s\n", s);
		free(s);
		return;
	}
	if (uname(&u) != 0)
		strcpy(u.machine, "unknown");
	fprintf(out, "Falco version: %s (%s)\n", FALCO_VERSION, u.machine);
	fprintf(out, "Libs version:  %s\n", FALCO_VERSION);
	fprintf(out, "Engine:        %s\n", ENGINE_SEMVER);
	fprintf(out, "Driver:\n");
	fprintf(out, "  API version:    %s\n", DRIVER_API);
	fprintf(out, "  Schema version: %s\n", FE_SCHEMA_VERSION);
	fprintf(out, "  Default driver: %s\n", FALCO_VERSION);
}

/* The whole file as a JSON string, or null when unreadable. */
static json_object *
file_json(const char *path)
{
	FILE *f = fopen(path, "r");
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	size_t n;
	json_object *o;

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_put(&sb, buf, n);
	fclose(f);
	o = json_object_new_string_len(sbuf_str(&sb), (int)sb.len);
	sbuf_free(&sb);
	return o;
}

int
cmd_support(const struct cli *c, const struct config *cfg, int argc,
    char **argv)
{
	json_object *o = json_object_new_object(), *sys, *rf, *it;
	const char **files;
	char **paths = NULL;
	struct utsname u;
	struct sbuf cmd = SBUF_INIT;
	size_t i, n = 0, nf = 0;

	json_object_object_add(o, "version",
	    json_object_new_string(FALCO_VERSION));
	json_object_object_add(o, "engine_info", versions_obj());
	sys = json_object_new_object();
	if (uname(&u) == 0) {
		json_object_object_add(sys, "machine",
		    json_object_new_string(u.machine));
		json_object_object_add(sys, "nodename",
		    json_object_new_string(u.nodename));
		json_object_object_add(sys, "release",
		    json_object_new_string(u.release));
		json_object_object_add(sys, "sysname",
		    json_object_new_string(u.sysname));
		json_object_object_add(sys, "version",
		    json_object_new_string(u.version));
	}
	json_object_object_add(o, "system_info", sys);
	for (i = 0; i < (size_t)argc; i++)
		sbuf_printf(&cmd, "%s%s", i > 0 ? " " : "", argv[i]);
	json_object_object_add(o, "cmdline",
	    json_object_new_string(sbuf_str(&cmd)));
	sbuf_free(&cmd);
	json_object_object_add(o, "config", config_nfiles(cfg) > 0 ?
	    file_json(config_file(cfg, 0)) : json_object_new_string(""));

	if (c->nrules > 0) {
		for (i = 0; i < c->nrules; i++)
			rules_expand_path(c->rules[i], &paths, &n);
	} else {
		files = config_rules_files(cfg, &nf);
		for (i = 0; i < nf; i++)
			rules_expand_path(files[i], &paths, &n);
		free(files);
	}
	rf = json_object_new_array();
	for (i = 0; i < n; i++) {
		it = json_object_new_object();
		json_object_object_add(it, "name",
		    json_object_new_string(paths[i]));
		json_object_object_add(it, "content", file_json(paths[i]));
		json_object_array_add(rf, it);
		free(paths[i]);
	}
	free(paths);
	json_object_object_add(o, "rules_files", rf);
	printf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

static const char *
ptype_name(uint8_t t)
{
	static const char *const names[] = {
		[PT_NONE] = "NONE", [PT_INT8] = "INT8", [PT_INT16] = "INT16",
		[PT_INT32] = "INT32", [PT_INT64] = "INT64",
		[PT_UINT8] = "UINT8", [PT_UINT16] = "UINT16",
		[PT_UINT32] = "UINT32", [PT_UINT64] = "UINT64",
		[PT_CHARBUF] = "CHARBUF", [PT_BYTEBUF] = "BYTEBUF",
		[PT_ERRNO] = "ERRNO", [PT_SOCKADDR] = "SOCKADDR",
		[PT_SOCKTUPLE] = "SOCKTUPLE", [PT_FD] = "FD", [PT_PID] = "PID",
		[PT_FDLIST] = "FDLIST", [PT_FSPATH] = "FSPATH",
		[PT_SYSCALLID] = "SYSCALLID", [PT_SIGTYPE] = "SIGTYPE",
		[PT_RELTIME] = "RELTIME", [PT_ABSTIME] = "ABSTIME",
		[PT_PORT] = "PORT", [PT_L4PROTO] = "L4PROTO",
		[PT_SOCKFAMILY] = "SOCKFAMILY", [PT_BOOL] = "BOOL",
		[PT_IPV4ADDR] = "IPV4ADDR", [PT_DYN] = "DYN",
		[PT_FLAGS8] = "FLAGS8", [PT_FLAGS16] = "FLAGS16",
		[PT_FLAGS32] = "FLAGS32", [PT_UID] = "UID", [PT_GID] = "GID",
		[PT_DOUBLE] = "DOUBLE", [PT_SIGSET] = "SIGSET",
		[PT_CHARBUFARRAY] = "CHARBUFARRAY", [PT_IPV4NET] = "IPV4NET",
		[PT_IPV6ADDR] = "IPV6ADDR", [PT_IPV6NET] = "IPV6NET",
		[PT_IPADDR] = "IPADDR", [PT_IPNET] = "IPNET",
		[PT_MODE] = "MODE", [PT_FSRELPATH] = "FSRELPATH",
		[PT_ENUMFLAGS8] = "ENUMFLAGS8",
	};

	if (t < sizeof(names) / sizeof(names[0]) && names[t] != NULL)
		return names[t];
	return "UNKNOWN";
}

/* One event as "< name(TYPE param, ...)"; enter events print ">". */
static void
print_event(uint16_t id, const struct schema_event *e)
{
	uint16_t i;

	printf("%c %s(", schema_is_enter(id) ? '>' : '<', e->name);
	for (i = 0; i < e->nparams; i++)
		printf("%s%s %s", i > 0 ? ", " : "",
		    ptype_name(e->params[i].type), e->params[i].name);
	printf(")\n");
}

int
cmd_list_events(const struct cli *c)
{
	static const struct {
		const char	*title;
		uint32_t	 cat;
	} sections[] = {
		{ "Syscall events:", EC_SYSCALL },
		{ "Tracepoint events:", EC_TRACEPOINT },
		{ "Plugin events:", EC_PLUGIN },
		{ "Metaevents:", EC_METAEVENT },
	};
	const struct schema_event *e;
	size_t s;
	uint16_t id;

	for (s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		printf("%s%s\n\n", s > 0 ? "\n" : "", sections[s].title);
		for (id = 0; id < FE_MAX; id++) {
			if ((e = schema_event(id)) == NULL ||
			    (e->flags & (EF_UNUSED | EF_OLD_VERSION)) ||
			    !(e->category & sections[s].cat))
				continue;
			print_event(id, e);
		}
	}
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
cmd_print_ignored(const struct cli *c)
{
	const struct schema_event *e;
	const char **v = NULL;
	size_t n = 0, i;
	uint16_t id;

	for (id = 0; id < FE_MAX; id++) {
		if ((e = schema_event(id)) == NULL || schema_is_enter(id) ||
		    (e->flags & (EF_UNUSED | EF_OLD_VERSION)) ||
		    !(e->category & EC_SYSCALL))
			continue;
		switch (e->category & ~(uint32_t)EC_SYSCALL) {
		case EC_IO_READ:
		case EC_IO_WRITE:
			break;
		default:
			continue;
		}
		for (i = 0; i < n; i++)
			if (strcmp(v[i], e->name) == 0)
				break;
		if (i < n)
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = e->name;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), str_cmp);
	printf("Ignored I/O syscall(s):\n");
	for (i = 0; i < n; i++)
		printf("- %s\n", v[i]);
	printf("\n");
	free(v);
	return 0;
}

int
cmd_page_size(const struct cli *c)
{
	long ps = sysconf(_SC_PAGESIZE);

	if (ps <= 0) {
		fprintf(stderr, "Error: cannot read the system page size\n");
		return 1;
	}
	printf("Your system page size is: %ld bytes.\n", ps);
	return 0;
}
