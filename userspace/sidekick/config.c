/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration file is read by the config module as plain YAML
 * (config_load_plain(): no Falco key checks, no ${} expansion) into its
 * node tree, which keeps each node's file, line and column; lookups walk
 * it by dotted path, matching names in any case as falcosidekick does.
 * The environment is consulted on every lookup, so an override needs no
 * list of known keys.
 *
 * The file, though, is checked against the keys this program reads
 * (known_keys below) when it is loaded: falcosidekick ignores whatever
 * it does not know, so a misspelt section ("webhok:") or a key of an
 * older release ("pagerduty.apikey") would otherwise switch an output
 * off without a word.  Each unknown key is logged as a warning with its
 * file:line:column; loading still succeeds, as it does for the real
 * falcosidekick.  Keep known_keys in step with the sk_conf_*() calls of
 * the outputs.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "sidekick/config.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

struct sk_conf {
	struct config		*cfg;
	const struct cfg_node	*root;	/* NULL: no file */
};

/*
 * The keys read from the file, as "section.key" or a top-level "key".
 * "*.k" is a key of every section marked with HTTP below (the common
 * options of the HTTP outputs); a key whose value is a free-form map or
 * list (customfields, *.customheaders, ...) is not looked into.
 */
static const char *const known_keys[] = {
	"debug", "listenaddress", "listenport", "listenthreads",
	"maxbodysize", "bearertoken", "bracketreplacer", "mutualtlsfilespath",
	"customfields", "customtags", "templatedfields",
	"delivery.backoff", "delivery.maxbackoff", "delivery.maxretries",
	"delivery.queuesize", "delivery.spooldir", "delivery.timeout",
	"tlsserver.certfile", "tlsserver.keyfile", "tlsserver.cacertfile",
	"tlsserver.deploy", "tlsserver.mutualtls", "tlsserver.notlspaths",
	"tlsserver.notlsport",
	"tlsclient.cacertfile",
	"mutualtlsclient.certfile", "mutualtlsclient.keyfile",
	"mutualtlsclient.cacertfile",
	"*.minimumpriority", "*.checkcert", "*.mutualtls", "*.certfile",
	"*.keyfile", "*.cacertfile", "*.maxconcurrentrequests",
	"slack.webhookurl", "slack.channel", "slack.username", "slack.icon",
	"slack.footer", "slack.outputformat", "slack.messageformat",
	"teams.webhookurl", "teams.activityimage", "teams.outputformat",
	"pagerduty.routingkey", "pagerduty.region", "pagerduty.apiurl",
	"alertmanager.hostport", "alertmanager.endpoint",
	"alertmanager.expiresafter", "alertmanager.extralabels",
	"alertmanager.extraannotations", "alertmanager.customseveritymap",
	"alertmanager.customheaders",
	"loki.hostport", "loki.endpoint", "loki.apikey", "loki.user",
	"loki.tenant", "loki.format", "loki.extralabels", "loki.customheaders",
	"elasticsearch.hostport", "elasticsearch.index", "elasticsearch.type",
	"elasticsearch.suffix", "elasticsearch.pipeline",
	"elasticsearch.username", "elasticsearch.password",
	"elasticsearch.apikey", "elasticsearch.customheaders",
	"elasticsearch.flattenfields", "elasticsearch.createindextemplate",
	"webhook.address", "webhook.method", "webhook.customheaders",
	"file.filename", "file.format", "file.minimumpriority",
	"syslog.host", "syslog.port", "syslog.protocol", "syslog.format",
	"syslog.minimumpriority",
	"smtp.hostport", "smtp.user", "smtp.password", "smtp.authmechanism",
	"smtp.tls", "smtp.from", "smtp.to", "smtp.outputformat",
	"smtp.minimumpriority",
	"redis.address", "redis.database", "redis.key", "redis.password",
	"redis.username", "redis.storagetype", "redis.minimumpriority",
	"program.path", "program.args", "program.rules", "program.timeout",
	"program.minimumpriority",
	"containerresponse.enabled", "containerresponse.action",
	"containerresponse.rules", "containerresponse.signal",
	"containerresponse.socket", "containerresponse.stoptimeout",
	"containerresponse.forensicsdir", "containerresponse.logfile",
	"containerresponse.minimumpriority",
	"webui.enabled", "webui.database", "webui.maxevents",
	"webui.retention", "webui.minimumpriority",
	NULL
};

