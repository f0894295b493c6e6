/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The metrics registry and its Prometheus text rendering, plus the
 * process metrics (CPU and memory) read from /proc/self.
 */
#include <sys/resource.h>

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"
#include "webserver/metrics.h"

struct family {
	char			*name;
	char			*help;
	enum metric_type	 type;
	metrics_collect_fn	 collect;
	void			*owner;
	/* For metrics_add(): a single sample. */
	metrics_value_fn	 value;
	char			**labels;
};

struct metrics {
	pthread_mutex_t	 mu;
	struct family	*f;
	size_t		 nf;
	double		 t0_wall;	/* for the CPU ratio */
	double		 t0_cpu;
};

/* Where metrics_emit() writes: rendering, or a lookup. */
struct metrics_sink {
	const struct family	*fam;
	struct sbuf		*out;		/* rendering */
	const char *const	*want;		/* lookup: labels to match */
	int			 found;
	double			 value;
	metrics_visit_fn	 visit;		/* metrics_foreach() */
	void			*visit_arg;
};

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct metrics *
metrics_new(void)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	pthread_mutex_init(&m->mu, NULL);
	m->t0_wall = wall_now();
	m->t0_cpu = cpu_now();
	return m;
}

static void
strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static void
family_free(struct family *f)
{
	free(f->name);
	free(f->help);
	strv_free(f->labels);
}

void
metrics_free(struct metrics *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nf; i++)
		family_free(&m->f[i]);
	free(m->f);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

static int
valid_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_' && *s != ':')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != ':')
			return 0;
	return 1;
}

static int
add(struct metrics *m, const char *name, const char *help,
    enum metric_type type, metrics_collect_fn collect,
    metrics_value_fn value, const char *const *labels, void *owner)
{
	struct family *f;
	size_t i, n = 0;

	if (!valid_name(name))
		return -1;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->nf; i++) {
		if (strcmp(m->f[i].name, name) == 0) {
			pthread_mutex_unlock(&m->mu);
			return -1;
		}
	}
	m->f = xreallocarray(m->f, m->nf + 1, sizeof(*m->f));
	f = &m->f[m->nf++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	f->help = xstrdup(help != NULL ? help : "");
	f->type = type;
	f->collect = collect;
	f->value = value;
	f->owner = owner;
	if (labels != NULL) {
		while (labels[n] != NULL)
			n++;
		f->labels = xcalloc(n + 1, sizeof(*f->labels));
		for (i = 0; i < n; i++)
			f->labels[i] = xstrdup(labels[i]);
	}
	pthread_mutex_unlock(&m->mu);
	return 0;
}

int
metrics_add_family(struct metrics *m, const char *name, const char *help,
    enum metric_type type, metrics_collect_fn fn, void *owner)
{
	return add(m, name, help, type, fn, NULL, NULL, owner);
}

int
metrics_add(struct metrics *m, const char *name, const char *help,
    enum metric_type type, const char *const *labels, metrics_value_fn fn,
    void *owner)
{
	return add(m, name, help, type, NULL, fn, labels, owner);
}

void
metrics_remove_owner(struct metrics *m, void *owner)
{
	size_t i = 0;

	pthread_mutex_lock(&m->mu);
	while (i < m->nf) {
		if (m->f[i].owner == owner) {
			family_free(&m->f[i]);
			memmove(&m->f[i], &m->f[i + 1],
			    (m->nf - i - 1) * sizeof(*m->f));
			m->nf--;
		} else
			i++;
	}
	pthread_mutex_unlock(&m->mu);
}

/*
 * Prometheus text escapes: backslash and newline everywhere, and the
 * double quote too in label values (quoted) but not in HELP text.
 */
static void
put_escaped(struct sbuf *out, const char *s, int quoted)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			sbuf_puts(out, "\\\\");
		else if (*s == '"' && quoted)
			sbuf_puts(out, "\\\"");
		else if (*s == '\n')
			sbuf_puts(out, "\\n");
		else
			sbuf_putc(out, *s);
	}
}

static void
put_value(struct sbuf *out, double v)
{
	if (isnan(v))
		sbuf_puts(out, "NaN");
	else if (isinf(v))
		sbuf_puts(out, v > 0 ? "+Inf" : "-Inf");
	else if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
		sbuf_printf(out, "%.0f", v);
	else
		sbuf_printf(out, "%.17g", v);
}

