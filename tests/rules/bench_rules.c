/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load+compile time of rules files: a generated file of 100 rules shaped
 * like the default ones (lists, macros, exceptions, long outputs), and the
 * largest rules file of the test data.  The baseline is parsing the same
 * text with libyaml alone, measured in the same run.  Target: < 20 ms for
 * the 100 rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "filter/filter.h"
#include "rules/rules.h"
#include "rules/yaml.h"
#include "schema/schema.h"
#include "util/sbuf.h"

#define RUNS	15

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
generate(struct sbuf *sb, int nrules)
{
	static const char *const evts[] = { "open, openat, openat2",
	    "execve, execveat", "connect", "accept, accept4",
	    "rename, renameat, renameat2", "unlink, unlinkat",
	    "ptrace", "setuid, setresuid", "dup2, dup3", "mkdir, mkdirat" };
	int i, j;

	sbuf_puts(sb, "- required_engine_version: 0.26.0\n");
	for (i = 0; i < 20; i++) {
		sbuf_printf(sb, "- list: bin_list_%d\n  items: [", i);
		for (j = 0; j < 12; j++)
			sbuf_printf(sb, "%sprog%d_%d", j ? ", " : "", i, j);
		sbuf_puts(sb, "]\n");
	}
	sbuf_puts(sb, "- list: all_bins\n  items: [bin_list_0, bin_list_1, "
	    "bin_list_2]\n");
	sbuf_puts(sb, "- macro: never_true\n  condition: (evt.num=0)\n");
	for (i = 0; i < 30; i++) {
		sbuf_printf(sb, "- macro: m_%d\n  condition: (evt.type in (%s) "
		    "and proc.name in (bin_list_%d)%s)\n", i, evts[i % 10],
		    i % 20, i > 0 ? " or never_true" : "");
		sbuf_printf(sb, "- macro: user_known_%d\n  condition: "
		    "(never_true)\n", i);
	}
	for (i = 0; i < nrules; i++) {
		sbuf_printf(sb,
		    "- rule: Generated rule number %d\n"
		    "  desc: >\n    Detect an activity of kind %d performed by "
		    "a process\n    outside the allowed list.\n"
		    "  condition: >\n    m_%d and container.id != host and "
		    "not proc.pname in (all_bins)\n    and (fd.name startswith "
		    "/etc/ or fd.directory in (/usr/bin, /bin) or\n"
		    "    proc.cmdline contains \"--dangerous %d\" or "
		    "proc.aname[2] glob 'ssh*')\n    and not user_known_%d\n"
		    "  exceptions:\n    - name: known_pairs\n"
		    "      fields: [proc.name, fd.name]\n"
		    "      comps: [=, startswith]\n"
		    "      values:\n        - [prog0_1, /etc/hosts]\n"
		    "        - [prog1_2, \"/var/lib/x y\"]\n"
		    "    - name: known_images\n"
		    "      fields: container.image.repository\n"
		    "      values: [docker.io/library/nginx, quay.io/x/y]\n"
		    "  output: >\n    Activity %d (user=%%user.name "
		    "user_loginuid=%%user.loginuid process=%%proc.name "
		    "proc_exepath=%%proc.exepath parent=%%proc.pname "
		    "command=%%proc.cmdline terminal=%%proc.tty "
		    "file=%%fd.name container_id=%%container.id "
		    "image=%%container.image.repository)\n"
		    "  priority: %s\n  tags: [maturity_stable, host, "
		    "container, mitre_execution, T%04d]\n",
		    i, i, i % 30, i, i % 30, i,
		    i % 3 ? "WARNING" : "NOTICE", i);
	}
}

/* A mock event: every string field reads "value", numbers 1000. */
static int
mock_extract(void *ctx, const struct field_ref *ref, struct fvals *out)
{
	static const char *const s = "/usr/bin/value";

	out->n = 1;
	out->v[0].type = ref->info->type;
	switch (ref->info->type) {
	case FT_CHARBUF: case FT_FSPATH: case FT_BYTEBUF:
		out->v[0].v.s.p = s;
		out->v[0].v.s.len = strlen(s);
		break;
	case FT_IPADDR: case FT_IPNET:
		out->n = 0;
		break;
	default:
		out->v[0].v.u = 1000;
		break;
	}
	if (strcmp(ref->info->name, "evt.type") == 0) {
		out->v[0].v.s.p = "openat";
		out->v[0].v.s.len = 6;
	}
	return 0;
}

