/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The forwarding core: takes alert bodies from the HTTP server, parses
 * and counts them, and offers each to every output.  It also renders
 * the Prometheus metrics.  Thread-safe: the server calls it from its
 * own threads while the outputs' workers run.
 */
#ifndef SIDEKICK_CORE_H
#define SIDEKICK_CORE_H

#include <stddef.h>

struct sbuf;
struct sk_enrich;
struct sk_output;
struct sk_core;

/* Why an input was rejected, for the metrics. */
enum sk_reject {
	SK_REJ_INVALID,		/* malformed JSON or not a Falco alert */
	SK_REJ_TOOLARGE,
	SK_REJ_UNAUTHORIZED,
	SK_REJ_METHOD,
	SK_REJ_COUNT
};

/* outs (n entries) and enrich stay owned by the caller and must outlive
 * the core. */
struct sk_core *sk_core_new(struct sk_output **outs, size_t n,
	    const struct sk_enrich *enrich);
void	sk_core_free(struct sk_core *c);

/*
 * Handle one POSTed alert.  Returns 0 when accepted (it has been offered
 * to every output), or -1 with a reason in err (and counted).
 */
int	sk_core_submit(struct sk_core *c, const char *body, size_t len,
	    char *err, size_t errlen);

/* Submit falcosidekick's test event, stamped now. */
int	sk_core_submit_test(struct sk_core *c);

/* Count a request rejected before its body was looked at. */
void	sk_core_reject(struct sk_core *c, enum sk_reject why);

/* Append the metrics in the Prometheus text format. */
void	sk_core_metrics(struct sk_core *c, struct sbuf *sb);

#endif /* SIDEKICK_CORE_H */
