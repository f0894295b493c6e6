/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Conversion of events recorded with an old layout to the current
 * schema, driven by the table in convert_table.c.
 *
 * For each event the reader hands in, the decision is:
 *   - an event type flagged unused is dropped;
 *   - a type without table lines is handed out as it is, unless it is an
 *     old version: old enter events are dropped, an old exit event
 *     without table lines is an error (the table is incomplete);
 *   - an enter event of a type with table lines is converted (usually:
 *     stored for its exit event and dropped);
 *   - an exit event is converted when its type is an old version or it
 *     carries fewer parameters than the schema says.
 * A converted event goes through the same decision again, at most
 * CONV_MAX_STEPS times.
 *
 * Differences from libscap, on purpose: a stored enter event that does
 * not belong to the exit event being converted (another syscall, or
 * fewer parameters than asked for) is treated as missing instead of
 * failing the whole read, so a capture that starts or breaks in the
 * middle of a syscall still reads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scapfile/scapfile_int.h"
#include "util/xmalloc.h"

#define CONV_MAX_STEPS		50
#define CONV_MAX_INSTRS		FEVT_MAX_PARAMS

enum {
	I_OLD = 1,
	I_ENTER,
	I_EMPTY,
	I_DEFAULT,
	I_JSON,
};

struct instr {
	uint8_t		 code;
	uint8_t		 n;
	uint8_t		 empty_fallback;
};

struct rule {
	const struct scap_conv_rule *r;
	uint8_t		 ninstrs;
	struct instr	 in[CONV_MAX_INSTRS];
};

/* Open-addressing table: tid -> copy of the stored enter record. */
struct slot {
	uint64_t	 tid;
	uint8_t		*rec;		/* NULL: free */
	uint32_t	 cap;
	uint32_t	 len;		/* 0: nothing stored */
};

struct scap_conv {
	struct slot	*slots;
	size_t		 nslots;
	size_t		 nused;
	uint8_t		*buf[2];
	size_t		 bufcap[2];
	int		 cur;
};

/* Parsed once: per type, the first rule and a chain to the next one. */
static struct rule	*rules;
static int16_t		*rule_head;	/* [FE_MAX] */
static int16_t		*rule_next;	/* [nrules] */
static int16_t		*passmap;	/* [FE_MAX], see scap_conv_passmap() */
static int		 rules_ready;

static int
parse_instrs(struct rule *ru)
{
	const char *s = ru->r->instrs;
	char *end;
	unsigned long a, b;

	ru->ninstrs = 0;
	while (*s != '\0') {
		struct instr in = { 0, 0, 0 };

		if (*s == ' ') {
			s++;
			continue;
		}
		switch (*s) {
		case 'O':
			a = strtoul(s + 1, &end, 10);
			b = a;
			if (end[0] == '.' && end[1] == '.')
				b = strtoul(end + 2, &end, 10);
			s = end;
			for (; a <= b; a++) {
				if (ru->ninstrs >= CONV_MAX_INSTRS)
					return -1;
				in.code = I_OLD;
				in.n = (uint8_t)a;
				ru->in[ru->ninstrs++] = in;
			}
			continue;
		case 'E':
			in.code = I_ENTER;
			in.n = (uint8_t)strtoul(s + 1, &end, 10);
			s = end;
			break;
		case '-':
			in.code = I_EMPTY;
			s++;
			break;
		case 'D':
			in.code = I_DEFAULT;
			s++;
			break;
		case 'J':
			in.code = I_JSON;
			s++;
			break;
		default:
			return -1;
		}
		if (*s == '?') {
			in.empty_fallback = 1;
			s++;
		}
		if (ru->ninstrs >= CONV_MAX_INSTRS)
			return -1;
		ru->in[ru->ninstrs++] = in;
	}
	return 0;
}

static void
rules_init(void)
{
	size_t i;

	if (rules_ready)
		return;
	rules = xcalloc(scap_conv_nrules, sizeof(*rules));
	rule_head = xcalloc(FE_MAX, sizeof(*rule_head));
	rule_next = xcalloc(scap_conv_nrules, sizeof(*rule_next));
	for (i = 0; i < FE_MAX; i++)
		rule_head[i] = -1;
	/* Insert backwards so that each chain keeps table order. */
	for (i = scap_conv_nrules; i-- > 0;) {
		const struct scap_conv_rule *r = &scap_conv_rules[i];

		rules[i].r = r;
		/* A malformed line is left without instructions and
		   fails the conversion that uses it (tests catch it). */
		if (parse_instrs(&rules[i]) == -1)
			rules[i].ninstrs = 0;
		if (r->type >= FE_MAX)
			continue;
		rule_next[i] = rule_head[r->type];
		rule_head[r->type] = (int16_t)i;
	}
	passmap = xcalloc(FE_MAX, sizeof(*passmap));
	for (i = 0; i < FE_MAX; i++) {
		const struct schema_event *se = schema_event((uint16_t)i);

		passmap[i] = -1;
		if (se == NULL || (se->flags & (EF_UNUSED | EF_OLD_VERSION)))
			continue;
		if (rule_head[i] == -1)
			passmap[i] = -2;
		else if (!schema_is_enter((uint16_t)i))
			passmap[i] = (int16_t)se->nparams;
	}
	rules_ready = 1;
}