static int
labels_equal(const char *const *a, const char *const *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return (a == NULL || a[0] == NULL) && (b == NULL ||
		    b[0] == NULL);
	for (i = 0; a[i] != NULL && b[i] != NULL; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return a[i] == NULL && b[i] == NULL;
}

void
metrics_emit(struct metrics_sink *sink, const char *const *labels,
    double value)
{
	size_t i;

	if (sink->visit != NULL) {
		sink->visit(sink->visit_arg, sink->fam->name, labels, value);
		return;
	}
	if (sink->out == NULL) {
		if (!sink->found && labels_equal(labels, sink->want)) {
			sink->found = 1;
			sink->value = value;
		}
		return;
	}
	sbuf_puts(sink->out, sink->fam->name);
	if (labels != NULL && labels[0] != NULL) {
		sbuf_putc(sink->out, '{');
		for (i = 0; labels[i] != NULL && labels[i + 1] != NULL;
		    i += 2) {
			if (i > 0)
				sbuf_putc(sink->out, ',');
			sbuf_printf(sink->out, "%s=\"", labels[i]);
			put_escaped(sink->out, labels[i + 1], 1);
			sbuf_putc(sink->out, '"');
		}
		sbuf_putc(sink->out, '}');
	}
	sbuf_putc(sink->out, ' ');
	put_value(sink->out, value);
	sbuf_putc(sink->out, '\n');
}

static void
collect(const struct family *f, struct metrics_sink *sink)
{
	sink->fam = f;
	if (f->collect != NULL)
		f->collect(f->owner, sink);
	else
		metrics_emit(sink, (const char *const *)f->labels,
		    f->value(f->owner));
}

void
metrics_render(struct metrics *m, struct sbuf *out)
{
	struct metrics_sink sink;
	size_t i;

	memset(&sink, 0, sizeof(sink));
	sink.out = out;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->nf; i++) {
		sbuf_printf(out, "# HELP %s ", m->f[i].name);
		put_escaped(out, m->f[i].help, 0);
		sbuf_printf(out, "\n# TYPE %s %s\n", m->f[i].name,
		    m->f[i].type == METRIC_COUNTER ? "counter" : "gauge");
		collect(&m->f[i], &sink);
	}
	pthread_mutex_unlock(&m->mu);
}

int
metrics_get(struct metrics *m, const char *name, const char *const *labels,
    double *value)
{
	struct metrics_sink sink;
	size_t i;

	memset(&sink, 0, sizeof(sink));
	sink.want = labels;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->nf && !sink.found; i++)
		if (strcmp(m->f[i].name, name) == 0)
			collect(&m->f[i], &sink);
	pthread_mutex_unlock(&m->mu);
	if (!sink.found)
		return -1;
	*value = sink.value;
	return 0;
}

void
metrics_foreach(struct metrics *m, metrics_visit_fn fn, void *arg)
{
	struct metrics_sink sink;
	size_t i;

	memset(&sink, 0, sizeof(sink));
	sink.visit = fn;
	sink.visit_arg = arg;
	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->nf; i++)
		collect(&m->f[i], &sink);
	pthread_mutex_unlock(&m->mu);
}

/* Process metrics. */

/* A field of /proc/self/status in kB, as bytes; 0 if unreadable. */
static double
status_kb(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	double v = 0;
	FILE *f;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtod(line + klen + 1, NULL) * 1024.0;
			break;
		}
	}
	fclose(f);
	return v;
}

static double
val_rss(void *arg)
{
	return status_kb("VmRSS");
}

static double
val_vsz(void *arg)
{
	return status_kb("VmSize");
}

static double
val_cpu(void *arg)
{
	struct metrics *m = arg;
	double wall = wall_now() - m->t0_wall;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (wall <= 0 || ncpu <= 0)
		return 0;
	/* Share of the whole machine, as Falco's cpu_usage_perc / 100. */
	return (cpu_now() - m->t0_cpu) / wall / (double)ncpu;
}

static double
val_ncpus(void *arg)
{
	return (double)sysconf(_SC_NPROCESSORS_ONLN);
}

static double
val_one(void *arg)
{
	return 1;
}

void
metrics_add_process(struct metrics *m, const char *version)
{
	static const char help[] = "https://falco.org/docs/metrics/";
	const char *vlabels[] = { "version", version, NULL };

	metrics_add(m, "falcosecurity_falco_version_info", help,
	    METRIC_GAUGE, vlabels, val_one, m);
	metrics_add(m, "falcosecurity_falco_cpu_usage_ratio", help,
	    METRIC_GAUGE, NULL, val_cpu, m);
	metrics_add(m, "falcosecurity_falco_memory_rss_bytes", help,
	    METRIC_GAUGE, NULL, val_rss, m);
	metrics_add(m, "falcosecurity_falco_memory_vsz_bytes", help,
	    METRIC_GAUGE, NULL, val_vsz, m);
	metrics_add(m, "falcosecurity_falco_host_num_cpus", help,
	    METRIC_GAUGE, NULL, val_ncpus, m);
}
