/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The web UI's store and API.
 *
 * Two SQLite connections to one WAL database: the output's worker
 * writes (and prunes), the HTTP server reads.  SQLite is built
 * serialized on Debian, but each connection is still used by one thread
 * at a time: the writer only by the worker, the reader under ui->mu.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sqlite3.h>

#include "sidekick/alert.h"
#include "sidekick/config.h"
#include "sidekick/output.h"
#include "sidekick/outputs.h"
#include "sidekick/prio.h"
#include "sidekick/webui.h"
#include "sidekick/webui_assets.h"
#include "util/json.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define PRUNE_EVERY	1000	/* inserts between two prunes */
#define PRUNE_SECONDS	30

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS events ("
    " id INTEGER PRIMARY KEY,"
    " uuid TEXT NOT NULL UNIQUE,"
    " time_ns INTEGER NOT NULL,"
    " received_ns INTEGER NOT NULL,"
    " priority INTEGER NOT NULL,"
    " rule TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " hostname TEXT NOT NULL,"
    " output TEXT NOT NULL,"
    " tags TEXT NOT NULL,"
    " json TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_time ON events(time_ns);"
    "CREATE INDEX IF NOT EXISTS events_received ON events(received_ns);"
    "CREATE INDEX IF NOT EXISTS events_rule ON events(rule);"
    "CREATE INDEX IF NOT EXISTS events_priority ON events(priority);";

struct sk_webui {
	pthread_mutex_t	 mu;
	sqlite3		*db;		/* reader */
};

/* The output side. */
struct store {
	char		*path;
	sqlite3		*db;		/* writer */
	sqlite3_stmt	*ins;
	long		 retention_s;
	long		 maxevents;
	unsigned long	 since_prune;
	time_t		 last_prune;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
prune(struct store *s)
{
	sqlite3_stmt *st;
	int64_t cut = now_ns() - (int64_t)s->retention_s * 1000000000;

	if (sqlite3_prepare_v2(s->db, "DELETE FROM events WHERE "
	    "received_ns < ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, cut);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (s->maxevents > 0 && sqlite3_prepare_v2(s->db, "DELETE FROM events "
	    "WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 "
	    "OFFSET ?)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, s->maxevents);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	s->since_prune = 0;
	s->last_prune = time(NULL);
}

static enum sk_send
store_send(void *arg, const struct sk_alert *a, struct sbuf *err)
{
	struct store *s = arg;
	struct sbuf tags = SBUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < a->ntags; i++)
		sbuf_printf(&tags, "%s%s", i > 0 ? "," : "", a->tags[i]);
	sqlite3_reset(s->ins);
	sqlite3_bind_text(s->ins, 1, a->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->ins, 2, a->sec * 1000000000 + a->nsec);
	sqlite3_bind_int64(s->ins, 3, now_ns());
	sqlite3_bind_int(s->ins, 4, a->prio);
	sqlite3_bind_text(s->ins, 5, a->rule, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->ins, 6, a->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->ins, 7, a->hostname, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->ins, 8, a->output, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->ins, 9, sbuf_str(&tags), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s->ins, 10, a->json, (int)a->jsonlen,
	    SQLITE_STATIC);
	rc = sqlite3_step(s->ins);
	sqlite3_reset(s->ins);
	sbuf_free(&tags);
	if (rc != SQLITE_DONE) {
		sbuf_printf(err, "webui: %s: %s", s->path,
		    sqlite3_errmsg(s->db));
		return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ?
		    SK_SEND_RETRY : SK_SEND_FAIL;
	}
	if (++s->since_prune >= PRUNE_EVERY ||
	    time(NULL) - s->last_prune >= PRUNE_SECONDS)
		prune(s);
	return SK_SEND_OK;
}

static void
store_free(void *arg)
{
	struct store *s = arg;

	sqlite3_finalize(s->ins);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

static const struct sk_output_ops store_ops = {
	store_send, NULL, store_free, NULL,
};

static int
open_db(const char *path, int flags, sqlite3 **db, char *err, size_t errlen)
{
	if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "webui.database: %s: %s", path,
		    *db != NULL ? sqlite3_errmsg(*db) : "cannot open");
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*db, 2000);
	return 0;
}

int
sk_webui_new(const struct sk_build *b, struct sk_webui **ui,
    struct sk_output **out, char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *st = getenv("STATE_DIRECTORY");
	struct store *s;
	struct sk_webui *w;
	char *def = NULL, *msg = NULL;
	long hours;
	int on, prio;

	*ui = NULL;
	*out = NULL;
	if (sk_conf_bool(c, "webui.enabled", 0, &on, err, errlen) != 0)
		return -1;
	if (!on)
		return 0;
	if (sk_conf_int(c, "webui.retention", 168, &hours, err,
	    errlen) != 0 || sk_conf_prio(c, "webui", SK_PRIO_NONE, &prio, err,
	    errlen) != 0)
		return -1;
	if (hours <= 0) {
		sk_conf_fail(c, "webui.retention", err, errlen,
		    "must be a positive number of hours");
		return -1;
	}
	s = xcalloc(1, sizeof(*s));
	s->retention_s = hours * 3600;
	if (sk_conf_int(c, "webui.maxevents", 100000, &s->maxevents, err,
	    errlen) != 0) {
		free(s);
		return -1;
	}
	if (st != NULL && *st != '\0' && strchr(st, ':') == NULL)
		xasprintf(&def, "%s/webui.db", st);
	s->path = xstrdup(sk_conf_str(c, "webui.database", def != NULL ? def :
	    "/var/lib/falcosidekick/webui.db"));
	free(def);
	if (open_db(s->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, &s->db, err, errlen) != 0) {
		store_free(s);
		return -1;
	}
	if (sqlite3_exec(s->db, schema, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO events (uuid, "
	    "time_ns, received_ns, priority, rule, source, hostname, output, "
	    "tags, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &s->ins,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "webui.database: %s: %s", s->path,
		    msg != NULL ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		store_free(s);
		return -1;
	}
	prune(s);

	w = xcalloc(1, sizeof(*w));
	pthread_mutex_init(&w->mu, NULL);
	if (open_db(s->path, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX,
	    &w->db, err, errlen) != 0) {
		store_free(s);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return -1;
	}
	*ui = w;
	*out = sk_output_new("webui", &store_ops, s, prio, b->delivery);
	return 0;
}

void
sk_webui_free(struct sk_webui *w)
{
	if (w == NULL)
		return;
	sqlite3_close(w->db);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

int
sk_webui_is_asset(const char *url)
{
	return strcmp(url, "/ui") == 0 || strncmp(url, "/ui/", 4) == 0;
}

/* Query building: a WHERE clause and its bound values. */
struct filter {
	struct sbuf	 where;
	const char	*text[8];
	int64_t		 num[8];
	int		 is_num[8];
	int		 n;
	char		*like;
};

static void
cond_text(struct filter *f, const char *sql, const char *v)
{
	sbuf_printf(&f->where, "%s%s", f->n > 0 ? " AND " : " WHERE ", sql);
	f->is_num[f->n] = 0;
	f->text[f->n++] = v;
}

static void
cond_num(struct filter *f, const char *sql, int64_t v)
{
	sbuf_printf(&f->where, "%s%s", f->n > 0 ? " AND " : " WHERE ", sql);
	f->is_num[f->n] = 1;
	f->num[f->n++] = v;
}

/* Returns 0, or -1 with a message for a bad filter value. */
static int
build_filter(struct filter *f, sk_webui_arg_fn arg, void *ctx,
    struct sbuf *msg)
{
	const char *v;
	int64_t s;
	long ns;
	int p;

	memset(f, 0, sizeof(*f));
	if ((v = arg(ctx, "priority")) != NULL && *v != '\0') {
		if ((p = sk_prio_parse(v)) <= 0) {
			sbuf_printf(msg, "unknown priority '%s'", v);
			return -1;
		}
		cond_num(f, "priority = ?", p);
	}
	if ((v = arg(ctx, "minpriority")) != NULL && *v != '\0') {
		if ((p = sk_prio_parse(v)) <= 0) {
			sbuf_printf(msg, "unknown priority '%s'", v);
			return -1;
		}
		cond_num(f, "priority >= ?", p);
	}
	if ((v = arg(ctx, "rule")) != NULL && *v != '\0')
		cond_text(f, "rule = ?", v);
	if ((v = arg(ctx, "source")) != NULL && *v != '\0')
		cond_text(f, "source = ?", v);
	if ((v = arg(ctx, "hostname")) != NULL && *v != '\0')
		cond_text(f, "hostname = ?", v);
	if ((v = arg(ctx, "since")) != NULL && *v != '\0') {
		if (sk_time_parse(v, &s, &ns) != 0) {
			sbuf_printf(msg, "since: '%s' is not an RFC 3339 time",
			    v);
			return -1;
		}
		cond_num(f, "time_ns >= ?", s * 1000000000 + ns);
	}
	if ((v = arg(ctx, "until")) != NULL && *v != '\0') {
		if (sk_time_parse(v, &s, &ns) != 0) {
			sbuf_printf(msg, "until: '%s' is not an RFC 3339 time",
			    v);
			return -1;
		}
		cond_num(f, "time_ns < ?", s * 1000000000 + ns);
	}
	if ((v = arg(ctx, "q")) != NULL && *v != '\0') {
		struct sbuf l = SBUF_INIT;

		/* A literal substring: escape LIKE's own characters. */
		sbuf_putc(&l, '%');
		for (; *v != '\0'; v++) {
			if (*v == '%' || *v == '_' || *v == '\\')
				sbuf_putc(&l, '\\');
			sbuf_putc(&l, *v);
		}
		sbuf_putc(&l, '%');
		f->like = sbuf_detach(&l);
		cond_text(f, "output LIKE ? ESCAPE '\\'", f->like);
	}
	return 0;
}

static void
filter_free(struct filter *f)
{
	sbuf_free(&f->where);
	free(f->like);
}

static void
bind_filter(sqlite3_stmt *st, const struct filter *f)
{
	int i;

	for (i = 0; i < f->n; i++) {
		if (f->is_num[i])
			sqlite3_bind_int64(st, i + 1, f->num[i]);
		else
			sqlite3_bind_text(st, i + 1, f->text[i], -1,
			    SQLITE_STATIC);
	}
}

static long
arg_long(sk_webui_arg_fn arg, void *ctx, const char *name, long def,
    long min, long max)
{
	const char *v = arg(ctx, name);
	char *end;
	long l;

	if (v == NULL || *v == '\0')
		return def;
	l = strtol(v, &end, 10);
	if (*end != '\0')
		return def;
	return l < min ? min : l > max ? max : l;
}

static void
put_time(struct sbuf *sb, int64_t ns)
{
	struct tm tm;
	time_t t = (time_t)(ns / 1000000000);
	char buf[80];

	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(ns % 1000000000));
	json_put_str(sb, buf);
}

static int
db_fail(struct sk_webui *w, struct sbuf *body)
{
	sbuf_reset(body);
	sbuf_puts(body, "{\"error\":");
	json_put_str(body, sqlite3_errmsg(w->db));
	sbuf_putc(body, '}');
	return 500;
}

static int
api_events(struct sk_webui *w, struct filter *f, long limit, long offset,
    struct sbuf *body)
{
	struct sbuf sql = SBUF_INIT;
	sqlite3_stmt *st = NULL;
	int first = 1, rc;

	sbuf_printf(&sql, "SELECT count(*) FROM events%s", sbuf_str(&f->where));
	if (sqlite3_prepare_v2(w->db, sbuf_str(&sql), -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	bind_filter(st, f);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	sbuf_printf(body, "{\"total\":%lld,\"events\":[",
	    (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	sbuf_reset(&sql);
	sbuf_printf(&sql, "SELECT uuid, time_ns, priority, rule, source, "
	    "hostname, output, tags FROM events%s ORDER BY time_ns DESC, id "
	    "DESC LIMIT %ld OFFSET %ld", sbuf_str(&f->where), limit, offset);
	if (sqlite3_prepare_v2(w->db, sbuf_str(&sql), -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	bind_filter(st, f);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tags = (const char *)sqlite3_column_text(st, 7);

		sbuf_puts(body, first ? "{\"uuid\":" : ",{\"uuid\":");
		first = 0;
		json_put_str(body, (const char *)sqlite3_column_text(st, 0));
		sbuf_puts(body, ",\"time\":");
		put_time(body, sqlite3_column_int64(st, 1));
		sbuf_puts(body, ",\"priority\":");
		json_put_str(body, sk_prio_name(sqlite3_column_int(st, 2)));
		sbuf_puts(body, ",\"rule\":");
		json_put_str(body, (const char *)sqlite3_column_text(st, 3));
		sbuf_puts(body, ",\"source\":");
		json_put_str(body, (const char *)sqlite3_column_text(st, 4));
		sbuf_puts(body, ",\"hostname\":");
		json_put_str(body, (const char *)sqlite3_column_text(st, 5));
		sbuf_puts(body, ",\"output\":");
		json_put_str(body, (const char *)sqlite3_column_text(st, 6));
		sbuf_puts(body, ",\"tags\":[");
		while (tags != NULL && *tags != '\0') {
			const char *comma = strchr(tags, ',');
			size_t len = comma != NULL ? (size_t)(comma - tags) :
			    strlen(tags);
			char *t = xstrndup(tags, len);

			json_put_str(body, t);
			free(t);
			tags += len;
			if (*tags == ',') {
				sbuf_putc(body, ',');
				tags++;
			}
		}
		sbuf_puts(body, "]}");
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	sbuf_puts(body, "]}");
	sbuf_free(&sql);
	return 200;
fail:
	sqlite3_finalize(st);
	sbuf_free(&sql);
	return db_fail(w, body);
}

/* {"name":count,...} or [{"rule":..,"count":..}] for one column. */
static int
group(struct sk_webui *w, struct filter *f, const char *col, int as_list,
    struct sbuf *body)
{
	struct sbuf sql = SBUF_INIT;
	sqlite3_stmt *st = NULL;
	int first = 1, rc;

	sbuf_printf(&sql, "SELECT %s, count(*) AS n FROM events%s GROUP BY %s "
	    "ORDER BY n DESC, %s LIMIT 100", col, sbuf_str(&f->where), col,
	    col);
	if (sqlite3_prepare_v2(w->db, sbuf_str(&sql), -1, &st, NULL) !=
	    SQLITE_OK) {
		sbuf_free(&sql);
		return -1;
	}
	sbuf_free(&sql);
	bind_filter(st, f);
	sbuf_putc(body, as_list ? '[' : '{');
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = strcmp(col, "priority") == 0 ?
		    sk_prio_name(sqlite3_column_int(st, 0)) :
		    (const char *)sqlite3_column_text(st, 0);

		if (!first)
			sbuf_putc(body, ',');
		first = 0;
		if (as_list) {
			sbuf_printf(body, "{\"%s\":", col);
			json_put_str(body, name);
			sbuf_printf(body, ",\"count\":%lld}",
			    (long long)sqlite3_column_int64(st, 1));
		} else {
			json_put_str(body, name);
			sbuf_printf(body, ":%lld",
			    (long long)sqlite3_column_int64(st, 1));
		}
	}
	sqlite3_finalize(st);
	sbuf_putc(body, as_list ? ']' : '}');
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
api_stats(struct sk_webui *w, struct filter *f, struct sbuf *body)
{
	struct sbuf sql = SBUF_INIT;
	sqlite3_stmt *st = NULL;

	sbuf_printf(&sql, "SELECT count(*) FROM events%s", sbuf_str(&f->where));
	if (sqlite3_prepare_v2(w->db, sbuf_str(&sql), -1, &st, NULL) !=
	    SQLITE_OK || (bind_filter(st, f), sqlite3_step(st)) !=
	    SQLITE_ROW) {
		sqlite3_finalize(st);
		sbuf_free(&sql);
		return db_fail(w, body);
	}
	sbuf_printf(body, "{\"total\":%lld,\"priority\":",
	    (long long)sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	sbuf_free(&sql);
	if (group(w, f, "priority", 0, body) != 0)
		return db_fail(w, body);
	sbuf_puts(body, ",\"rule\":");
	if (group(w, f, "rule", 1, body) != 0)
		return db_fail(w, body);
	sbuf_puts(body, ",\"source\":");
	if (group(w, f, "source", 0, body) != 0)
		return db_fail(w, body);
	sbuf_puts(body, ",\"hostname\":");
	if (group(w, f, "hostname", 0, body) != 0)
		return db_fail(w, body);
	sbuf_putc(body, '}');
	return 200;
}

static int
api_event(struct sk_webui *w, const char *uuid, struct sbuf *body)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(w->db, "SELECT json FROM events WHERE uuid = ?",
	    -1, &st, NULL) != SQLITE_OK)
		return db_fail(w, body);
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sbuf_puts(body, (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		return 200;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(w, body);
	sbuf_puts(body, "{\"error\":\"no such event\"}");
	return 404;
}

int
sk_webui_route(struct sk_webui *w, const char *url, sk_webui_arg_fn arg,
    void *ctx, int *status, const char **ctype, struct sbuf *body)
{
	struct filter f;
	struct sbuf msg = SBUF_INIT;
	size_t i;

	if (sk_webui_is_asset(url)) {
		if (strcmp(url, "/ui") == 0 || strcmp(url, "/ui/") == 0)
			url = "/ui/index.html";
		for (i = 0; i < sizeof(webui_assets) / sizeof(webui_assets[0]);
		    i++) {
			if (strcmp(url, webui_assets[i].path) == 0) {
				*status = 200;
				*ctype = webui_assets[i].ctype;
				sbuf_put(body, webui_assets[i].data,
				    webui_assets[i].len);
				return 1;
			}
		}
		*status = 404;
		*ctype = "text/plain; charset=utf-8";
		sbuf_puts(body, "not found\n");
		return 1;
	}
	if (strncmp(url, "/api/", 5) != 0)
		return 0;
	*ctype = "application/json";
	if (strncmp(url, "/api/events/", 12) == 0) {
		pthread_mutex_lock(&w->mu);
		*status = api_event(w, url + 12, body);
		pthread_mutex_unlock(&w->mu);
		return 1;
	}
	if (strcmp(url, "/api/events") != 0 && strcmp(url, "/api/stats") != 0) {
		*status = 404;
		sbuf_puts(body, "{\"error\":\"not found\"}");
		return 1;
	}
	if (build_filter(&f, arg, ctx, &msg) != 0) {
		*status = 400;
		sbuf_puts(body, "{\"error\":");
		json_put_str(body, sbuf_str(&msg));
		sbuf_putc(body, '}');
		sbuf_free(&msg);
		filter_free(&f);
		return 1;
	}
	pthread_mutex_lock(&w->mu);
	if (strcmp(url, "/api/stats") == 0)
		*status = api_stats(w, &f, body);
	else
		*status = api_events(w, &f, arg_long(arg, ctx, "limit", 100, 1,
		    1000), arg_long(arg, ctx, "offset", 0, 0, 1L << 40), body);
	pthread_mutex_unlock(&w->mu);
	filter_free(&f);
	return 1;
}
