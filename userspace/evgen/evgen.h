/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event-generator: performs real suspicious actions, each named after the
 * rule of falco_rules.yaml it should trigger, so that users can check
 * that detection works end to end.
 *
 * An action is a function that makes the syscalls the rule looks for and
 * then undoes every change it made: temporary files are named
 * falco-event-generator-syscall-<Action>-XXXXXX and removed, a renamed
 * file is renamed back.  Actions that must be seen as another program
 * (httpd, mysqld, vipw, ...) re-launch this binary through a symlink of
 * that name with "run ^<action>$".
 *
 * Network actions only ever talk to loopback, or to an address that
 * exists only inside a network namespace the action creates for itself
 * (EVGEN_NETNS_ADDR, a documentation address of RFC 5737): nothing
 * leaves the machine.
 */
#ifndef EVGEN_EVGEN_H
#define EVGEN_EVGEN_H

#include <stddef.h>
#include <sys/types.h>

/* Results of an action. */
#define EVGEN_OK	0
#define EVGEN_SKIP	1	/* cannot run here; ctx->reason says why */
#define EVGEN_FAIL	(-1)	/* ran and failed; ctx->reason says why */

/* Action flags. */
#define EVGEN_F_DEFAULT		0x01	/* in the set run without --all */
#define EVGEN_F_CONTAINER	0x02	/* only meaningful in a container */
#define EVGEN_F_HOST		0x04	/* only meaningful on the host */
#define EVGEN_F_HELPER		0x08	/* building block; run only as ^name$ */

/*
 * The routable-looking address given to the loopback device of the
 * private network namespaces, and the metadata-service address used the
 * same way.  Neither is ever configured outside those namespaces.
 */
#define EVGEN_NETNS_ADDR	"192.0.2.1"
#define EVGEN_METADATA_ADDR	"169.254.169.254"

struct evgen_ctx {
	const char	*self;		/* absolute path of this program */
	const char	*name;		/* action being run, "syscall.X" */
	const char	*shortname;	/* "X" */
	int		 in_container;
	char		 reason[512];	/* why an action skipped or failed */
};

struct evgen_action {
	const char	*name;		/* "syscall.ClearLogActivities" */
	const char	*rule;		/* rule the action should trigger */
	unsigned	 flags;
	const char	*needs;		/* human summary of requirements */
	int		(*run)(struct evgen_ctx *);
};

/* The action table, in listing order, and its length. */
extern const struct evgen_action evgen_actions[];
extern const size_t evgen_nactions;

/*
 * Record why an action skips or fails and return code (EVGEN_SKIP or
 * EVGEN_FAIL), so that actions can "return evgen_skip(ctx, ...)".
 */