/* Per-event cost of running an event type's bucket of rules. */
static void
bench_eval(const char *text, size_t len)
{
	const struct filter_evtypes *ev = filter_get_evtypes();
	struct rules_loader *l = rules_loader_new();
	struct rules_result *r;
	const struct rule *const *v;
	uint8_t bm[(FE_MAX + 7) / 8] = { 0 };
	size_t i, j, n, id, hits = 0;
	const size_t events = 200000;
	struct field_ref ref;
	struct filter_err err;
	struct fvals fv;
	double t0, t1, t2;

	for (i = 0; i < fields_nclasses(); i++)
		fields_set_extractor(fields_class(i)->name, mock_extract);
	r = rules_load_content(l, "gen.yaml", text, len);
	rules_result_free(r);
	(void)ev->by_name("openat", bm);
	for (id = 0; !(bm[id / 8] & (1u << (id % 8))); id++)
		;
	v = rules_for_evttype(rules_loader_ruleset(l), "syscall",
	    (uint16_t)id, &n);
	t0 = now_ms();
	for (i = 0; i < events; i++)
		for (j = 0; j < n; j++)
			hits += (size_t)filter_eval(v[j]->filter, NULL);
	t1 = now_ms();
	/* baseline: the extractor calls alone, one per rule */
	if (fields_resolve("proc.name", NULL, 0, &ref, &err) != 0)
		return;
	for (i = 0; i < events; i++)
		for (j = 0; j < n; j++) {
			(void)mock_extract(NULL, &ref, &fv);
			hits += fv.n;
		}
	t2 = now_ms();
	printf("eval: %zu rules in the openat bucket, %.0f ns per event "
	    "(%.1f ns per rule), one extraction per rule %.1f ns, ratio "
	    "%.1f (%zu)\n", n, (t1 - t0) * 1e6 / events,
	    n ? (t1 - t0) * 1e6 / events / n : 0.0,
	    n ? (t2 - t1) * 1e6 / events / n : 0.0,
	    t2 > t1 ? (t1 - t0) / (t2 - t1) : 0.0, hits % 10);
	rules_loader_free(l);
}

static double
median_ms(const char *name, const char *text, size_t len, int yaml_only,
    size_t *nrules)
{
	double t[RUNS], t0;
	struct rules_loader *l;
	struct rules_result *r;
	struct ydoc d;
	char *msg;
	size_t line, col, off;
	int i;

	for (i = 0; i < RUNS; i++) {
		t0 = now_ms();
		if (yaml_only) {
			if (ydoc_load(text, len, &d, &msg, &line, &col,
			    &off) == 0)
				ydoc_free(&d);
			else
				free(msg);
			t[i] = now_ms() - t0;
			continue;
		}
		l = rules_loader_new();
		r = rules_load_content(l, name, text, len);
		t[i] = now_ms() - t0;
		if (i == 0 && !rules_result_ok(r)) {
			struct sbuf sb = SBUF_INIT;

			rules_result_verbose(r, &sb);
			fprintf(stderr, "%s\n", sbuf_str(&sb));
			sbuf_free(&sb);
		}
		*nrules = rules_count(rules_loader_ruleset(l));
		rules_result_free(r);
		rules_loader_free(l);
	}
	qsort(t, RUNS, sizeof(t[0]), dbl_cmp);
	return t[RUNS / 2];
}

static void
report(const char *what, const char *text, size_t len)
{
	double base, full;
	size_t n = 0;

	base = median_ms(what, text, len, 1, &n);
	full = median_ms(what, text, len, 0, &n);
	printf("%s: %zu bytes, %zu rules: load+compile %.2f ms (median of "
	    "%d), yaml parse alone %.2f ms, ratio %.1f\n", what, len, n, full,
	    RUNS, base, base > 0 ? full / base : 0.0);
}

int
main(void)
{
	const char *td = getenv("FALCO_TESTDATA");
	struct sbuf sb = SBUF_INIT;
	char path[4096], buf[65536];
	size_t n, i;
	FILE *f;

	fields_init();
	filter_set_evtypes(filter_schema_evtypes());
	generate(&sb, 100);
	report("generated-100-rules", sbuf_str(&sb), sb.len);
	bench_eval(sbuf_str(&sb), sb.len);
	sbuf_reset(&sb);
	/* the largest rules files of the functional suite (the first has
	 * k8s_audit rules, whose source is not loaded: lists and macros
	 * only), and the largest syscall one */
	for (i = 0; i < 2; i++) {
		static const char *const files[] = {
			"k8s_audit/engine_v4_k8s_audit_rules.yaml",
			"falco_rules_warnings.yaml",
		};

		snprintf(path, sizeof(path), "%s/falco-0.34.1/tests/rules/%s",
		    td != NULL ? td : "../shared/testdata", files[i]);
		if ((f = fopen(path, "r")) == NULL) {
			printf("skip %s: cannot open it\n", path);
			continue;
		}
		sbuf_reset(&sb);
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			sbuf_put(&sb, buf, n);
		fclose(f);
		report(files[i], sbuf_str(&sb), sb.len);
	}
	sbuf_free(&sb);
	return 0;
}