const int16_t *
scap_conv_passmap(void)
{
	rules_init();
	return passmap;
}

static const struct rule *
rule_find(uint16_t type, uint32_t nparams)
{
	int i;

	for (i = rule_head[type]; i != -1; i = rule_next[i])
		if (rules[i].r->nparams == nparams)
			return &rules[i];
	return NULL;
}

unsigned
scap_param_fixed_size(uint8_t pt)
{
	switch (pt) {
	case PT_INT8:
	case PT_UINT8:
	case PT_FLAGS8:
	case PT_ENUMFLAGS8:
	case PT_SIGTYPE:
		return 1;
	case PT_INT16:
	case PT_UINT16:
	case PT_FLAGS16:
	case PT_ENUMFLAGS16:
	case PT_SYSCALLID:
	case PT_PORT:
		return 2;
	case PT_INT32:
	case PT_UINT32:
	case PT_FLAGS32:
	case PT_ENUMFLAGS32:
	case PT_UID:
	case PT_GID:
	case PT_MODE:
	case PT_SIGSET:
	case PT_IPV4ADDR:
	case PT_FD32:
	case PT_PID32:
		return 4;
	case PT_INT64:
	case PT_UINT64:
	case PT_RELTIME:
	case PT_ABSTIME:
	case PT_ERRNO:
	case PT_FD:
	case PT_PID:
		return 8;
	case PT_IPV6ADDR:
		return 16;
	default:
		return 0;
	}
}

struct scap_conv *
scap_conv_new(void)
{
	struct scap_conv *cv;

	rules_init();
	cv = xcalloc(1, sizeof(*cv));
	cv->nslots = 64;
	cv->slots = xcalloc(cv->nslots, sizeof(*cv->slots));
	return cv;
}

void
scap_conv_free(struct scap_conv *cv)
{
	size_t i;

	if (cv == NULL)
		return;
	for (i = 0; i < cv->nslots; i++)
		free(cv->slots[i].rec);
	free(cv->slots);
	free(cv->buf[0]);
	free(cv->buf[1]);
	free(cv);
}

static size_t
slot_index(const struct scap_conv *cv, uint64_t tid)
{
	uint64_t h = tid * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 32) & (cv->nslots - 1);
}

/* The slot of tid, or the free slot where it would go. */
static struct slot *
slot_lookup(struct scap_conv *cv, uint64_t tid)
{
	size_t i = slot_index(cv, tid);

	while (cv->slots[i].rec != NULL && cv->slots[i].tid != tid)
		i = (i + 1) & (cv->nslots - 1);
	return &cv->slots[i];
}

static void
slots_grow(struct scap_conv *cv)
{
	struct slot *old = cv->slots;
	size_t i, n = cv->nslots;

	cv->nslots *= 2;
	cv->slots = xcalloc(cv->nslots, sizeof(*cv->slots));
	for (i = 0; i < n; i++)
		if (old[i].rec != NULL)
			*slot_lookup(cv, old[i].tid) = old[i];
	free(old);
}

/* Keep a copy of ev as tid's enter event (slots are never removed:
   the number of threads in a file bounds them). */
static void
store(struct scap_conv *cv, const struct fevt *ev)
{
	struct slot *s;
	uint32_t len = ev->hdr->len;

	if ((cv->nused + 1) * 2 > cv->nslots)
		slots_grow(cv);
	s = slot_lookup(cv, ev->hdr->tid);
	if (s->rec == NULL) {
		s->tid = ev->hdr->tid;
		cv->nused++;
	}
	if (s->cap < len) {
		free(s->rec);
		s->rec = xmalloc(len);
		s->cap = len;
	}
	memcpy(s->rec, ev->hdr, len);
	s->len = len;
}

static const struct schema_event *
evinfo(uint16_t type)
{
	return schema_event(type);
}

enum { T_PASS, T_DROP, T_CONVERT, T_ERROR };

