/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process actions of the driver tests (tests/bpf/t_bpf_procs.sh,
 * tests/live/t_procs.sh) that need a real program rather than a script:
 *
 *	live_procs reaper DIR	become a child subreaper, run
 *				DIR/lv_middle, which forks an orphan and
 *				exits at once; the orphan waits to be
 *				adopted, then writes "pid ppid" into
 *				DIR/orphan.  Once both are reaped, writes
 *				"reaper middle orphan" pids into
 *				DIR/reaper.out.
 *	live_procs middle DIR	the middle process above (run by reaper).
 *	live_procs vfork	vfork(2) a child that exits at once; prints
 *				the child's pid.
 *
 * Exits non-zero with a message on stderr when a step fails.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
put_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		err(1, "open %s", path);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err(1, "write %s", path);
	close(fd);
}

/* The orphan: wait (at most 5 s) until the exit of its parent is done. */
static void
orphan(const char *dir, pid_t parent)
{
	struct timespec ms = { 0, 1000000 };
	char text[64];
	int i;

	for (i = 0; i < 5000 && getppid() == parent; i++)
		nanosleep(&ms, NULL);
	snprintf(text, sizeof(text), "%d %d\n", (int)getpid(),
	    (int)getppid());
	put_file(dir, "orphan", text);
	_exit(0);
}

static int
middle(const char *dir)
{
	pid_t me = getpid(), pid;

	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0)
		orphan(dir, me);
	/* Exit with a child still running: it needs a new parent. */
	_exit(0);
}

static int
reaper(const char *dir)
{
	char path[PATH_MAX], text[96];
	pid_t mid, pid, orph = -1;
	int status;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1)
		err(1, "PR_SET_CHILD_SUBREAPER");
	snprintf(path, sizeof(path), "%s/lv_middle", dir);
	if ((mid = fork()) == -1)
		err(1, "fork");
	if (mid == 0) {
		execl(path, "lv_middle", "middle", dir, (char *)NULL);
		err(1, "exec %s", path);
	}
	/* The middle first, then the orphan we adopted. */
	while ((pid = wait(&status)) != -1) {
		if (pid != mid)
			orph = pid;
	}
	if (errno != ECHILD)
		err(1, "wait");
	if (orph == -1)
		errx(1, "the orphan was not adopted");
	snprintf(text, sizeof(text), "%d %d %d\n", (int)getpid(), (int)mid,
	    (int)orph);
	put_file(dir, "reaper.out", text);
	return 0;
}

static int
do_vfork(void)
{
	pid_t pid;

	if ((pid = vfork()) == -1)
		err(1, "vfork");
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, NULL, 0) == -1)
		err(1, "waitpid");
	printf("%d\n", (int)pid);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "reaper") == 0)
		return reaper(argv[2]);
	if (argc == 3 && strcmp(argv[1], "middle") == 0)
		return middle(argv[2]);
	if (argc == 2 && strcmp(argv[1], "vfork") == 0)
		return do_vfork();
	fprintf(stderr, "usage: live_procs reaper|middle DIR | vfork\n");
	return 2;
}
