/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The destinations.  Each constructor reads its section of the
 * configuration and returns 0 with *out NULL when the output is not
 * enabled (its address key is empty), 0 with the output when it is, or
 * -1 with a positioned message in err when a key is wrong.
 */
#ifndef SIDEKICK_OUTPUTS_H
#define SIDEKICK_OUTPUTS_H

#include <stddef.h>

struct sbuf;
struct sk_alert;
struct sk_conf;
struct sk_delivery;
struct sk_enrich;
struct sk_output;
struct sk_tls;

struct sk_build {
	const struct sk_conf	*conf;
	const struct sk_delivery *delivery;
	const struct sk_enrich	*enrich;
};

typedef int (*sk_output_ctor)(const struct sk_build *b,
    struct sk_output ***outs, size_t *n, char *err, size_t errlen);

/* HTTP destinations (out_http.c). */
int	sk_out_slack(const struct sk_build *, struct sk_output ***, size_t *,
	    char *, size_t);
int	sk_out_teams(const struct sk_build *, struct sk_output ***, size_t *,
	    char *, size_t);
int	sk_out_pagerduty(const struct sk_build *, struct sk_output ***,
	    size_t *, char *, size_t);
int	sk_out_alertmanager(const struct sk_build *, struct sk_output ***,
	    size_t *, char *, size_t);
int	sk_out_loki(const struct sk_build *, struct sk_output ***, size_t *,
	    char *, size_t);
int	sk_out_elasticsearch(const struct sk_build *, struct sk_output ***,
	    size_t *, char *, size_t);
int	sk_out_webhook(const struct sk_build *, struct sk_output ***,
	    size_t *, char *, size_t);
/* Other transports. */
int	sk_out_redis(const struct sk_build *, struct sk_output ***, size_t *,
	    char *, size_t);
int	sk_out_syslog(const struct sk_build *, struct sk_output ***,
	    size_t *, char *, size_t);
int	sk_out_smtp(const struct sk_build *, struct sk_output ***, size_t *,
	    char *, size_t);
int	sk_out_file(const struct sk_build *, struct sk_output ***, size_t *,
	    char *, size_t);
/* Automated response (out_response.c). */
int	sk_out_container(const struct sk_build *, struct sk_output ***,
	    size_t *, char *, size_t);
int	sk_out_program(const struct sk_build *, struct sk_output ***,
	    size_t *, char *, size_t);

/*
 * Build every enabled output.  Returns 0 with the array in *outs (the
 * caller frees each with sk_output_free() and the array with free()),
 * or -1 with a message in err.
 */
int	sk_outputs_build(const struct sk_build *b, struct sk_output ***outs,
	    size_t *n, char *err, size_t errlen);

/* Helpers shared by the constructors. */

/* Append o to the array. */
void	sk_outputs_add(struct sk_output ***outs, size_t *n,
	    struct sk_output *o);

/* <section>.minimumpriority; -1 with a message for an unknown name. */
int	sk_conf_prio(const struct sk_conf *c, const char *section,
	    int def, int *out, char *err, size_t errlen);

/*
 * <section>.checkcert, .mutualtls and the global mutualtlsclient,
 * mutualtlsfilespath and tlsclient keys.  Returns 0 or -1.
 */
int	sk_conf_tls(const struct sk_conf *c, const char *section,
	    struct sk_tls *tls, char *err, size_t errlen);

/* The colour falcosidekick gives a priority in chat messages. */
const char *sk_prio_color(int prio);

#endif /* SIDEKICK_OUTPUTS_H */
