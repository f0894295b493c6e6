/* SPDX-License-Identifier: Apache-2.0 */
/* The output registry and the configuration helpers outputs share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sidekick/config.h"
#include "sidekick/httpc.h"
#include "sidekick/output.h"
#include "sidekick/outputs.h"
#include "sidekick/prio.h"
#include "util/xmalloc.h"

static const sk_output_ctor ctors[] = {
	sk_out_slack, sk_out_teams, sk_out_pagerduty, sk_out_alertmanager,
	sk_out_loki, sk_out_elasticsearch, sk_out_webhook, sk_out_redis,
	sk_out_syslog, sk_out_smtp, sk_out_file, sk_out_container,
	sk_out_program,
};

void
sk_outputs_add(struct sk_output ***outs, size_t *n, struct sk_output *o)
{
	*outs = xreallocarray(*outs, *n + 1, sizeof(**outs));
	(*outs)[(*n)++] = o;
}

int
sk_outputs_build(const struct sk_build *b, struct sk_output ***outs,
    size_t *n, char *err, size_t errlen)
{
	size_t i;

	*outs = NULL;
	*n = 0;
	for (i = 0; i < sizeof(ctors) / sizeof(ctors[0]); i++) {
		if (ctors[i](b, outs, n, err, errlen) != 0) {
			while (*n > 0)
				sk_output_free((*outs)[--*n]);
			free(*outs);
			*outs = NULL;
			return -1;
		}
	}
	return 0;
}

int
sk_conf_prio(const struct sk_conf *c, const char *section, int def,
    int *out, char *err, size_t errlen)
{
	char key[128];
	const char *v;
	int p;

	snprintf(key, sizeof(key), "%s.minimumpriority", section);
	v = sk_conf_str(c, key, NULL);
	if (v == NULL) {
		*out = def;
		return 0;
	}
	p = sk_prio_parse(v);
	if (p < 0) {
		sk_conf_fail(c, key, err, errlen, "unknown priority '%s' "
		    "(emergency, alert, critical, error, warning, notice, "
		    "informational, info or debug)", v);
		return -1;
	}
	*out = p;
	return 0;
}

static char *
first_of(const struct sk_conf *c, const char *k1, const char *k2,
    const char *file)
{
	const char *v = sk_conf_str(c, k1, "");
	const char *dir;
	char *s;

	if (*v == '\0' && k2 != NULL)
		v = sk_conf_str(c, k2, "");
	if (*v != '\0')
		return xstrdup(v);
	if (file == NULL)
		return NULL;
	dir = sk_conf_str(c, "mutualtlsfilespath", "/etc/certs");
	xasprintf(&s, "%s/%s", dir, file);
	return s;
}

int
sk_conf_tls(const struct sk_conf *c, const char *section, struct sk_tls *tls,
    char *err, size_t errlen)
{
	char k1[128], k2[128], k3[128];

	memset(tls, 0, sizeof(*tls));
	snprintf(k1, sizeof(k1), "%s.checkcert", section);
	snprintf(k2, sizeof(k2), "%s.mutualtls", section);
	if (sk_conf_bool(c, k1, 1, &tls->checkcert, err, errlen) != 0 ||
	    sk_conf_bool(c, k2, 0, &tls->mutualtls, err, errlen) != 0)
		return -1;
	if (tls->mutualtls) {
		snprintf(k1, sizeof(k1), "%s.certfile", section);
		snprintf(k2, sizeof(k2), "%s.keyfile", section);
		snprintf(k3, sizeof(k3), "%s.cacertfile", section);
		tls->certfile = first_of(c, k1, "mutualtlsclient.certfile",
		    "client.crt");
		tls->keyfile = first_of(c, k2, "mutualtlsclient.keyfile",
		    "client.key");
		tls->cacertfile = first_of(c, k3,
		    "mutualtlsclient.cacertfile", "ca.crt");
	} else {
		snprintf(k3, sizeof(k3), "%s.cacertfile", section);
		tls->cacertfile = first_of(c, k3, "tlsclient.cacertfile",
		    NULL);
	}
	return 0;
}

const char *
sk_prio_color(int prio)
{
	static const char *const c[SK_PRIO_COUNT] = {
		"", "#ccfff2", "#68c2ff", "#5bffb5", "#ffc700", "#e20b0b",
		"#ff5400", "#ff5400", "#e20b0b",
	};

	return prio >= 0 && prio < SK_PRIO_COUNT ? c[prio] : "";
}
