/* SPDX-License-Identifier: Apache-2.0 */
/*
 * falcosidekick: receives Falco's JSON alerts over HTTP and forwards
 * them to the configured destinations.
 *
 *   falcosidekick [-c config.yaml] [-v]
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sidekick/alert.h"
#include "sidekick/config.h"
#include "sidekick/core.h"
#include "sidekick/httpc.h"
#include "sidekick/output.h"
#include "sidekick/outputs.h"
#include "sidekick/server.h"
#include "sidekick/tmpl.h"
#include "sidekick/webui.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define DEFAULT_CONFIG	"/etc/falcosidekick/config.yaml"

static void
usage(void)
{
	fprintf(stderr, "usage: falcosidekick [-v] [-c config-file]\n");
	exit(2);
}

/* customfields (values "%NAME" read the environment) and customtags. */
static void
load_enrich(const struct sk_conf *c, struct sk_enrich *en, struct sk_kv **kv,
    size_t *nkv, char ***tags)
{
	size_t i, k = 0;

	*nkv = sk_conf_map(c, "customfields", kv);
	en->fkeys = xcalloc(*nkv + 1, sizeof(*en->fkeys));
	en->fvals = xcalloc(*nkv + 1, sizeof(*en->fvals));
	for (i = 0; i < *nkv; i++) {
		const char *v = (*kv)[i].val;

		if (v[0] == '%') {
			v = getenv(v + 1);
			if (v == NULL || *v == '\0') {
				log_err("customfields: environment variable "
				    "%s is not set", (*kv)[i].val + 1);
				continue;
			}
		}
		en->fkeys[k] = (*kv)[i].key;
		en->fvals[k] = v;
		k++;
	}
	en->nfields = k;
	en->ntags = sk_conf_list(c, "customtags", tags);
	en->tags = (const char **)*tags;
	en->bracket = sk_conf_str(c, "bracketreplacer", "");
}

/*
 * templatedfields: name -> template over the fields map.  Returns 0, or
 * -1 with the template error in err.
 */
static int
load_templated(const struct sk_conf *c, struct sk_enrich *en,
    struct sk_kv **kv, size_t *nkv, char *err, size_t errlen)
{
	char terr[512];
	size_t i;

	*nkv = sk_conf_map(c, "templatedfields", kv);
	en->tkeys = xcalloc(*nkv + 1, sizeof(*en->tkeys));
	en->tmpls = xcalloc(*nkv + 1, sizeof(*en->tmpls));
	for (i = 0; i < *nkv; i++) {
		struct sk_tmpl *t;

		t = sk_tmpl_parse_ex((*kv)[i].key, (*kv)[i].val, 1, terr,
		    sizeof(terr));
		if (t == NULL) {
			sk_conf_fail(c, "templatedfields", err, errlen,
			    "template error: %s", terr);
			return -1;
		}
		en->tkeys[en->ntmpl] = (*kv)[i].key;
		en->tmpls[en->ntmpl++] = t;
	}
	return 0;
}

static int
load_delivery(const struct sk_conf *c, struct sk_delivery *d, char **spool,
    char *err, size_t errlen)
{
	long q, r, b, mb, t;

	if (sk_conf_int(c, "delivery.queuesize", 10000, &q, err, errlen) ||
	    sk_conf_int(c, "delivery.maxretries", 5, &r, err, errlen) ||
	    sk_conf_int(c, "delivery.backoff", 1000, &b, err, errlen) ||
	    sk_conf_int(c, "delivery.maxbackoff", 30000, &mb, err, errlen) ||
	    sk_conf_int(c, "delivery.timeout", 10000, &t, err, errlen))
		return -1;
	if (q < 1 || r < 0 || b < 1 || mb < b || t < 1) {
		snprintf(err, errlen, "delivery: queuesize, backoff, "
		    "maxbackoff and timeout must be positive, maxretries not "
		    "negative, maxbackoff not below backoff");
		return -1;
	}
	d->queuesize = (size_t)q;
	d->maxretries = (int)r;
	d->backoff_ms = b;
	d->maxbackoff_ms = mb;
	d->timeout_ms = t;
	/*
	 * Under systemd with StateDirectory=, the spool lives there unless
	 * the configuration says otherwise.
	 */
	d->spooldir = sk_conf_str(c, "delivery.spooldir", "");
	if (*d->spooldir == '\0' && getenv("STATE_DIRECTORY") != NULL &&
	    *getenv("STATE_DIRECTORY") != '\0' &&
	    strchr(getenv("STATE_DIRECTORY"), ':') == NULL) {
		xasprintf(spool, "%s/spool", getenv("STATE_DIRECTORY"));
		d->spooldir = *spool;
	}
	if (*d->spooldir == '\0')
		d->spooldir = NULL;
	return 0;
}

