/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path normalisation, container ids from cgroup paths, fd type names.
 */
#include <ctype.h>
#include <string.h>

#include "state/state.h"
#include "util/sbuf.h"

/*
 * Append the components of path (len bytes) to the normalised path
 * o[0..*n) (which starts with '/'), collapsing "//", "." and "..".
 * Writes at most len + 1 bytes past *n.
 */
static void
norm_append(char *o, size_t *n, const char *path, size_t len)
{
	size_t i = 0, seg, slen, k = *n;

	while (i < len) {
		while (i < len && path[i] == '/')
			i++;
		seg = i;
		while (i < len && path[i] != '/')
			i++;
		slen = i - seg;
		if (slen == 0 || (slen == 1 && path[seg] == '.'))
			continue;
		if (slen == 2 && path[seg] == '.' && path[seg + 1] == '.') {
			/* drop the last component, never above "/" */
			while (k > 1 && o[k - 1] != '/')
				k--;
			if (k > 1)
				k--;
			continue;
		}
		if (k > 1)
			o[k++] = '/';
		memcpy(o + k, path + seg, slen);
		k += slen;
	}
	*n = k;
}

/*
 * Both write in place after one reservation: this runs on every open,
 * and a growable buffer's calls per component cost more than the work.
 */
void
state_path_normalize(const char *path, size_t len, struct sbuf *out)
{
	size_t n = 1;
	char *o;

	sbuf_reserve(out, len + 1);
	o = out->buf + out->len;
	o[0] = '/';
	norm_append(o, &n, path, len);
	out->len += n;
	out->buf[out->len] = '\0';
}

void
state_path_resolve(const char *dir, const char *path, struct sbuf *out)
{
	size_t dl, pl = strlen(path), n = 1;
	char *o;

	if (path[0] == '/' || dir == NULL || dir[0] == '\0') {
		state_path_normalize(path, pl, out);
		return;
	}
	/* the same as normalising dir + "/" + path */
	dl = strlen(dir);
	sbuf_reserve(out, dl + pl + 2);
	o = out->buf + out->len;
	o[0] = '/';
	norm_append(o, &n, dir, dl);
	norm_append(o, &n, path, pl);
	out->len += n;
	out->buf[out->len] = '\0';
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The id in one path component, or 0. */
static int
id_of_component(const char *c, size_t n, int bare_ok, char id[65])
{
	static const char *const prefixes[] = {
		"docker-", "libpod-", "cri-containerd-", "crio-", NULL
	};
	size_t i, plen;
	int prefixed = 0;

	if (n > 6 && memcmp(c + n - 6, ".scope", 6) == 0)
		n -= 6;
	for (i = 0; prefixes[i] != NULL; i++) {
		plen = strlen(prefixes[i]);
		if (n > plen && memcmp(c, prefixes[i], plen) == 0) {
			c += plen;
			n -= plen;
			prefixed = 1;
			break;
		}
	}
	if (n != 64 || !is_hex(c, n) || (!prefixed && !bare_ok))
		return 0;
	memcpy(id, c, 64);
	id[64] = '\0';
	return 1;
}

/*
 * The id in one cgroup path, or 0.  Runtime-prefixed components count
 * anywhere (podman nests "libpod-<id>.scope/container"); a bare 64-hex
 * component only below docker/ or a kubepods tree.
 */
static int
id_of_path(const char *p, size_t len, char id[65])
{
	const char *end = p + len, *c = p, *slash;
	int bare_ok = memmem(p, len, "/docker/", 8) != NULL ||
	    memmem(p, len, "kubepods", 8) != NULL;

	while (c < end) {
		slash = memchr(c, '/', (size_t)(end - c));
		if (slash == NULL)
			slash = end;
		if (id_of_component(c, (size_t)(slash - c), bare_ok, id))
			return 1;
		c = slash + 1;
	}
	return 0;
}

int
state_container_id(const char *cgroups, size_t len, char id[65])
{
	const char *p = cgroups, *end, *e, *eq;

	id[0] = '\0';
	if (cgroups == NULL)
		return 0;
	end = cgroups + len;
	while (p < end) {
		e = memchr(p, '\0', (size_t)(end - p));
		if (e == NULL)
			e = end;
		eq = memchr(p, '=', (size_t)(e - p));
		eq = eq != NULL ? eq + 1 : p;
		if (id_of_path(eq, (size_t)(e - eq), id))
			return 1;
		p = e + 1;
	}
	return 0;
}

const char *
state_fdtype_name(uint8_t type)
{
	switch (type) {
	case STFD_FILE: return "file";
	case STFD_DIRECTORY: return "directory";
	case STFD_IPV4: case STFD_IPV4_SERVER: return "ipv4";
	case STFD_IPV6: case STFD_IPV6_SERVER: return "ipv6";
	case STFD_FIFO: return "pipe";
	case STFD_UNIX: return "unix";
	case STFD_EVENT: return "event";
	case STFD_SIGNALFD: return "signalfd";
	case STFD_EVENTPOLL: return "eventpoll";
	case STFD_INOTIFY: return "inotify";
	case STFD_TIMERFD: return "timerfd";
	case STFD_NETLINK: return "netlink";
	case STFD_BPF: return "bpf";
	case STFD_USERFAULTFD: return "userfaultfd";
	case STFD_IOURING: return "io_uring";
	case STFD_MEMFD: return "memfd";
	case STFD_PIDFD: return "pidfd";
	default: return "<NA>";
	}
}

char
state_fdtype_char(uint8_t type)
{
	switch (type) {
	case STFD_FILE: return 'f';
	case STFD_DIRECTORY: return 'd';
	case STFD_IPV4: case STFD_IPV4_SERVER: return '4';
	case STFD_IPV6: case STFD_IPV6_SERVER: return '6';
	case STFD_FIFO: return 'p';
	case STFD_UNIX: return 'u';
	case STFD_EVENT: return 'e';
	case STFD_SIGNALFD: return 's';
	case STFD_EVENTPOLL: return 'l';
	case STFD_INOTIFY: return 'i';
	case STFD_TIMERFD: return 't';
	case STFD_NETLINK: return 'n';
	case STFD_BPF: return 'b';
	case STFD_USERFAULTFD: return 'u';
	case STFD_IOURING: return 'r';
	case STFD_MEMFD: return 'm';
	case STFD_PIDFD: return 'P';
	default: return 'o';
	}
}
