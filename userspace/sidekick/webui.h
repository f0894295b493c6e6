/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in web UI: an output that stores alerts in SQLite (with a
 * retention period and a row cap), and the pages and JSON API that
 * browse them:
 *
 *   GET /ui/                     the event list, filters, counts, detail
 *   GET /api/events?FILTERS      {"total":N,"events":[...]} newest first
 *   GET /api/events/<uuid>       one alert as forwarded
 *   GET /api/stats?FILTERS       counts per priority, rule, source, host
 *
 * FILTERS: priority (exact), minpriority, rule, source, hostname, q (text
 * in the output), since and until (RFC 3339), limit, offset.
 *
 * Enabled by webui.enabled; keys webui.database, webui.retention (hours),
 * webui.maxevents, webui.minimumpriority.
 */
#ifndef SIDEKICK_WEBUI_H
#define SIDEKICK_WEBUI_H

#include <stddef.h>

struct sbuf;
struct sk_build;
struct sk_output;
struct sk_webui;

/*
 * Read the webui keys.  Returns 0 with *ui and *out NULL when disabled;
 * 0 with both set when enabled (the output goes with the others, the UI
 * to the server); -1 with a message in err.  The UI must be freed after
 * the server stops, the output before the UI.
 */
int	sk_webui_new(const struct sk_build *b, struct sk_webui **ui,
	    struct sk_output **out, char *err, size_t errlen);
void	sk_webui_free(struct sk_webui *ui);

/* Query-string lookup provided by the server for one request. */
typedef const char *(*sk_webui_arg_fn)(void *ctx, const char *name);

/*
 * Answer a GET for url if it belongs to the UI (/ui, /ui/..., /api/...).
 * Returns 0 if the url is not the UI's, else 1 with *status, *ctype
 * (static string) and body set.  Thread-safe.
 */
int	sk_webui_route(struct sk_webui *ui, const char *url,
	    sk_webui_arg_fn arg, void *ctx, int *status, const char **ctype,
	    struct sbuf *body);

/* Whether url is a static asset (served without the bearer token). */
int	sk_webui_is_asset(const char *url);

#endif /* SIDEKICK_WEBUI_H */
