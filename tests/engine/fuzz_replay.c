/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness of the detection path: any capture (process list,
 * fd lists, events of any layout) goes through the state and one rule
 * that matches every event and prints every output field (and a few
 * transformers), rendered as JSON.  The state and the extractors must
 * survive whatever parameters the events carry: short, missing,
 * inconsistent ids, unknown fds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "engine/engine.h"
#include "filter/filter.h"
#include "outputs/outputs.h"
#include "rules/rules.h"
#include "scapfile/scapfile.h"
#include "state/state.h"
#include "util/log.h"
#include "util/sbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EVENTS	100

static struct rules_loader *loader;
static struct sbuf line;
static volatile size_t sink;

static void
render(void *arg, const struct alert *a)
{
	struct alert_format f;

	(void)arg;
	alert_format_defaults(&f);
	f.json = 1;
	f.hostname = "fuzz";
	sbuf_reset(&line);
	alert_render(a, &f, &line);
	sink += line.len;
}

/* One rule printing every field usable in outputs. */
static void
init(void)
{
	struct sbuf rules = SBUF_INIT;
	struct rules_result *r;
	size_t c, i;

	log_init("fuzz_replay", LOG_CRIT, 1, 0);
	filter_set_evtypes(filter_schema_evtypes());
	engine_fields_init();
	sbuf_puts(&rules, "- rule: all\n  desc: d\n  condition: evt.num > 0\n"
	    "  priority: INFO\n  warn_evttypes: false\n  output: \"");
	for (c = 0; c < fields_nclasses(); c++) {
		const struct field_class *fc = fields_class(c);

		if (strcmp(fc->source, "syscall") != 0)
			continue;
		for (i = 0; i < fc->nfields; i++) {
			const struct field_info *fi = &fc->fields[i];

			if (fi->flags & FF_FILTER_ONLY)
				continue;
			sbuf_printf(&rules, "%%%s", fi->name);
			if (fi->arg == FARG_KEY_REQ)
				sbuf_puts(&rules, "[cpu]");
			else if (fi->arg == FARG_EVTARG)
				sbuf_puts(&rules, "[1]");
			else if (fi->arg == FARG_INDEX)
				sbuf_puts(&rules, "[2]");
			sbuf_putc(&rules, ' ');
		}
	}
	/* and the transformers outputs take */
	sbuf_puts(&rules, "%toupper(fd.name) %len(fd.types) "
	    "%tolower(basename(proc.exepath)) %b64(proc.name)\"\n");
	loader = rules_loader_new();
	r = rules_load_content(loader, "fuzz.yaml", rules.buf, rules.len);
	if (!rules_result_ok(r))
		__builtin_trap();
	rules_result_free(r);
	sbuf_free(&rules);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scap_reader *rd;
	struct state *st;
	struct engine *e;
	struct engine_opts o;
	struct fevt ev;
	char err[256], *errp = NULL;
	size_t n = 0;

	if (loader == NULL)
		init();
	if ((rd = scap_reader_open_mem(data, size, err, sizeof(err))) == NULL)
		return 0;
	st = state_new(512, 0);
	(void)state_seed_capture(st, rd);
	memset(&o, 0, sizeof(o));
	o.match_all = 1;
	o.alert = render;
	o.hostname = "fuzz";
	e = engine_new(st, rules_loader_ruleset(loader), &o, &errp);
	if (e == NULL)
		__builtin_trap();
	while (n++ < MAX_EVENTS && scap_reader_next(rd, &ev, NULL) == 1)
		(void)engine_process(e, &ev);
	engine_free(e);
	state_free(st);
	scap_reader_close(rd);
	return 0;
}