int	evgen_skip(struct evgen_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	evgen_fail(struct evgen_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Whether this process runs in a container as the daemon sees it: when
 * the cgroup path names one (the daemon's container.id), or as
 * FALCO_EVGEN_CONTAINER=yes|no says when it is set.  Marker files such
 * as /.dockerenv are not trusted.  Writes one line saying why into why
 * (of size whylen) and returns 1 or 0.
 */
int	evgen_detect_container(char *why, size_t whylen);

/*
 * The container id in the text of a /proc/<pid>/cgroup file (len bytes,
 * "N:subsystems:path" lines), by the daemon's rules (state_container_id):
 * writes the 64-hex id into id and returns 1, or writes "" and returns
 * 0 for the host.
 */
int	evgen_cgroup_container_id(const char *text, size_t len, char id[65]);

/*
 * Look a program up in PATH and the sbin directories.  Fills path (of
 * size len) and returns 0, or returns -1 when it is not installed.
 */
int	evgen_find_tool(const char *name, char *path, size_t len);

/*
 * Create the directory /tmp/falco-event-generator-syscall-<Action>-XXXXXX
 * (or under base when not NULL) into path.  Returns 0 or -1 with ctx's
 * reason set.
 */
int	evgen_mktemp_dir(struct evgen_ctx *ctx, const char *base, char *path,
	    size_t len);

/*
 * Create an empty file <dir>/falco-event-generator-syscall-<Action>-XXXXXX
 * with open(O_WRONLY|O_CREAT|O_EXCL) and the given mode, and close it.
 * Returns 0 or -1 with ctx's reason set.
 */
int	evgen_mktemp_file(struct evgen_ctx *ctx, const char *dir, mode_t mode,
	    char *path, size_t len);

/* Remove path and everything below it; a missing path is not an error. */
int	evgen_rmtree(const char *path);

/* Options of evgen_run(). */
struct evgen_runopt {
	int		 timeout_ms;	/* SIGKILL after this; 0: 10 s */
	uid_t		 uid;		/* run as this user when as_user */
	gid_t		 gid;
	int		 as_user;
	int		 new_mntns;	/* private mount namespace first */
	const char	*stdin_path;	/* default /dev/null */
	const char	*stdout_path;	/* default /dev/null */
	char *const	*env;		/* extra NAME=value entries */
};

/*
 * Run argv (argv[0] is looked up in PATH unless it has a slash) with
 * stdin and stdout redirected as opt says (stderr too goes to /dev/null)
 * and wait for it.  Returns its exit status (128+signal when killed) or
 * -1 when it could not be started.
 */
int	evgen_run(struct evgen_ctx *ctx, char *const argv[],
	    const struct evgen_runopt *opt);

/*
 * Run this program as progname: symlink it into a fresh temporary
 * directory under that name, execute "<dir>/progname run ^action$
 * --sleep <sleep>" and wait; the directory is removed afterwards.
 * When netns_addr is not NULL the child first enters a new network
 * namespace holding that address (see evgen_netns_setup()).  Returns
 * the child's exit status, or -1 with ctx's reason set.
 */
int	evgen_spawn_as(struct evgen_ctx *ctx, const char *progname,
	    const char *action, const char *sleep, const char *netns_addr);

/*
 * Move the calling process into a new network namespace whose loopback
 * device is up and also carries addr/32.  Traffic to addr then stays
 * inside the namespace, which the kernel deletes when its last process
 * exits.  Returns 0 or -1 with errno set.
 */
int	evgen_netns_setup(const char *addr);

/*
 * Whether addr is held by the loopback device of the calling process's
 * network namespace and loopback is that namespace's only interface (so
 * it is one made by evgen_netns_setup()).  Network helpers refuse to
 * send to an address for which this returns 0, so that they can never
 * reach a real network.
 */
int	evgen_addr_is_local(const char *addr);

/* Look up the uid and gid of a user.  Returns 0, or -1 if unknown. */
int	evgen_user_ids(const char *user, uid_t *uid, gid_t *gid);

/* The alerts received by the test-mode listener. */
struct evgen_listener;

/*
 * Listen for HTTP POSTs of JSON alerts (Falco's http_output) on
 * addr:port.  Returns NULL with a logged error on failure.
 */
struct evgen_listener *evgen_listener_start(const char *addr, int port);

/* Stop the listener and free it; NULL is accepted. */
void	evgen_listener_stop(struct evgen_listener *l);

/*
 * Wait until an alert arrived at or after since (CLOCK_MONOTONIC ns)
 * whose rule name matches rule (may be NULL) or action, the action's
 * name without its "syscall." prefix (compared on letters and digits
 * only, ignoring case), or until timeout_ms passes.  Returns 1 when
 * found, 0 on timeout.
 */
int	evgen_listener_wait(struct evgen_listener *l, const char *rule,
	    const char *action, long long since, int timeout_ms);

/* Number of alerts received so far. */
size_t	evgen_listener_count(struct evgen_listener *l);

/*
 * Whether two rule or action names are equal once everything but
 * letters and digits is dropped and case is ignored.
 */
int	evgen_names_match(const char *a, const char *b);

/*
 * The "rule" string of a JSON alert body of len bytes (not necessarily
 * NUL-terminated).  Returns a string the caller frees, or NULL when the
 * body is not a JSON object with a string "rule".
 */
char	*evgen_alert_rule(const char *body, size_t len);

/*
 * Parse a duration with a unit ("100ms", "6s", "1.5m"; ns, us, ms, s, m,
 * h) or a bare "0" into nanoseconds.  Returns 0, or -1 if malformed.
 */
int	evgen_parse_duration(const char *s, long long *ns);

/* CLOCK_MONOTONIC in nanoseconds. */
long long evgen_now_ns(void);

#endif /* EVGEN_EVGEN_H */