/* The sections that take the common HTTP options ("*.k" above). */
static const char *const http_sections[] = {
	"slack", "teams", "pagerduty", "alertmanager", "loki",
	"elasticsearch", "webhook", NULL
};

/*
 * Outputs of falcosidekick that this program does not implement: their
 * sections are reported as such rather than as unknown keys.
 */
static const char *const foreign_sections[] = {
	"mattermost", "rocketchat", "discord", "googlechat", "cliq",
	"webex", "telegram", "datadog", "influxdb", "statsd", "dogstatsd",
	"prometheus", "opsgenie", "aws", "azure", "gcp", "kafka", "kafkarest",
	"nats", "stan", "rabbitmq", "wavefront", "grafana", "grafanaoncall",
	"kubeless", "openfaas", "fission", "knative", "tekton", "nodered",
	"policyreport", "spyderbat", "timescaledb", "mqtt", "zincsearch",
	"gotify", "n8n", "openobserve", "dynatrace", "otlp", "sumologic",
	"quickwit", "splunk", "talon", "zohocliq", "logstash", "cloudevents",
	"yandex", "syslogng", NULL
};

/* Keys of older falcosidekick releases, and what replaced them. */
static const struct {
	const char	*key;
	const char	*hint;
} renamed_keys[] = {
	{ "pagerduty.apikey", "the PagerDuty output takes "
	    "pagerduty.routingkey, an Events API v2 integration key" },
	{ "pagerduty.service", "the PagerDuty output takes only "
	    "pagerduty.routingkey (and region)" },
	{ "pagerduty.assignee", "the PagerDuty output takes only "
	    "pagerduty.routingkey (and region)" },
	{ "pagerduty.escalationpolicy", "the PagerDuty output takes only "
	    "pagerduty.routingkey (and region)" },
};

static int
in_list(const char *const *list, const char *name)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcasecmp(list[i], name) == 0)
			return 1;
	return 0;
}

/* Whether "section.key" (section NULL: a top-level key) is known. */
static int
key_known(const char *section, const char *key)
{
	char full[256];
	size_t i;

	if (section == NULL)
		return in_list(known_keys, key);
	snprintf(full, sizeof(full), "%s.%s", section, key);
	for (i = 0; known_keys[i] != NULL; i++) {
		const char *k = known_keys[i];

		if (strcasecmp(k, full) == 0)
			return 1;
		if (k[0] == '*' && strcasecmp(k + 2, key) == 0 &&
		    in_list(http_sections, section))
			return 1;
	}
	return 0;
}

/* Whether name is a section: some known key starts with "name.". */
static int
section_known(const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; known_keys[i] != NULL; i++)
		if (strncasecmp(known_keys[i], name, len) == 0 &&
		    known_keys[i][len] == '.')
			return 1;
	return 0;
}

/* The whole file, NUL-terminated and malloc'd, or NULL. */
static char *
slurp_text(const char *path)
{
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_put(&sb, buf, n);
	fclose(f);
	sbuf_putc(&sb, '\0');
	return sbuf_detach(&sb);
}

/* Edit distance of a and b (case ignored), capped at 3. */
static int
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int row[64], prev, tmp, best;

	if (la >= 64 || lb >= 64)
		return 3;
	for (j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (int)i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			if (row[j] < best)
				best = row[j];
			prev = tmp;
		}
		if (best >= 3)
			return 3;
	}
	return row[lb] < 3 ? row[lb] : 3;
}

/*
 * A known name within two edits of name, in section (NULL: top level,
 * sections included), for "did you mean"; NULL when there is none.
 */