/* What to do with ev, before or after a conversion step. */
static int
test(const struct fevt *ev, char *err, size_t errlen)
{
	uint16_t type = ev->hdr->type;
	const struct schema_event *se = evinfo(type);

	if (se == NULL) {
		snprintf(err, errlen, "event type %u is not in the schema",
		    type);
		return T_ERROR;
	}
	if (se->flags & EF_UNUSED)
		return T_DROP;
	if (rule_head[type] == -1) {
		if (!(se->flags & EF_OLD_VERSION))
			return T_PASS;
		if (schema_is_enter(type))
			return T_DROP;
		snprintf(err, errlen, "old exit event %s (type %u) has no "
		    "conversion", se->name, type);
		return T_ERROR;
	}
	if (schema_is_enter(type))
		return T_CONVERT;
	if (ev->nparams > se->nparams) {
		snprintf(err, errlen, "event %s (type %u) has %u parameters, "
		    "more than the %u of its schema", se->name, type,
		    ev->nparams, se->nparams);
		return T_ERROR;
	}
	if ((se->flags & EF_OLD_VERSION) || ev->nparams != se->nparams)
		return T_CONVERT;
	return T_PASS;
}

/* Output parameter under construction. */
struct outp {
	const uint8_t	*p;
	uint32_t	 len;
	uint8_t		 dflt[8];	/* storage of a default value */
};

static void
out_default(struct outp *o, uint8_t pt)
{
	unsigned sz = scap_param_fixed_size(pt);
	uint64_t v = (pt == PT_UID || pt == PT_GID) ? UINT32_MAX : 0;

	if (sz > sizeof(o->dflt))
		sz = 0;		/* IPv6 address: no default, empty */
	memcpy(o->dflt, &v, sz);
	o->p = o->dflt;
	o->len = sz;
}

/*
 * JSON of an old container event: id, type, name, image.  Returns the
 * length written into buf (NUL included) or 0 if it cannot be built.
 */
static uint32_t
container_json(const struct fevt *ev, char *buf, size_t cap)
{
	uint32_t type;
	int n;

	if (ev->nparams < 4 || ev->plen[1] != 4 || ev->plen[0] == 0 ||
	    ev->plen[2] == 0 || ev->plen[3] == 0)
		return 0;
	memcpy(&type, ev->param[1], 4);
	/* The strings are stored with their NUL, which is left out. */
	n = snprintf(buf, cap, "{\"id\":\"%.*s\",\"type\":%u,"
	    "\"name\":\"%.*s\",\"image\":\"%.*s\"}",
	    (int)ev->plen[0] - 1, (const char *)ev->param[0], type,
	    (int)ev->plen[2] - 1, (const char *)ev->param[2],
	    (int)ev->plen[3] - 1, (const char *)ev->param[3]);
	if (n < 0 || (size_t)n >= cap)
		return 0;
	return (uint32_t)n + 1;
}

/*
 * One conversion step of ev by rule ru into the next output buffer.
 * Returns 0 with *ev pointing at the new event, or -1.
 */
