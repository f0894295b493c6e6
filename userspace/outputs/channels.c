/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local channels: stdout, syslog, file and program.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "outputs/chan.h"
#include "util/log.h"
#include "util/xmalloc.h"

/* Slice for polls and sleeps that must notice the abort flag. */
#define SLICE_MS	50
/* Flush a buffered channel when this much is pending. */
#define BUF_FLUSH_AT	8192

extern char **environ;

struct chan *
chan_alloc(const struct chan_ops *ops, void *priv,
    const struct outputs_options *o)
{
	struct chan *c = xcalloc(1, sizeof(*c));

	c->ops = ops;
	c->priv = priv;
	c->opt = o;
	return c;
}

int
chan_sleep(unsigned ms, atomic_int *abort)
{
	struct timespec ts;
	unsigned step;

	while (ms > 0) {
		if (abort != NULL && atomic_load(abort))
			return -1;
		step = ms < SLICE_MS ? ms : SLICE_MS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return 0;
}

/* Write everything, waiting on a non-blocking fd while not aborted. */
static int
write_all(int fd, const char *p, size_t len, atomic_int *abort)
{
	struct pollfd pfd;
	ssize_t r;

	while (len > 0) {
		r = write(fd, p, len);
		if (r > 0) {
			p += r;
			len -= (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (abort != NULL && atomic_load(abort)) {
				errno = ECANCELED;
				return -1;
			}
			pfd.fd = fd;
			pfd.events = POLLOUT;
			(void)poll(&pfd, 1, SLICE_MS);
			continue;
		}
		return -1;
	}
	return 0;
}

int
bufw_flush(struct bufw *w, atomic_int *abort)
{
	int rc;

	if (w->buf.len == 0 || w->fd < 0)
		return 0;
	rc = write_all(w->fd, w->buf.buf, w->buf.len, abort);
	sbuf_reset(&w->buf);
	return rc;
}

int
bufw_write(struct bufw *w, const char *data, size_t len, int nl,
    atomic_int *abort)
{
	if (w->buffered) {
		sbuf_put(&w->buf, data, len);
		if (nl)
			sbuf_putc(&w->buf, '\n');
		if (w->buf.len >= BUF_FLUSH_AT)
			return bufw_flush(w, abort);
		return 0;
	}
	/* One write per line keeps lines whole for readers of a pipe. */
	sbuf_reset(&w->buf);
	sbuf_put(&w->buf, data, len);
	if (nl)
		sbuf_putc(&w->buf, '\n');
	return bufw_flush(w, abort);
}

/* stdout */

static int
stdout_write(struct chan *c, const char *line, size_t len, int prio)
{
	struct bufw *w = c->priv;

	if (bufw_write(w, line, len, 1, c->abort) < 0) {
		log_err("stdout output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
stdout_reopen(struct chan *c)
{
	(void)bufw_flush(c->priv, c->abort);
}

static void
stdout_close(struct chan *c)
{
	(void)bufw_flush(c->priv, c->abort);
}

static void
bufw_chan_free(struct chan *c)
{
	struct bufw *w = c->priv;

	sbuf_free(&w->buf);
	free(w);
	free(c);
}

static const struct chan_ops stdout_ops = {
	"stdout", stdout_write, stdout_reopen, stdout_close, bufw_chan_free,
};

struct chan *
chan_stdout_new(const struct outputs_options *o, char **errp)
{
	struct bufw *w = xcalloc(1, sizeof(*w));

	w->fd = o->stdout_fd;
	w->buffered = o->buffered;
	return chan_alloc(&stdout_ops, w, o);
}

/* file */

struct filech {
	struct bufw	 w;
	int		 failing;	/* last open failed: log once */
};

static int
file_open(struct chan *c)
{
	struct filech *f = c->priv;

	if (f->w.fd >= 0)
		return 0;
	/* Mode as an ofstream would create it: 0666 less the umask. */
	f->w.fd = open(c->opt->file_name, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0666);
	if (f->w.fd < 0) {
		if (!f->failing)
			log_err("file output: failed to open output file %s: "
			    "%s", c->opt->file_name, strerror(errno));
		f->failing = 1;
		return -1;
	}
	f->failing = 0;
	return 0;
}

static void
file_close_fd(struct chan *c)
{
	struct filech *f = c->priv;

	if (f->w.fd < 0)
		return;
	if (bufw_flush(&f->w, c->abort) < 0)
		log_err("file output: %s: %s", c->opt->file_name,
		    strerror(errno));
	close(f->w.fd);
	f->w.fd = -1;
}

static int
file_write(struct chan *c, const char *line, size_t len, int prio)
{
	struct filech *f = c->priv;
	int rc = 0;

	if (file_open(c) < 0)
		return -1;
	if (bufw_write(&f->w, line, len, 1, c->abort) < 0) {
		log_err("file output: %s: %s", c->opt->file_name,
		    strerror(errno));
		rc = -1;
	}
	if (!c->opt->file_keep_alive)
		file_close_fd(c);
	return rc;
}

static void
file_reopen(struct chan *c)
{
	file_close_fd(c);
	(void)file_open(c);
}

static void
file_free(struct chan *c)
{
	struct filech *f = c->priv;

	sbuf_free(&f->w.buf);
	free(f);
	free(c);
}

static const struct chan_ops file_ops = {
	"file", file_write, file_reopen, file_close_fd, file_free,
};

struct chan *
chan_file_new(const struct outputs_options *o, char **errp)
{
	struct filech *f;

	if (o->file_name == NULL || o->file_name[0] == '\0') {
		xasprintf(errp, "file_output: filename is empty");
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->w.fd = -1;
	f->w.buffered = o->buffered;
	return chan_alloc(&file_ops, f, o);
}

/* program */

struct progch {
	struct bufw	 w;		/* the child's stdin */
	pid_t		 pid;
};

static int
prog_spawn(struct chan *c)
{
	struct progch *p = c->priv;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, def;
	char *argv[4];
	int fds[2], rc;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		log_err("program output: pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	posix_spawnattr_init(&attr);
	/*
	 * Our thread blocks every signal and the daemon may ignore some:
	 * the child starts with a clean mask and default dispositions.
	 */
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGHUP);
	sigaddset(&def, SIGUSR1);
	sigaddset(&def, SIGCHLD);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = (char *)c->opt->program;
	argv[3] = NULL;
	rc = posix_spawn(&p->pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fds[0]);
	if (rc != 0) {
		log_err("program output: failed to start %s: %s",
		    c->opt->program, strerror(rc));
		close(fds[1]);
		p->pid = -1;
		return -1;
	}
	/* Non-blocking so a stuck reader cannot outlive a shutdown. */
	(void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
	p->w.fd = fds[1];
	return 0;
}

/*
 * Close the child's stdin and reap it.  The child normally exits on
 * EOF; when the abort flag is set it is killed instead.
 */
static void
prog_finish(struct chan *c)
{
	struct progch *p = c->priv;
	int status;
	pid_t r;

	if (p->w.fd >= 0) {
		(void)bufw_flush(&p->w, c->abort);
		close(p->w.fd);
		p->w.fd = -1;
	}
	if (p->pid <= 0)
		return;
	for (;;) {
		r = waitpid(p->pid, &status, WNOHANG);
		if (r == p->pid || (r < 0 && errno != EINTR))
			break;
		if (r == 0 && chan_sleep(10, c->abort) < 0) {
			kill(p->pid, SIGKILL);
			(void)waitpid(p->pid, &status, 0);
			break;
		}
	}
	p->pid = -1;
}

static int
prog_write(struct chan *c, const char *line, size_t len, int prio)
{
	struct progch *p = c->priv;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if (p->w.fd < 0 && prog_spawn(c) < 0)
			return -1;
		if (bufw_write(&p->w, line, len, 1, c->abort) == 0)
			break;
		if (errno != EPIPE) {
			log_err("program output: %s", strerror(errno));
			prog_finish(c);
			return -1;
		}
		/* The kept-alive program went away: start a new one. */
		log_warn("program output: %s exited, restarting it",
		    c->opt->program);
		sbuf_reset(&p->w.buf);
		prog_finish(c);
	}
	if (attempt == 2)
		return -1;
	if (!c->opt->program_keep_alive)
		prog_finish(c);
	return 0;
}

static void
prog_reopen(struct chan *c)
{
	prog_finish(c);
	(void)prog_spawn(c);
}

static void
prog_free(struct chan *c)
{
	struct progch *p = c->priv;

	sbuf_free(&p->w.buf);
	free(p);
	free(c);
}

static const struct chan_ops prog_ops = {
	"program", prog_write, prog_reopen, prog_finish, prog_free,
};

struct chan *
chan_program_new(const struct outputs_options *o, char **errp)
{
	struct progch *p;

	if (o->program == NULL || o->program[0] == '\0') {
		xasprintf(errp, "program_output: program is empty");
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->w.fd = -1;
	p->w.buffered = o->buffered;
	p->pid = -1;
	return chan_alloc(&prog_ops, p, o);
}

/*
 * syslog.  We speak the local syslog protocol ourselves instead of
 * calling syslog(3): glibc hard-wires /dev/log, so the socket could not
 * be pointed elsewhere (a container's mounted socket, a test's
 * receiver), and syslog(3) blocks without bound when the daemon stalls.
 * The datagram is what glibc sends: "<PRI>Mmm dd hh:mm:ss ident: msg".
 */

struct syslogch {
	int		fd;
	int		failing;
};

static int
syslog_connect(struct chan *c)
{
	struct syslogch *s = c->priv;
	struct sockaddr_un sun;

	if (s->fd >= 0)
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
	    c->opt->syslog_path);
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -1;
	if (connect(s->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	return 0;
}

static int
syslog_send(struct chan *c, const char *msg, size_t len)
{
	struct syslogch *s = c->priv;
	struct pollfd pfd;
	ssize_t r;

	for (;;) {
		r = send(s->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (atomic_load(c->abort)) {
			errno = ECANCELED;
			return -1;
		}
		pfd.fd = s->fd;
		pfd.events = POLLOUT;
		(void)poll(&pfd, 1, SLICE_MS);
	}
}

static int
syslog_write(struct chan *c, const char *line, size_t len, int prio)
{
	struct syslogch *s = c->priv;
	struct sbuf msg = SBUF_INIT;
	char stamp[32];
	struct tm tm;
	time_t now;
	int attempt, rc = -1;

	if (prio < 0 || prio > LOG_DEBUG)
		prio = LOG_DEBUG;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	sbuf_printf(&msg, "<%d>%s %s: ", c->opt->syslog_facility | prio,
	    stamp, c->opt->syslog_ident);
	sbuf_put(&msg, line, len);
	for (attempt = 0; attempt < 2 && rc < 0; attempt++) {
		if (syslog_connect(c) < 0)
			break;
		rc = syslog_send(c, msg.buf, msg.len);
		if (rc < 0 && errno == ECANCELED)
			break;
		if (rc < 0) {
			/* The log daemon may have restarted: reconnect. */
			close(s->fd);
			s->fd = -1;
		}
	}
	if (rc < 0 && !s->failing)
		log_err("syslog output: cannot send to %s: %s",
		    c->opt->syslog_path, strerror(errno));
	s->failing = rc < 0;
	sbuf_free(&msg);
	return rc;
}

static void
syslog_close(struct chan *c)
{
	struct syslogch *s = c->priv;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static void
syslog_free(struct chan *c)
{
	free(c->priv);
	free(c);
}

static const struct chan_ops syslog_ops = {
	"syslog", syslog_write, syslog_close, syslog_close, syslog_free,
};

struct chan *
chan_syslog_new(const struct outputs_options *o, char **errp)
{
	struct syslogch *s;

	if (strlen(o->syslog_path) >= sizeof(((struct sockaddr_un *)0)->
	    sun_path)) {
		xasprintf(errp, "syslog output: socket path too long");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->fd = -1;
	return chan_alloc(&syslog_ops, s, o);
}