static const char *
closest(const char *section, const char *name, char *buf, size_t buflen)
{
	size_t i, slen = section != NULL ? strlen(section) : 0;
	int best = 3, d;

	buf[0] = '\0';
	for (i = 0; known_keys[i] != NULL; i++) {
		const char *k = known_keys[i], *dot = strchr(k, '.');
		char cand[128];

		if (section == NULL)
			snprintf(cand, sizeof(cand), "%.*s", dot != NULL ?
			    (int)(dot - k) : (int)strlen(k), k);
		else if (k[0] == '*' && in_list(http_sections, section))
			snprintf(cand, sizeof(cand), "%s", k + 2);
		else if (strncasecmp(k, section, slen) == 0 &&
		    k[slen] == '.')
			snprintf(cand, sizeof(cand), "%s", k + slen + 1);
		else
			continue;
		if (cand[0] == '*' || (d = distance(name, cand)) >= best)
			continue;
		best = d;
		snprintf(buf, buflen, "%s", cand);
	}
	return buf[0] != '\0' ? buf : NULL;
}

/*
 * Where key was written: the config module gives the position of the
 * value only, so look for "key" followed by ':' backwards from there
 * (on the value's line before it, then on the lines above), in the
 * file's text.  Leaves *line and *col alone when it is not found.
 */
static void
key_position(const char *text, const char *key, int *line, int *col)
{
	const char *p = text, *start, *end, *q;
	size_t klen = strlen(key);
	int l = 1;

	if (text == NULL)
		return;
	while (l < *line && (p = strchr(p, '\n')) != NULL) {
		p++;
		l++;
	}
	if (p == NULL)
		return;
	/*
	 * Search [start, end) of each line from the value's upwards; the
	 * file may have changed since it was parsed, so stay on the line.
	 */
	end = p + strcspn(p, "\n");
	if (*col > 1 && (size_t)(*col - 1) < (size_t)(end - p))
		end = p + (*col - 1);
	for (start = p;; l--) {
		for (q = end; q > start;) {
			const char *r;

			q--;
			r = q + klen;
			if (r > end || strncmp(q, key, klen) != 0)
				continue;
			if (*r == '"' || *r == '\'')
				r++;
			while (*r == ' ' || *r == '\t')
				r++;
			if (*r == ':' && (q == start || q[-1] == ' ' ||
			    q[-1] == '"' || q[-1] == '\'' || q[-1] == '{' ||
			    q[-1] == ',')) {
				*line = l;
				*col = (int)(q - start) +
				    (q > start && (q[-1] == '"' ||
				    q[-1] == '\'') ? 0 : 1);
				return;
			}
		}
		if (start == text)
			return;
		end = start - 1;
		for (start = end; start > text && start[-1] != '\n'; start--)
			;
	}
}

/* Log one unknown key at its position (text: the file, or NULL). */
static void
warn_key(const char *text, const struct cfg_node *val, const char *section,
    const char *key)
{
	char full[256], near[128], where[PATH_MAX + 32];
	const char *hint = NULL, *sugg;
	int line = cfg_node_line(val), col = cfg_node_col(val);
	size_t i;

	key_position(text, key, &line, &col);
	snprintf(where, sizeof(where), "%s:%d:%d", cfg_node_file(val), line,
	    col);

	if (section != NULL)
		snprintf(full, sizeof(full), "%s.%s", section, key);
	else
		snprintf(full, sizeof(full), "%s", key);
	for (i = 0; i < sizeof(renamed_keys) / sizeof(renamed_keys[0]); i++)
		if (strcasecmp(renamed_keys[i].key, full) == 0)
			hint = renamed_keys[i].hint;
	if (hint != NULL)
		log_warn("%s: unknown key '%s', ignored: %s", where, full,
		    hint);
	else if ((sugg = closest(section, key, near, sizeof(near))) != NULL)
		log_warn("%s: unknown key '%s', ignored (did you mean "
		    "'%s%s%s'?)", where, full, section != NULL ? section : "",
		    section != NULL ? "." : "", sugg);
	else
		log_warn("%s: unknown key '%s', ignored", where, full);
}

/*
 * Warn about every key of the file (path) that no output reads.
 * Returns the number of warnings.
 */