static int
convert_step(struct scap_conv *cv, struct fevt *ev, const struct rule *ru,
    int *used_enter, char *err, size_t errlen)
{
	const struct scap_conv_rule *r = ru->r;
	struct outp out[FEVT_MAX_PARAMS];
	struct fevt enter;
	int have_enter = 0;
	struct slot *s;
	const struct schema_event *nse;
	uint16_t ntype;
	unsigned nout = 0, i, lsz;
	uint64_t total;
	uint8_t *dst;
	struct fevt_hdr h;
	const char *why;
	char *json = NULL;
	size_t jsoncap = 0;

	ntype = r->action == CV_RETYPE ? r->to : ev->hdr->type;
	nse = evinfo(ntype);
	if (nse == NULL) {
		snprintf(err, errlen, "conversion of type %u leads to unknown "
		    "type %u", ev->hdr->type, ntype);
		return -1;
	}
	if (r->action == CV_ADD) {
		for (i = 0; i < ev->nparams; i++) {
			out[nout].p = ev->param[i];
			out[nout].len = ev->plen[i];
			nout++;
		}
	}
	if (nout + ru->ninstrs > FEVT_MAX_PARAMS ||
	    nout + ru->ninstrs > nse->nparams) {
		snprintf(err, errlen, "conversion of %s with %u parameters "
		    "gives too many", nse->name, ev->nparams);
		return -1;
	}
	s = slot_lookup(cv, ev->hdr->tid);
	if (s->rec != NULL && s->len != 0 &&
	    fevt_parse(&enter, s->rec, s->len, &why) == 0 &&
	    enter.hdr->type + 1 == ev->hdr->type)
		have_enter = 1;
	for (i = 0; i < ru->ninstrs; i++, nout++) {
		const struct instr *in = &ru->in[i];
		uint8_t pt = nse->params[nout].type;
		struct outp *o = &out[nout];
		unsigned fix;

		o->p = NULL;
		o->len = 0;
		switch (in->code) {
		case I_OLD:
			if (in->n >= ev->nparams) {
				snprintf(err, errlen, "conversion of type %u "
				    "wants parameter %u of %u", ev->hdr->type,
				    in->n, ev->nparams);
				free(json);
				return -1;
			}
			o->p = ev->param[in->n];
			o->len = ev->plen[in->n];
			break;
		case I_ENTER:
			if (have_enter && in->n < enter.nparams) {
				o->p = enter.param[in->n];
				o->len = enter.plen[in->n];
				*used_enter = 1;
			} else if (!in->empty_fallback)
				out_default(o, pt);
			break;
		case I_EMPTY:
			break;
		case I_DEFAULT:
			out_default(o, pt);
			break;
		case I_JSON:
			if (json == NULL) {
				jsoncap = 128;
				for (unsigned k = 0; k < ev->nparams && k < 4;
				    k++)
					jsoncap += ev->plen[k];
				json = xmalloc(jsoncap);
			}
			o->len = container_json(ev, json, jsoncap);
			o->p = (const uint8_t *)json;
			if (o->len == 0 && !in->empty_fallback)
				out_default(o, pt);
			break;
		}
		/* A value never exceeds its type's size (an 8-byte
		   enter value into a 4-byte parameter keeps its low,
		   first, bytes). */
		fix = scap_param_fixed_size(pt);
		if (fix != 0 && o->len > fix)
			o->len = fix;
	}

	lsz = (nse->flags & EF_LARGE_PAYLOAD) ? 4 : 2;
	total = FEVT_HDR_LEN + (uint64_t)lsz * nout;
	for (i = 0; i < nout; i++) {
		if (lsz == 2 && out[i].len > UINT16_MAX)
			out[i].len = UINT16_MAX;
		total += out[i].len;
	}
	if (total > UINT32_MAX) {
		snprintf(err, errlen, "converted event too large");
		free(json);
		return -1;
	}
	cv->cur ^= 1;
	if (cv->bufcap[cv->cur] < total) {
		free(cv->buf[cv->cur]);
		cv->bufcap[cv->cur] = total < 4096 ? 4096 : (size_t)total;
		cv->buf[cv->cur] = xmalloc(cv->bufcap[cv->cur]);
	}
	dst = cv->buf[cv->cur];
	h.ts = ev->hdr->ts;
	h.tid = ev->hdr->tid;
	h.len = (uint32_t)total;
	h.type = ntype;
	h.nparams = nout;
	memcpy(dst, &h, FEVT_HDR_LEN);
	dst += FEVT_HDR_LEN;
	for (i = 0; i < nout; i++) {
		if (lsz == 2) {
			uint16_t l = (uint16_t)out[i].len;

			memcpy(dst, &l, 2);
		} else
			memcpy(dst, &out[i].len, 4);
		dst += lsz;
	}
	for (i = 0; i < nout; i++) {
		/* Parameters may alias the other buffer, never this one. */
		if (out[i].len != 0)
			memcpy(dst, out[i].p, out[i].len);
		dst += out[i].len;
	}
	free(json);
	/* An enter event serves one conversion step only (so a layout
	   upgraded twice takes the enter parameters once, as in
	   libscap). */
	if (*used_enter)
		s->len = 0;
	{
		uint16_t cpu = ev->cpu;

		if (fevt_parse(ev, cv->buf[cv->cur], (size_t)total,
		    &why) != 0) {
			snprintf(err, errlen, "converted event invalid: %s",
			    why);
			return -1;
		}
		ev->cpu = cpu;
	}
	return 0;
}

int
scap_conv_event(struct scap_conv *cv, struct fevt *ev, char *err,
    size_t errlen)
{
	int step, t, used_enter = 0;

	for (step = 0; step < CONV_MAX_STEPS; step++) {
		const struct rule *ru;

		t = test(ev, err, errlen);
		if (t == T_ERROR)
			return -1;
		if (t == T_DROP || t == T_PASS)
			return t == T_PASS;
		ru = rule_find(ev->hdr->type, ev->nparams);
		if (ru == NULL) {
			const struct schema_event *se = evinfo(ev->hdr->type);

			snprintf(err, errlen, "no conversion for %s "
			    "(type %u) with %u parameters", se->name,
			    ev->hdr->type, ev->nparams);
			return -1;
		}
		switch (ru->r->action) {
		case CV_STORE:
			store(cv, ev);
			return 0;
		case CV_PASS:
			return 1;
		case CV_STORE_PASS:
			store(cv, ev);
			return 1;
		default:
			used_enter = 0;
			if (convert_step(cv, ev, ru, &used_enter, err,
			    errlen) == -1)
				return -1;
			break;
		}
	}
	snprintf(err, errlen, "event type %u still not converted after %d "
	    "steps", ev->hdr->type, CONV_MAX_STEPS);
	return -1;
}
