/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The subset of Go's text/template that falcosidekick users write in
 * messageformat keys, evaluated against one alert:
 *
 *   {{.Rule}} {{.Priority}} {{.Output}} {{.Time}} {{.Hostname}}
 *   {{.Source}} {{.Tags}} {{.UUID}} {{.OutputFields.name}}
 *   {{index .OutputFields "k8s.pod.name"}}
 *   {{if COND}}..{{else if COND}}..{{else}}..{{end}}
 *   functions: index eq ne lt le gt ge not and or len print
 *   literals: "str" `raw` 12 true false nil, parentheses, comment actions
 *   trim markers: "{{- " and " -}}"
 *
 * Everything else (pipes, variables, range, with, define, printf...) is
 * rejected when the template is parsed, with its line and column.  A
 * template only reads the alert: it has no way to run anything.
 */
#ifndef SIDEKICK_TMPL_H
#define SIDEKICK_TMPL_H

#include <stddef.h>

struct sbuf;
struct sk_alert;
struct sk_tmpl;

/*
 * Compile text.  name prefixes error messages ("NAME:LINE:COL: msg").
 * Returns the template, or NULL with the message in err.
 */
struct sk_tmpl *sk_tmpl_parse(const char *name, const char *text,
	    char *err, size_t errlen);

/*
 * As sk_tmpl_parse(), with mapdot set for falcosidekick's templatedfields:
 * there "." is the OutputFields map, so {{.name}} and
 * {{index . "k8s.ns.name"}} read fields.
 */
struct sk_tmpl *sk_tmpl_parse_ex(const char *name, const char *text,
	    int mapdot, char *err, size_t errlen);

/*
 * Append the expansion for alert a to out.  Returns 0, or -1 with a
 * message in err (for example index applied to a string); out may then
 * hold a partial expansion.  Thread-safe: templates are read-only.
 */
int	sk_tmpl_exec(const struct sk_tmpl *t, const struct sk_alert *a,
	    struct sbuf *out, char *err, size_t errlen);

void	sk_tmpl_free(struct sk_tmpl *t);

#endif /* SIDEKICK_TMPL_H */