static size_t
check_keys(const char *path, const struct cfg_node *root)
{
	const struct cfg_node *v, *sv;
	const char *k, *sk;
	char *text, where[PATH_MAX + 32];
	size_t i, j, n = 0;
	int line, col;

	/* The text, for key positions (a few KiB). */
	text = slurp_text(path);

	for (i = 0; (k = cfg_node_key(root, i)) != NULL; i++) {
		v = cfg_node_at(root, i);
		if (key_known(NULL, k))
			continue;
		if (in_list(foreign_sections, k)) {
			line = cfg_node_line(v);
			col = cfg_node_col(v);
			key_position(text, k, &line, &col);
			snprintf(where, sizeof(where), "%s:%d:%d",
			    cfg_node_file(v), line, col);
			log_warn("%s: '%s' is a falcosidekick output that this "
			    "program does not implement; ignored", where, k);
			n++;
			continue;
		}
		if (!section_known(k) || cfg_node_kind(v) != CFG_MAP) {
			if (!section_known(k) || !cfg_node_is_null(v)) {
				warn_key(text, v, NULL, k);
				n++;
			}
			continue;
		}
		for (j = 0; (sk = cfg_node_key(v, j)) != NULL; j++) {
			sv = cfg_node_at(v, j);
			if (!key_known(k, sk)) {
				warn_key(text, sv, k, sk);
				n++;
			}
		}
	}
	free(text);
	return n;
}

struct sk_conf *
sk_conf_load(const char *path, char *err, size_t errlen)
{
	struct sk_conf *c;
	char *msg = NULL;

	c = xcalloc(1, sizeof(*c));
	c->cfg = config_new();
	if (path == NULL)
		return c;
	if (config_load_plain(c->cfg, path, &msg) != 0) {
		snprintf(err, errlen, "%s", msg);
		free(msg);
		sk_conf_free(c);
		return NULL;
	}
	c->root = config_root(c->cfg);
	if (c->root != NULL && cfg_node_kind(c->root) == CFG_MAP)
		(void)check_keys(path, c->root);
	return c;
}

void
sk_conf_free(struct sk_conf *c)
{
	if (c == NULL)
		return;
	config_free(c->cfg);
	free(c);
}

void
sk_conf_envname(const char *key, char *buf, size_t buflen)
{
	size_t i;

	for (i = 0; key[i] != '\0' && i + 1 < buflen; i++)
		buf[i] = key[i] == '.' ? '_' :
		    (char)toupper((unsigned char)key[i]);
	buf[i] = '\0';
}

static const char *
env_of(const char *key, char *name, size_t namelen)
{
	const char *v;

	sk_conf_envname(key, name, namelen);
	v = getenv(name);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* The node at the dotted path key, its names matched in any case. */
static const struct cfg_node *
lookup(const struct sk_conf *c, const char *key)
{
	const struct cfg_node *n = c->root;
	const char *p = key, *k;
	size_t i;

	while (n != NULL && *p != '\0') {
		const char *dot = strchr(p, '.');
		size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);

		if (cfg_node_kind(n) != CFG_MAP)
			return NULL;
		for (i = 0; (k = cfg_node_key(n, i)) != NULL; i++)
			if (strlen(k) == len && strncasecmp(k, p, len) == 0)
				break;
		n = k != NULL ? cfg_node_at(n, i) : NULL;
		p += len;
		if (*p == '.')
			p++;
	}
	return n;
}

int
sk_conf_has(const struct sk_conf *c, const char *key)
{
	char name[256];
	const struct cfg_node *n;
	const char *v;

	if (env_of(key, name, sizeof(name)) != NULL)
		return 1;
	if ((n = lookup(c, key)) == NULL)
		return 0;
	v = cfg_node_str(n);
	return v == NULL || v[0] != '\0';
}

const char *
sk_conf_str(const struct sk_conf *c, const char *key, const char *def)
{
	char name[256];
	const struct cfg_node *n;
	const char *v;

	if ((v = env_of(key, name, sizeof(name))) != NULL)
		return v;
	if ((n = lookup(c, key)) == NULL || (v = cfg_node_str(n)) == NULL)
		return def;
	/* YAML "~" and "null" mean unset. */
	if (strcmp(v, "~") == 0 || strcmp(v, "null") == 0)
		return def;
	return v;
}

void
sk_conf_fail(const struct sk_conf *c, const char *key, char *err,
    size_t errlen, const char *fmt, ...)
{
	char name[256], msg[512];
	const struct cfg_node *n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (env_of(key, name, sizeof(name)) != NULL) {
		snprintf(err, errlen, "environment %s: %s", name, msg);
		return;
	}
	n = lookup(c, key);
	if (n != NULL)
		snprintf(err, errlen, "%s:%d:%d: %s: %s", cfg_node_file(n),
		    cfg_node_line(n), cfg_node_col(n), key, msg);
	else
		snprintf(err, errlen, "%s: %s", key, msg);
}