static char *
read_pem(const char *path, char *err, size_t errlen)
{
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "tlsserver: %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_put(&sb, buf, n);
	fclose(f);
	if (sb.len == 0) {
		snprintf(err, errlen, "tlsserver: %s is empty", path);
		sbuf_free(&sb);
		return NULL;
	}
	return sbuf_detach(&sb);
}

/* tlsserver.*: HTTPS for the listener, plain HTTP for notlspaths. */
static int
load_tls(const struct sk_conf *c, struct sk_server_cfg *scfg, char **cert,
    char **key, char ***paths, char *err, size_t errlen)
{
	long port;
	int deploy, mtls;

	*cert = *key = NULL;
	*paths = NULL;
	if (sk_conf_bool(c, "tlsserver.deploy", 0, &deploy, err, errlen) ||
	    sk_conf_bool(c, "tlsserver.mutualtls", 0, &mtls, err, errlen) ||
	    sk_conf_int(c, "tlsserver.notlsport", 2810, &port, err, errlen))
		return -1;
	if (!deploy)
		return 0;
	if (mtls) {
		sk_conf_fail(c, "tlsserver.mutualtls", err, errlen,
		    "client certificates are not supported");
		return -1;
	}
	if (port < 1 || port > 65535) {
		sk_conf_fail(c, "tlsserver.notlsport", err, errlen,
		    "%ld is not a port number", port);
		return -1;
	}
	*cert = read_pem(sk_conf_str(c, "tlsserver.certfile",
	    "/etc/certs/server/server.crt"), err, errlen);
	if (*cert == NULL)
		return -1;
	*key = read_pem(sk_conf_str(c, "tlsserver.keyfile",
	    "/etc/certs/server/server.key"), err, errlen);
	if (*key == NULL)
		return -1;
	sk_conf_list(c, "tlsserver.notlspaths", paths);
	scfg->tls_cert = *cert;
	scfg->tls_key = *key;
	scfg->notls_paths = *paths;
	scfg->notls_port = (int)port;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config-file", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	char err[1024], **tags = NULL, *spool = NULL, *cert, *key;
	char **notls;
	struct sk_conf *conf;
	struct sk_enrich en;
	struct sk_kv *kv = NULL;
	struct sk_delivery d;
	struct sk_build b;
	struct sk_output **outs = NULL;
	struct sk_server_cfg scfg;
	struct sk_server *srv;
	struct sk_core *core;
	struct sk_webui *ui = NULL;
	struct sk_output *uiout = NULL;
	struct sbuf names = SBUF_INIT;
	sigset_t sigs;
	size_t nouts = 0, nkv = 0, ntkv = 0, i;
	struct sk_kv *tkv = NULL;
	long port, maxbody, threads;
	int ch, debug, sig;

	log_init("falcosidekick", LOG_INFO, 1, 0);
	while ((ch = getopt_long(argc, argv, "c:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'v':
			printf("falcosidekick %s\n", FALCO_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (path == NULL && access(DEFAULT_CONFIG, R_OK) == 0)
		path = DEFAULT_CONFIG;

	conf = sk_conf_load(path, err, sizeof(err));
	if (conf == NULL)
		fatal("%s", err);
	if (sk_conf_bool(conf, "debug", 0, &debug, err, sizeof(err)) != 0 ||
	    sk_conf_int(conf, "listenport", 2801, &port, err,
	    sizeof(err)) != 0 ||
	    sk_conf_int(conf, "maxbodysize", 1048576, &maxbody, err,
	    sizeof(err)) != 0 ||
	    sk_conf_int(conf, "listenthreads", 1, &threads, err,
	    sizeof(err)) != 0 ||
	    load_delivery(conf, &d, &spool, err, sizeof(err)) != 0)
		fatal("%s", err);
	if (port < 1 || port > 65535)
		fatal("listenport: %ld is not a port number", port);
	if (maxbody < 1)
		fatal("maxbodysize: must be positive");
	if (debug)
		log_set_level(LOG_DEBUG);

	/*
	 * Every thread started from here on inherits this mask: SIGPIPE is
	 * never delivered, the stop signals are taken by sigwait() below.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	sk_http_global_init();
	memset(&en, 0, sizeof(en));
	load_enrich(conf, &en, &kv, &nkv, &tags);
	if (load_templated(conf, &en, &tkv, &ntkv, err, sizeof(err)) != 0)
		fatal("%s", err);
	b.conf = conf;
	b.delivery = &d;
	b.enrich = &en;
	if (sk_outputs_build(&b, &outs, &nouts, err, sizeof(err)) != 0 ||
	    sk_webui_new(&b, &ui, &uiout, err, sizeof(err)) != 0)
		fatal("%s", err);
	if (uiout != NULL)
		sk_outputs_add(&outs, &nouts, uiout);
	for (i = 0; i < nouts; i++) {
		if (sk_output_start(outs[i], err, sizeof(err)) != 0)
			fatal("%s", err);
		sbuf_printf(&names, "%s%s", i > 0 ? ", " : "",
		    sk_output_name(outs[i]));
	}
	core = sk_core_new(outs, nouts, &en);
	memset(&scfg, 0, sizeof(scfg));
	scfg.address = sk_conf_str(conf, "listenaddress", "");
	scfg.port = (int)port;
	scfg.maxbody = (size_t)maxbody;
	scfg.token = sk_conf_str(conf, "bearertoken", "");
	scfg.threads = (int)threads;
	scfg.webui = ui;
	if (load_tls(conf, &scfg, &cert, &key, &notls, err, sizeof(err)) != 0)
		fatal("%s", err);
	srv = sk_server_start(&scfg, core, err, sizeof(err));
	if (srv == NULL)
		fatal("%s", err);
	log_info("enabled outputs: %s", nouts > 0 ? sbuf_str(&names) :
	    "none");
	log_info("falcosidekick %s listening on %s:%ld (%s)", FALCO_VERSION,
	    *scfg.address != '\0' ? scfg.address : "*", port,
	    cert != NULL ? "https" : "http");
	sbuf_free(&names);

	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGINT || sig == SIGTERM)
			break;
	}
	log_info("stopping on signal %d", sig);
	sk_server_stop(srv);
	for (i = 0; i < nouts; i++)
		sk_output_stop(outs[i]);
	for (i = 0; i < nouts; i++)
		sk_output_free(outs[i]);
	free(outs);
	sk_webui_free(ui);
	sk_core_free(core);
	free(en.fkeys);
	free(en.fvals);
	for (i = 0; i < en.ntmpl; i++)
		sk_tmpl_free(en.tmpls[i]);
	free(en.tmpls);
	free(en.tkeys);
	sk_conf_kv_free(tkv, ntkv);
	sk_conf_kv_free(kv, nkv);
	sk_conf_strv_free(tags);
	sk_conf_free(conf);
	free(spool);
	free(cert);
	free(key);
	sk_conf_strv_free(notls);
	return 0;
}
