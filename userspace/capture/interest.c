/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which syscalls a live capture asks the driver for: those the loaded
 * rules can match, plus those the state tables need to stay right.
 */
#include <stdio.h>
#include <string.h>

#include "capture/capture.h"
#include "config/config.h"
#include "rules/rules.h"
#include "schema/schema.h"

/*
 * What state tracking needs (native x86_64 names): process lifecycle and
 * identity, the fd table (every call that creates, duplicates, moves or
 * closes an fd), the cwd, and namespaces.  Successful execs and process
 * exits also come from the scheduler tracepoints.
 */
static const char *const state_set[] = {
	"clone", "clone3", "fork", "vfork", "execve", "execveat",
	"open", "openat", "openat2", "creat", "open_by_handle_at",
	"close", "close_range", "dup", "dup2", "dup3", "fcntl",
	"socket", "socketpair", "connect", "accept", "accept4", "bind",
	"listen", "pipe", "pipe2", "eventfd", "eventfd2", "signalfd",
	"signalfd4", "memfd_create", "inotify_init", "inotify_init1",
	"timerfd_create", "epoll_create", "epoll_create1", "userfaultfd",
	"io_uring_setup", "pidfd_open", "pidfd_getfd", "bpf",
	"recvmsg", "chdir", "fchdir", "chroot",
	"setuid", "setgid", "setreuid", "setregid", "setresuid",
	"setresgid", "setsid", "setpgid", "capset", "prctl",
	"unshare", "setns",
	NULL
};

void
capture_interest_set(struct capture_interest *in, uint32_t nr, int on)
{
	uint8_t bit;

	if (nr >= CAPTURE_NR_MAX)
		return;
	bit = (uint8_t)(1u << (nr % 8));
	if (on && !(in->nr[nr / 8] & bit)) {
		in->nr[nr / 8] |= bit;
		in->count++;
	} else if (!on && (in->nr[nr / 8] & bit)) {
		in->nr[nr / 8] &= (uint8_t)~bit;
		in->count--;
	}
}

int
capture_interest_has(const struct capture_interest *in, uint32_t nr)
{
	return nr < CAPTURE_NR_MAX && (in->nr[nr / 8] >> (nr % 8)) & 1;
}

int
capture_interest_set_name(struct capture_interest *in, const char *name,
    int on)
{
	const char *n;
	uint32_t nr;
	int found = 0;

	if (strcmp(name, "procexit") == 0) {
		in->exit_tp = on;
		return 0;
	}
	for (nr = 0; nr < CAPTURE_NR_MAX; nr++) {
		if ((n = schema_native_name(nr)) == NULL ||
		    strcmp(n, name) != 0)
			continue;
		capture_interest_set(in, nr, on);
		found = 1;
	}
	if (!found)
		return -1;
	if (strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0)
		in->exec_tp = on ? 1 : in->exec_tp;
	return 0;
}

/* Add the syscalls whose events some runnable rule can match. */
static void
add_rules(struct capture_interest *in, struct rules_set *rs)
{
	uint8_t want[(FE_MAX + 7) / 8], pe[(FE_MAX + 7) / 8];
	const struct rule *const *v;
	uint16_t id, en, ex;
	uint32_t nr;
	size_t n, i;

	memset(want, 0, sizeof(want));
	for (id = 0; id < FE_MAX; id++) {
		v = rules_for_evttype(rs, "syscall", id, &n);
		if (v != NULL && n > 0)
			want[id / 8] |= (uint8_t)(1u << (id % 8));
	}
	for (nr = 0; nr < CAPTURE_NR_MAX; nr++) {
		if (schema_native_events(nr, &en, &ex) != 0)
			continue;
		/*
		 * XXX: a rule on a syscall that only has generic events
		 * asks for every generic syscall: the bitmap does not say
		 * which name the rule used.
		 */
		if (((want[en / 8] >> (en % 8)) & 1) ||
		    ((want[ex / 8] >> (ex % 8)) & 1))
			capture_interest_set(in, nr, 1);
	}
	memset(pe, 0, sizeof(pe));
	(void)schema_events_by_name("procexit", pe);
	for (i = 0; i < sizeof(pe); i++)
		if (pe[i] & want[i])
			in->exit_tp = 1;
}

static void
add_state_set(struct capture_interest *in)
{
	size_t i;

	for (i = 0; state_set[i] != NULL; i++)
		(void)capture_interest_set_name(in, state_set[i], 1);
	in->exec_tp = in->exit_tp = 1;
}

int
capture_interest_build(struct capture_interest *in, struct rules_set *rs,
    const struct config *cfg, char *err, size_t errlen)
{
	const struct cfg_node *cs = NULL, *it;
	const char *name;
	size_t i, n = 0;
	int pass;

	memset(in, 0, sizeof(*in));
	if (cfg != NULL && config_bool(cfg, "base_syscalls.all", 0)) {
		in->all = in->exec_tp = in->exit_tp = 1;
		for (i = 0; i < CAPTURE_NR_MAX; i++)
			if (schema_native_name((uint32_t)i) != NULL)
				capture_interest_set(in, (uint32_t)i, 1);
		return 0;
	}
	if (cfg != NULL &&
	    (cs = config_node(cfg, "base_syscalls.custom_set")) != NULL &&
	    cfg_node_kind(cs) == CFG_SEQ)
		n = cfg_node_len(cs);
	if (n == 0 || config_bool(cfg, "base_syscalls.repair", 0))
		add_state_set(in);
	if (rs != NULL)
		add_rules(in, rs);
	/* Additions first, then the "!name" removals, whatever the order. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			it = cfg_node_at(cs, i);
			if ((name = cfg_node_str(it)) == NULL)
				continue;
			if ((name[0] == '!') != pass)
				continue;
			if (capture_interest_set_name(in, name + pass,
			    !pass) == 0)
				continue;
			snprintf(err, errlen, "%s:%d:%d: base_syscalls."
			    "custom_set: unknown syscall '%s'",
			    cfg_node_file(it) != NULL ? cfg_node_file(it) :
			    "<config>", cfg_node_line(it), cfg_node_col(it),
			    name + pass);
			return -1;
		}
	}
	return 0;
}