int
sk_conf_int(const struct sk_conf *c, const char *key, long def, long *out,
    char *err, size_t errlen)
{
	const char *v = sk_conf_str(c, key, NULL);
	char *end;
	long l;

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	errno = 0;
	l = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0') {
		sk_conf_fail(c, key, err, errlen, "'%s' is not an integer", v);
		return -1;
	}
	*out = l;
	return 0;
}

int
sk_conf_bool(const struct sk_conf *c, const char *key, int def, int *out,
    char *err, size_t errlen)
{
	const char *v = sk_conf_str(c, key, NULL);

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "yes") == 0 || strcasecmp(v, "on") == 0 ||
	    strcasecmp(v, "t") == 0) {
		*out = 1;
		return 0;
	}
	if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
	    strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0 ||
	    strcasecmp(v, "f") == 0) {
		*out = 0;
		return 0;
	}
	sk_conf_fail(c, key, err, errlen, "'%s' is not a boolean", v);
	return -1;
}

static char *
trimmed(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static size_t
split_commas(const char *s, char ***out)
{
	char **v = NULL;
	size_t n = 0;

	while (*s != '\0') {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		char *item = trimmed(s, len);

		if (*item != '\0') {
			v = xreallocarray(v, n + 2, sizeof(*v));
			v[n++] = item;
		} else
			free(item);
		s += len;
		if (*s == ',')
			s++;
	}
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	v[n] = NULL;
	*out = v;
	return n;
}

size_t
sk_conf_list(const struct sk_conf *c, const char *key, char ***out)
{
	char name[256];
	const char *v;
	const struct cfg_node *n;
	char **list = NULL;
	size_t cnt = 0, i;

	if ((v = env_of(key, name, sizeof(name))) != NULL)
		return split_commas(v, out);
	n = lookup(c, key);
	if (n != NULL && (v = cfg_node_str(n)) != NULL)
		return split_commas(v, out);
	if (n != NULL && cfg_node_kind(n) == CFG_SEQ) {
		for (i = 0; i < cfg_node_len(n); i++) {
			v = cfg_node_str(cfg_node_at(n, i));
			if (v == NULL || v[0] == '\0')
				continue;
			list = xreallocarray(list, cnt + 2, sizeof(*list));
			list[cnt++] = xstrdup(v);
		}
	}
	if (list == NULL)
		list = xcalloc(1, sizeof(*list));
	list[cnt] = NULL;
	*out = list;
	return cnt;
}

void
sk_conf_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

size_t
sk_conf_map(const struct sk_conf *c, const char *key, struct sk_kv **out)
{
	char name[256];
	const char *v;
	const struct cfg_node *n;
	struct sk_kv *kv = NULL;
	size_t cnt = 0, i;
	char **items;

	*out = NULL;
	if ((v = env_of(key, name, sizeof(name))) != NULL) {
		split_commas(v, &items);
		for (i = 0; items[i] != NULL; i++) {
			char *colon = strchr(items[i], ':');

			if (colon == NULL)
				continue;
			kv = xreallocarray(kv, cnt + 1, sizeof(*kv));
			kv[cnt].key = trimmed(items[i], colon - items[i]);
			kv[cnt].val = trimmed(colon + 1, strlen(colon + 1));
			cnt++;
		}
		sk_conf_strv_free(items);
		*out = kv;
		return cnt;
	}
	n = lookup(c, key);
	if (n == NULL || cfg_node_kind(n) != CFG_MAP)
		return 0;
	for (i = 0; i < cfg_node_len(n); i++) {
		if ((v = cfg_node_str(cfg_node_at(n, i))) == NULL)
			continue;
		kv = xreallocarray(kv, cnt + 1, sizeof(*kv));
		kv[cnt].key = xstrdup(cfg_node_key(n, i));
		kv[cnt].val = xstrdup(v);
		cnt++;
	}
	*out = kv;
	return cnt;
}

void
sk_conf_kv_free(struct sk_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}
