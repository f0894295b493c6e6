/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field extractors: the values of evt.*, proc.*, thread.*, user.*,
 * group.*, fd.*, fs.path.*, container.* and k8s.* fields for one event,
 * read from the event and the state, with Falco's meaning.
 *
 * Every field name is mapped once (engine_fields_init()) to an opcode;
 * extraction is a switch on it.  A value that does not exist is "not
 * available" (out->n = 0), which makes every comparison false.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container/container.h"
#include "engine/engine.h"
#include "engine/engine_int.h"
#include "filter/filter.h"
#include "state/state.h"
#include "util/xmalloc.h"

enum op {
	O_NONE = 0,
	/* evt */
	O_EVT_NUM, O_EVT_TIME, O_EVT_TIME_S, O_EVT_TIME_ISO, O_EVT_DATETIME,
	O_EVT_DATETIME_S, O_EVT_RAWTIME, O_EVT_RAWTIME_S, O_EVT_RAWTIME_NS,
	O_EVT_RELTIME, O_EVT_RELTIME_S, O_EVT_RELTIME_NS, O_EVT_SOURCE,
	O_EVT_IS_ASYNC, O_EVT_HOSTNAME, O_EVT_DIR, O_EVT_TYPE, O_EVT_TYPE_IS,
	O_SYSCALL_TYPE, O_EVT_CATEGORY, O_EVT_CPU, O_EVT_ARGS, O_EVT_ARG,
	O_EVT_RAWARG, O_EVT_BUFFER, O_EVT_BUFLEN, O_EVT_RES, O_EVT_RAWRES,
	O_EVT_FAILED, O_EVT_IS_IO, O_EVT_IS_IO_READ, O_EVT_IS_IO_WRITE,
	O_EVT_IO_DIR, O_EVT_IS_WAIT, O_EVT_COUNT, O_EVT_OPEN_READ,
	O_EVT_OPEN_WRITE, O_EVT_OPEN_EXEC, O_EVT_OPEN_CREATE, O_EVT_ABSPATH,
	/* proc / thread */
	O_P_EXE, O_P_PEXE, O_P_AEXE, O_P_EXEPATH, O_P_PEXEPATH, O_P_AEXEPATH,
	O_P_NAME, O_P_PNAME, O_P_ANAME, O_P_ARGS, O_P_CMDLINE, O_P_PCMDLINE,
	O_P_ACMDLINE, O_P_CMDNARGS, O_P_CMDLENARGS, O_P_EXELINE, O_P_ENV,
	O_P_CWD, O_P_TTY, O_P_PID, O_P_PPID, O_P_APID, O_P_VPID, O_P_PVPID,
	O_P_SID, O_P_SNAME, O_P_SID_EXE, O_P_SID_EXEPATH, O_P_VPGID,
	O_P_VPGID_NAME, O_P_VPGID_EXE, O_P_VPGID_EXEPATH, O_P_PGID,
	O_P_PGID_NAME, O_P_PGID_EXE, O_P_PGID_EXEPATH, O_P_DURATION,
	O_P_PPID_DURATION, O_P_PID_TS, O_P_PPID_TS, O_P_EXE_WRITABLE,
	O_P_EXE_UPPER, O_P_EXE_LOWER, O_P_EXE_MEMFD, O_P_IS_SID_LEADER,
	O_P_IS_VPGID_LEADER, O_P_IS_PGID_LEADER, O_P_EXE_INO,
	O_P_EXE_INO_CTIME, O_P_EXE_INO_MTIME, O_P_EXE_INO_CTIME_DUR,
	O_P_PIDNS_TS, O_T_CAP_PERM, O_T_CAP_INH, O_T_CAP_EFF,
	O_P_FDOPENCOUNT, O_P_FDLIMIT, O_P_FDUSAGE, O_P_VMSIZE, O_P_VMRSS,
	O_P_VMSWAP, O_T_PFMAJOR, O_T_PFMINOR, O_T_TID, O_T_ISMAIN, O_T_VTID,
	O_T_CGROUPS, O_T_CGROUP, O_P_NTHREADS, O_P_NCHILDS, O_T_VMSIZE,
	O_T_VMRSS, O_P_STDIN_TYPE, O_P_STDOUT_TYPE, O_P_STDERR_TYPE,
	O_P_STDIN_NAME, O_P_STDOUT_NAME, O_P_STDERR_NAME, O_P_LOGINSHELLID,
	/* user / group */
	O_U_UID, O_U_NAME, O_U_HOMEDIR, O_U_SHELL, O_U_LOGINUID,
	O_U_LOGINNAME, O_G_GID, O_G_NAME,
	/* fd */
	O_FD_NUM, O_FD_TYPE, O_FD_TYPECHAR, O_FD_NAME, O_FD_DIRECTORY,
	O_FD_FILENAME, O_FD_IP, O_FD_CIP, O_FD_SIP, O_FD_LIP, O_FD_RIP,
	O_FD_PORT, O_FD_CPORT, O_FD_SPORT, O_FD_LPORT, O_FD_RPORT,
	O_FD_L4PROTO, O_FD_SOCKFAMILY, O_FD_IS_SERVER, O_FD_NET, O_FD_CNET,
	O_FD_SNET, O_FD_LNET, O_FD_RNET, O_FD_CONNECTED, O_FD_NAME_CHANGED,
	O_FD_DEV, O_FD_DEV_MAJOR, O_FD_DEV_MINOR, O_FD_INO, O_FD_NAMERAW,
	O_FD_UPPER, O_FD_LOWER, O_FD_TYPES,
	/* fs.path */
	O_FS_NAME, O_FS_NAMERAW, O_FS_SOURCE, O_FS_SOURCERAW, O_FS_TARGET,
	O_FS_TARGETRAW,
	/* container / k8s */
	O_C_ID, O_C_FULL_ID, O_C_NAME, O_C_TYPE, O_C_IMAGE, O_C_IMAGE_ID,
	O_C_PRIVILEGED, O_C_MOUNTS, O_C_MOUNT, O_C_MOUNT_SOURCE,
	O_C_MOUNT_DEST, O_C_MOUNT_MODE, O_C_MOUNT_RDWR, O_C_MOUNT_PROP,
	O_C_IMAGE_REPO, O_C_IMAGE_TAG, O_C_IMAGE_DIGEST, O_C_START_TS,
	O_C_DURATION, O_C_IP, O_C_LABEL, O_C_LABELS, O_K8S_POD_NAME,
	O_K8S_POD_UID, O_K8S_SANDBOX, O_K8S_FULL_SANDBOX, O_K8S_POD_LABEL,
	O_K8S_POD_LABELS, O_K8S_NS, O_C_OTHER,
	O_MAX
};

static const struct {
	const char	*name;
	uint16_t	 op;
} optab[] = {
	{ "evt.num", O_EVT_NUM }, { "evt.time", O_EVT_TIME },
	{ "evt.time.s", O_EVT_TIME_S }, { "evt.time.iso8601", O_EVT_TIME_ISO },
	{ "evt.outputtime", O_EVT_TIME },
	{ "evt.datetime", O_EVT_DATETIME },
	{ "evt.datetime.s", O_EVT_DATETIME_S },
	{ "evt.rawtime", O_EVT_RAWTIME }, { "evt.rawtime.s", O_EVT_RAWTIME_S },
	{ "evt.rawtime.ns", O_EVT_RAWTIME_NS },
	{ "evt.reltime", O_EVT_RELTIME }, { "evt.reltime.s", O_EVT_RELTIME_S },
	{ "evt.reltime.ns", O_EVT_RELTIME_NS },
	{ "evt.source", O_EVT_SOURCE }, { "evt.is_async", O_EVT_IS_ASYNC },
	{ "evt.hostname", O_EVT_HOSTNAME }, { "evt.dir", O_EVT_DIR },
	{ "evt.type", O_EVT_TYPE }, { "evt.type.is", O_EVT_TYPE_IS },
	{ "syscall.type", O_SYSCALL_TYPE }, { "evt.category", O_EVT_CATEGORY },
	{ "evt.cpu", O_EVT_CPU }, { "evt.args", O_EVT_ARGS },
	{ "evt.info", O_EVT_ARGS }, { "evt.arg", O_EVT_ARG },
	{ "evt.rawarg", O_EVT_RAWARG }, { "evt.buffer", O_EVT_BUFFER },
	{ "evt.buflen", O_EVT_BUFLEN }, { "evt.res", O_EVT_RES },
	{ "evt.rawres", O_EVT_RAWRES }, { "evt.failed", O_EVT_FAILED },
	{ "evt.is_io", O_EVT_IS_IO }, { "evt.is_io_read", O_EVT_IS_IO_READ },
	{ "evt.is_io_write", O_EVT_IS_IO_WRITE },
	{ "evt.io_dir", O_EVT_IO_DIR }, { "evt.is_wait", O_EVT_IS_WAIT },
	{ "evt.count", O_EVT_COUNT },
	{ "evt.is_open_read", O_EVT_OPEN_READ },
	{ "evt.is_open_write", O_EVT_OPEN_WRITE },
	{ "evt.is_open_exec", O_EVT_OPEN_EXEC },
	{ "evt.is_open_create", O_EVT_OPEN_CREATE },
	{ "evt.abspath", O_EVT_ABSPATH },
	{ "proc.exe", O_P_EXE }, { "proc.pexe", O_P_PEXE },
	{ "proc.aexe", O_P_AEXE }, { "proc.exepath", O_P_EXEPATH },
	{ "proc.pexepath", O_P_PEXEPATH }, { "proc.aexepath", O_P_AEXEPATH },
	{ "proc.name", O_P_NAME }, { "proc.pname", O_P_PNAME },
	{ "proc.aname", O_P_ANAME }, { "proc.args", O_P_ARGS },
	{ "proc.cmdline", O_P_CMDLINE }, { "proc.pcmdline", O_P_PCMDLINE },
	{ "proc.acmdline", O_P_ACMDLINE }, { "proc.cmdnargs", O_P_CMDNARGS },
	{ "proc.cmdlenargs", O_P_CMDLENARGS }, { "proc.exeline", O_P_EXELINE },
	{ "proc.env", O_P_ENV }, { "proc.cwd", O_P_CWD },
	{ "proc.tty", O_P_TTY }, { "proc.pid", O_P_PID },
	{ "proc.ppid", O_P_PPID }, { "proc.apid", O_P_APID },
	{ "proc.vpid", O_P_VPID }, { "proc.pvpid", O_P_PVPID },
	{ "proc.sid", O_P_SID }, { "proc.sname", O_P_SNAME },
	{ "proc.sid.exe", O_P_SID_EXE },
	{ "proc.sid.exepath", O_P_SID_EXEPATH },
	{ "proc.vpgid", O_P_VPGID }, { "proc.vpgid.name", O_P_VPGID_NAME },
	{ "proc.vpgid.exe", O_P_VPGID_EXE },
	{ "proc.vpgid.exepath", O_P_VPGID_EXEPATH },
	{ "proc.pgid", O_P_PGID }, { "proc.pgid.name", O_P_PGID_NAME },
	{ "proc.pgid.exe", O_P_PGID_EXE },
	{ "proc.pgid.exepath", O_P_PGID_EXEPATH },
	{ "proc.duration", O_P_DURATION },
	{ "proc.ppid.duration", O_P_PPID_DURATION },
	{ "proc.pid.ts", O_P_PID_TS }, { "proc.ppid.ts", O_P_PPID_TS },
	{ "proc.is_exe_writable", O_P_EXE_WRITABLE },
	{ "proc.is_exe_upper_layer", O_P_EXE_UPPER },
	{ "proc.is_exe_lower_layer", O_P_EXE_LOWER },
	{ "proc.is_exe_from_memfd", O_P_EXE_MEMFD },
	{ "proc.is_sid_leader", O_P_IS_SID_LEADER },
	{ "proc.is_vpgid_leader", O_P_IS_VPGID_LEADER },
	{ "proc.is_pgid_leader", O_P_IS_PGID_LEADER },
	{ "proc.exe_ino", O_P_EXE_INO },
	{ "proc.exe_ino.ctime", O_P_EXE_INO_CTIME },
	{ "proc.exe_ino.mtime", O_P_EXE_INO_MTIME },
	{ "proc.exe_ino.ctime_duration_proc_start", O_P_EXE_INO_CTIME_DUR },
	{ "proc.pidns_init_start_ts", O_P_PIDNS_TS },
	{ "thread.cap_permitted", O_T_CAP_PERM },
	{ "thread.cap_inheritable", O_T_CAP_INH },
	{ "thread.cap_effective", O_T_CAP_EFF },
	{ "proc.fdopencount", O_P_FDOPENCOUNT },
	{ "proc.fdlimit", O_P_FDLIMIT },
	{ "proc.fdusage", O_P_FDUSAGE }, { "proc.vmsize", O_P_VMSIZE },
	{ "proc.vmrss", O_P_VMRSS }, { "proc.vmswap", O_P_VMSWAP },
	{ "thread.pfmajor", O_T_PFMAJOR }, { "thread.pfminor", O_T_PFMINOR },
	{ "thread.tid", O_T_TID }, { "thread.ismain", O_T_ISMAIN },
	{ "thread.vtid", O_T_VTID }, { "thread.cgroups", O_T_CGROUPS },
	{ "thread.cgroup", O_T_CGROUP }, { "proc.nthreads", O_P_NTHREADS },
	{ "proc.nchilds", O_P_NCHILDS }, { "thread.vmsize", O_T_VMSIZE },
	{ "thread.vmrss", O_T_VMRSS },
	{ "proc.stdin.type", O_P_STDIN_TYPE },
	{ "proc.stdout.type", O_P_STDOUT_TYPE },
	{ "proc.stderr.type", O_P_STDERR_TYPE },
	{ "proc.stdin.name", O_P_STDIN_NAME },
	{ "proc.stdout.name", O_P_STDOUT_NAME },
	{ "proc.stderr.name", O_P_STDERR_NAME },
	{ "proc.loginshellid", O_P_LOGINSHELLID },
	{ "user.uid", O_U_UID }, { "user.name", O_U_NAME },
	{ "user.homedir", O_U_HOMEDIR }, { "user.shell", O_U_SHELL },
	{ "user.loginuid", O_U_LOGINUID }, { "user.loginname", O_U_LOGINNAME },
	{ "group.gid", O_G_GID }, { "group.name", O_G_NAME },
	{ "fd.num", O_FD_NUM }, { "fd.type", O_FD_TYPE },
	{ "fd.typechar", O_FD_TYPECHAR }, { "fd.name", O_FD_NAME },
	{ "fd.directory", O_FD_DIRECTORY }, { "fd.filename", O_FD_FILENAME },
	{ "fd.ip", O_FD_IP }, { "fd.cip", O_FD_CIP }, { "fd.sip", O_FD_SIP },
	{ "fd.lip", O_FD_LIP }, { "fd.rip", O_FD_RIP },
	{ "fd.port", O_FD_PORT }, { "fd.cport", O_FD_CPORT },
	{ "fd.sport", O_FD_SPORT }, { "fd.lport", O_FD_LPORT },
	{ "fd.rport", O_FD_RPORT }, { "fd.l4proto", O_FD_L4PROTO },
	{ "fd.sockfamily", O_FD_SOCKFAMILY },
	{ "fd.is_server", O_FD_IS_SERVER },
	{ "fd.net", O_FD_NET }, { "fd.cnet", O_FD_CNET },
	{ "fd.snet", O_FD_SNET }, { "fd.lnet", O_FD_LNET },
	{ "fd.rnet", O_FD_RNET }, { "fd.connected", O_FD_CONNECTED },
	{ "fd.name_changed", O_FD_NAME_CHANGED }, { "fd.dev", O_FD_DEV },
	{ "fd.dev.major", O_FD_DEV_MAJOR }, { "fd.dev.minor", O_FD_DEV_MINOR },
	{ "fd.ino", O_FD_INO }, { "fd.nameraw", O_FD_NAMERAW },
	{ "fd.is_upper_layer", O_FD_UPPER },
	{ "fd.is_lower_layer", O_FD_LOWER }, { "fd.types", O_FD_TYPES },
	{ "fs.path.name", O_FS_NAME }, { "fs.path.nameraw", O_FS_NAMERAW },
	{ "fs.path.source", O_FS_SOURCE },
	{ "fs.path.sourceraw", O_FS_SOURCERAW },
	{ "fs.path.target", O_FS_TARGET },
	{ "fs.path.targetraw", O_FS_TARGETRAW },
	{ "container.id", O_C_ID }, { "container.full_id", O_C_FULL_ID },
	{ "container.name", O_C_NAME }, { "container.type", O_C_TYPE },
	{ "container.image", O_C_IMAGE }, { "container.image.id", O_C_IMAGE_ID },
	{ "container.privileged", O_C_PRIVILEGED },
	{ "container.mounts", O_C_MOUNTS }, { "container.mount", O_C_MOUNT },
	{ "container.mount.source", O_C_MOUNT_SOURCE },
	{ "container.mount.dest", O_C_MOUNT_DEST },
	{ "container.mount.mode", O_C_MOUNT_MODE },
	{ "container.mount.rdwr", O_C_MOUNT_RDWR },
	{ "container.mount.propagation", O_C_MOUNT_PROP },
	{ "container.image.repository", O_C_IMAGE_REPO },
	{ "container.image.tag", O_C_IMAGE_TAG },
	{ "container.image.digest", O_C_IMAGE_DIGEST },
	{ "container.start_ts", O_C_START_TS },
	{ "container.duration", O_C_DURATION }, { "container.ip", O_C_IP },
	{ "container.label", O_C_LABEL }, { "container.labels", O_C_LABELS },
	{ "k8s.pod.name", O_K8S_POD_NAME }, { "k8s.pod.id", O_K8S_POD_UID },
	{ "k8s.pod.uid", O_K8S_POD_UID },
	{ "k8s.pod.sandbox_id", O_K8S_SANDBOX },
	{ "k8s.pod.full_sandbox_id", O_K8S_FULL_SANDBOX },
	{ "k8s.pod.label", O_K8S_POD_LABEL },
	{ "k8s.pod.labels", O_K8S_POD_LABELS }, { "k8s.ns.name", O_K8S_NS },
};

/* Opcodes of each registered class, indexed by field id. */
#define MAXCLASSES	32
static struct {
	const struct field_class *cls;
	uint16_t	*ops;
} cmaps[MAXCLASSES];
static size_t ncmaps;

static const char *const capnames[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

/* ---- per-event-type facts ------------------------------------------ */

/* The fd an event is about: index of its fd parameter, or -1. */
static int8_t evfd_idx[FE_MAX];
static uint8_t evfd_creates[FE_MAX];
static uint8_t ev_is_open[FE_MAX];	/* open, openat, openat2, ... */
static uint8_t ev_is_creat[FE_MAX];
static int8_t ev_flags_idx[FE_MAX];
/* The "mode" and "data" parameters (open flags, evt.buffer), or -1. */
static int8_t ev_mode_idx[FE_MAX], ev_data_idx[FE_MAX];
/* fs.path: one path (name) or two (source, target); -1 absent. */
static int8_t fs_name_idx[FE_MAX], fs_src_idx[FE_MAX], fs_dst_idx[FE_MAX];

static void
evfacts_init(void)
{
	size_t id, i;

	for (id = 0; id < FE_MAX; id++) {
		const struct schema_event *e = schema_event((uint16_t)id);
		int paths[4], np = 0, target = -1;

		evfd_idx[id] = -1;
		ev_flags_idx[id] = -1;
		ev_mode_idx[id] = (int8_t)schema_param_index((uint16_t)id,
		    "mode");
		ev_data_idx[id] = (int8_t)schema_param_index((uint16_t)id,
		    "data");
		fs_name_idx[id] = fs_src_idx[id] = fs_dst_idx[id] = -1;
		if (e == NULL || e->name == NULL)
			continue;
		evfd_creates[id] = (e->flags & EF_CREATES_FD) != 0;
		ev_is_open[id] = strcmp(e->name, "open") == 0 ||
		    strcmp(e->name, "openat") == 0 ||
		    strcmp(e->name, "openat2") == 0 ||
		    strcmp(e->name, "creat") == 0 ||
		    strcmp(e->name, "open_by_handle_at") == 0;
		ev_is_creat[id] = strcmp(e->name, "creat") == 0;
		for (i = 0; i < e->nparams; i++) {
			const struct schema_param *p = &e->params[i];

			if (p->type == PT_FD && strcmp(p->name, "fd") == 0 &&
			    evfd_idx[id] < 0)
				evfd_idx[id] = (int8_t)i;
			if (strcmp(p->name, "flags") == 0)
				ev_flags_idx[id] = (int8_t)i;
			if ((p->type == PT_FSPATH ||
			    p->type == PT_FSRELPATH) && np < 4 &&
			    strcmp(p->name, "trusted_exepath") != 0 &&
			    strcmp(p->name, "filename") != 0)
				paths[np++] = (int)i;
			if (strcmp(p->name, "target") == 0 &&
			    p->type == PT_CHARBUF)
				target = (int)i;
			if (strcmp(p->name, "filename") == 0 &&
			    (p->type == PT_FSPATH ||
			    p->type == PT_FSRELPATH) &&
			    strncmp(e->name, "execve", 6) != 0)
				paths[np++] = (int)i;
		}
		/* dup*, eventfd...: the new fd is the result */
		if (strncmp(e->name, "dup", 3) == 0)
			evfd_idx[id] = 0;
		else if (evfd_idx[id] < 0 && e->nparams > 0 &&
		    e->params[0].type == PT_FD && evfd_creates[id] &&
		    !schema_is_enter((uint16_t)id))
			evfd_idx[id] = 0;
		if (target >= 0 && np == 1) {
			fs_src_idx[id] = (int8_t)target;
			fs_dst_idx[id] = (int8_t)paths[0];
		} else if (np == 2) {
			fs_src_idx[id] = (int8_t)paths[0];
			fs_dst_idx[id] = (int8_t)paths[1];
		} else if (np == 1)
			fs_name_idx[id] = (int8_t)paths[0];
	}
}

void
engine_fields_init(void)
{
	size_t c, i, k;
	static int done;

	if (done)
		return;
	done = 1;
	fields_init();
	evfacts_init();
	for (c = 0; c < fields_nclasses() && ncmaps < MAXCLASSES; c++) {
		const struct field_class *cls = fields_class(c);

		if (cls->source == NULL || strcmp(cls->source, "syscall") != 0)
			continue;
		cmaps[ncmaps].cls = cls;
		cmaps[ncmaps].ops = xcalloc(cls->nfields ? cls->nfields : 1,
		    sizeof(uint16_t));
		for (i = 0; i < cls->nfields; i++) {
			for (k = 0; k < sizeof(optab) / sizeof(optab[0]); k++)
				if (strcmp(optab[k].name,
				    cls->fields[i].name) == 0)
					break;
			if (k < sizeof(optab) / sizeof(optab[0]))
				cmaps[ncmaps].ops[i] = optab[k].op;
			else if (strncmp(cls->fields[i].name, "container.",
			    10) == 0 || strncmp(cls->fields[i].name, "k8s.",
			    4) == 0)
				cmaps[ncmaps].ops[i] = O_C_OTHER;
		}
		ncmaps++;
		(void)fields_set_extractor(cls->name, engine_extract);
	}
}

/* Direct-mapped cache of class -> opcode table: extraction is hot. */
#define OPCACHE	16
static __thread struct {
	const struct field_class *cls;
	const uint16_t	*ops;
} opcache[OPCACHE];

static uint16_t
op_of(const struct field_ref *ref)
{
	size_t i, h = ((uintptr_t)ref->cls >> 4) % OPCACHE;

	if (ref->id >= ref->cls->nfields)
		return O_NONE;
	if (opcache[h].cls == ref->cls)
		return opcache[h].ops[ref->id];
	for (i = 0; i < ncmaps; i++) {
		if (cmaps[i].cls == ref->cls) {
			opcache[h].cls = ref->cls;
			opcache[h].ops = cmaps[i].ops;
			return cmaps[i].ops[ref->id];
		}
	}
	return O_NONE;
}

/* ---- context ------------------------------------------------------- */

/* One memoised value of an argument-less field (see memo_ok below). */
struct memo {
	uint64_t	 evnum;
	const struct fevt *ev;
	uint8_t		 n;
	struct fval	 v;
};

/*
 * evt.arg text of a parameter whose rendering is a function of its raw
 * bytes alone (numbers, errno, flags, modes, signals), by event type,
 * parameter and value: "evt.arg.flags contains O_CREAT" runs on every
 * open, and rendering flags costs thousands of instructions where the
 * lookup costs a few.  text.buf NULL: an empty slot.
 */
#define ARGCACHE	64
struct argent {
	uint16_t	 type;
	uint8_t		 idx;
	uint8_t		 len;
	uint64_t	 raw;
	struct sbuf	 text;
};

/* Index of the parameter evt.arg.NAME names, by name and event type
   (a copy of the name: references come and go with rule reloads). */
#define ARGIDX		64
#define ARGNAME		32
struct argidx {
	uint16_t	 type;
	int16_t		 idx;
	char		 name[ARGNAME];	/* "": an empty slot */
};

/* What c->memo points to, allocated on first use. */
struct xcache {
	struct memo	 m[O_MAX];
	struct argent	 arg[ARGCACHE];
	struct argidx	 ai[ARGIDX];
};

static struct xcache *
xcache(struct engine_ctx *c)
{
	if (c->memo == NULL)
		c->memo = xcalloc(1, sizeof(struct xcache));
	return c->memo;
}

void
engine_ctx_init(struct engine_ctx *c, struct state *st, const char *host)
{
	memset(c, 0, sizeof(*c));
	c->st = st;
	c->hostname = host;
}

void
engine_ctx_free(struct engine_ctx *c)
{
	size_t i;

	for (i = 0; i < ENGINE_SCRATCH; i++)
		sbuf_free(&c->scratch[i]);
	sbuf_free(&c->path);
	sbuf_free(&c->pathraw);
	if (c->memo != NULL) {
		struct xcache *x = c->memo;

		for (i = 0; i < ARGCACHE; i++)
			sbuf_free(&x->arg[i].text);
	}
	free(c->memo);
	container_rec_unref(c->crec);
}

static struct sbuf *
scratch(struct engine_ctx *c)
{
	struct sbuf *sb = &c->scratch[c->next++ % ENGINE_SCRATCH];

	sbuf_reset(sb);
	sbuf_put(sb, "", 0);
	return sb;
}

/* ---- value helpers ------------------------------------------------- */

static int
v_str(struct fvals *out, const char *s, size_t len)
{
	struct fval *v;

	if (out->n >= FVALS_MAX)
		return 0;
	v = &out->v[out->n++];
	v->type = FT_CHARBUF;
	v->v.s.p = s;
	v->v.s.len = len;
	return 0;
}

static int
v_cstr(struct fvals *out, const char *s)
{
	return s != NULL ? v_str(out, s, strlen(s)) : 0;
}

static int
v_sb(struct fvals *out, struct sbuf *sb)
{
	return v_str(out, sb->buf != NULL ? sb->buf : "", sb->len);
}

static int
v_i(struct fvals *out, enum ftype t, int64_t x)
{
	if (out->n >= FVALS_MAX)
		return 0;
	out->v[out->n].type = t;
	out->v[out->n++].v.i = x;
	return 0;
}

static int
v_u(struct fvals *out, enum ftype t, uint64_t x)
{
	if (out->n >= FVALS_MAX)
		return 0;
	out->v[out->n].type = t;
	out->v[out->n++].v.u = x;
	return 0;
}

static int
v_ip(struct fvals *out, enum ftype t, uint8_t af, const uint8_t *a)
{
	struct fval *v;

	if (out->n >= FVALS_MAX)
		return 0;
	v = &out->v[out->n++];
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->v.ip.af = af;
	v->v.ip.bits = af == 4 ? 32 : 128;
	memcpy(v->v.ip.a, a, af == 4 ? 4 : 16);
	return 0;
}

/* Parameter idx as a signed integer (by its length). */
static int
param_i64(const struct fevt *ev, int idx, int64_t *out)
{
	int8_t a;
	int16_t b;
	int32_t c;

	if (idx < 0 || idx >= ev->nparams)
		return -1;
	switch (ev->plen[idx]) {
	case 1: memcpy(&a, ev->param[idx], 1); *out = a; return 0;
	case 2: memcpy(&b, ev->param[idx], 2); *out = b; return 0;
	case 4: memcpy(&c, ev->param[idx], 4); *out = c; return 0;
	case 8: memcpy(out, ev->param[idx], 8); return 0;
	default: return -1;
	}
}

static int
param_u64(const struct fevt *ev, int idx, uint64_t *out)
{
	uint8_t a;
	uint16_t b;
	uint32_t c;

	if (idx < 0 || idx >= ev->nparams)
		return -1;
	switch (ev->plen[idx]) {
	case 1: memcpy(&a, ev->param[idx], 1); *out = a; return 0;
	case 2: memcpy(&b, ev->param[idx], 2); *out = b; return 0;
	case 4: memcpy(&c, ev->param[idx], 4); *out = c; return 0;
	case 8: memcpy(out, ev->param[idx], 8); return 0;
	default: return -1;
	}
}

/* A string parameter without its NUL. */
static const char *
param_str(const struct fevt *ev, int idx, size_t *len)
{
	size_t n;

	if (idx < 0 || idx >= ev->nparams || ev->plen[idx] == 0)
		return NULL;
	n = ev->plen[idx];
	if (ev->param[idx][n - 1] == '\0')
		n--;
	*len = n;
	return (const char *)ev->param[idx];
}

/* ---- times ----------------------------------------------------------- */

static void
fmt_time(struct sbuf *sb, uint64_t ts, int date, int ns, int iso)
{
	time_t sec = (time_t)(ts / 1000000000ULL);
	struct tm tm;
	char buf[64];

	if (iso)
		gmtime_r(&sec, &tm);
	else
		localtime_r(&sec, &tm);
	if (iso)
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	else if (date)
		strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	else
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	sbuf_puts(sb, buf);
	if (ns)
		sbuf_printf(sb, ".%09llu",
		    (unsigned long long)(ts % 1000000000ULL));
	if (iso)
		sbuf_puts(sb, "+0000");
}

/* ---- thread helpers -------------------------------------------------- */

/* A thread we only know by id: its strings are not available. */
static int
thread_known(const struct st_thread *t)
{
	return t != NULL && (t->comm[0] != '\0' || t->exe[0] != '\0');
}

static void
join_args(struct sbuf *sb, const struct st_thread *t)
{
	size_t i, start = sb->len;

	for (i = 0; i < t->args_len; i++)
		sbuf_putc(sb, t->args[i] == '\0' ? ' ' : t->args[i]);
	/* a trailing NUL leaves one blank at the end */
	while (sb->len > start && sb->buf[sb->len - 1] == ' ' &&
	    i > 0 && t->args[t->args_len - 1] == '\0') {
		sb->len--;
		sb->buf[sb->len] = '\0';
		break;
	}
}

static void
cmdline(struct sbuf *sb, const struct st_thread *t)
{
	sbuf_puts(sb, t->comm);
	if (t->args_len > 0 && !(t->args_len == 1 && t->args[0] == '\0')) {
		sbuf_putc(sb, ' ');
		join_args(sb, t);
	}
}

static struct st_thread *
ancestor(struct engine_ctx *c, struct st_thread *t, int64_t n)
{
	int64_t i;

	for (i = 0; i < n && t != NULL; i++)
		t = state_parent(c->st, t);
	return t;
}

/* The nth argument (0-based), or NULL. */
static const char *
nth_arg(const struct st_thread *t, int64_t n, size_t *len)
{
	size_t i = 0, start;
	int64_t k = 0;

	while (i < t->args_len) {
		start = i;
		while (i < t->args_len && t->args[i] != '\0')
			i++;
		if (k == n) {
			*len = i - start;
			return t->args + start;
		}
		k++;
		i++;
	}
	return NULL;
}

static const char *
env_lookup(const struct st_thread *t, const char *key, size_t *len)
{
	size_t i = 0, klen = strlen(key), start;

	while (i < t->env_len) {
		start = i;
		while (i < t->env_len && t->env[i] != '\0')
			i++;
		if (i - start > klen && memcmp(t->env + start, key, klen) == 0
		    && t->env[start + klen] == '=') {
			*len = i - start - klen - 1;
			return t->env + start + klen + 1;
		}
		i++;
	}
	return NULL;
}

static void
caps(struct sbuf *sb, uint64_t v)
{
	size_t i;
	int first = 1;

	for (i = 0; i < sizeof(capnames) / sizeof(capnames[0]); i++) {
		if (!(v & (1ULL << i)))
			continue;
		if (!first)
			sbuf_putc(sb, ' ');
		sbuf_puts(sb, capnames[i]);
		first = 0;
	}
}

/* One string field of a thread, by opcode family. */
enum tstr { TS_NAME, TS_EXE, TS_EXEPATH, TS_CMDLINE };

static int
thread_str(struct engine_ctx *c, struct st_thread *t, enum tstr w,
    struct fvals *out)
{
	struct sbuf *sb;

	if (!thread_known(t))
		return 0;
	switch (w) {
	case TS_NAME:
		return v_cstr(out, t->comm);
	case TS_EXE:
		return v_cstr(out, t->exe);
	case TS_EXEPATH:
		return v_cstr(out, t->exepath);
	case TS_CMDLINE:
		sb = scratch(c);
		cmdline(sb, t);
		return v_sb(out, sb);
	}
	return 0;
}

/* proc.aname and friends: [N] one ancestor, no arg every ancestor. */
static int
ancestors(struct engine_ctx *c, const struct field_ref *ref, enum tstr w,
    struct fvals *out)
{
	struct st_thread *a;
	int i;

	if (ref->has_arg)
		return thread_str(c, ancestor(c, c->t, ref->arg_index), w,
		    out);
	a = c->t;
	for (i = 0; i < 64 && out->n < FVALS_MAX; i++) {
		a = state_parent(c->st, a);
		if (a == NULL)
			break;
		(void)thread_str(c, a, w, out);
	}
	return 0;
}

/* Longest ancestry walked: a cycle in a damaged tree must end. */
#define MAXANCESTRY	256

/*
 * proc.loginshellid as libsinsp computes it: the pid of the topmost
 * process, from m (a main thread) up through its ancestors, whose name
 * ends in "sh"; not available when there is none.
 */
static int
loginshell(struct engine_ctx *c, struct st_thread *m, struct fvals *out)
{
	struct st_thread *a;
	int64_t pid = 0;
	size_t len;
	int i, found = 0;

	for (a = m, i = 0; a != NULL && i < MAXANCESTRY; i++) {
		len = strlen(a->comm);
		if (len >= 2 && a->comm[len - 2] == 's' &&
		    a->comm[len - 1] == 'h') {
			pid = a->pid;
			found = 1;
		}
		a = state_parent(c->st, a);
	}
	return found ? v_i(out, FT_INT64, pid) : 0;
}

/* ---- fds ------------------------------------------------------------- */

/* The fd number the event is about; 0 if none (for every event of a
   type without an fd parameter: engine_type_facts() relies on it). */
static int
event_fdnum(const struct engine_ctx *c, int64_t *fd)
{
	uint16_t type = c->ev->hdr->type;

	if (type >= FE_MAX || param_i64(c->ev, evfd_idx[type], fd) != 0)
		return 0;
	return 1;
}

/*
 * The fd entry of the event.  For an open that failed (or one whose
 * entry is gone), a temporary entry is built from the event's path, so
 * fd.name, fd.directory and fd.filename still describe the file.
 */
static const struct st_fd *
event_fd(struct engine_ctx *c)
{
	uint16_t type = c->ev->hdr->type;
	const struct schema_event *e;
	struct st_fd *f = NULL, *tmp = &c->fd_tmp;
	int64_t fd, dirfd = FE_AT_FDCWD;
	const char *path;
	size_t len, i;
	int pidx = -1, didx = -1;

	if (c->fd_evnum == c->evnum && c->fd_ev == c->ev)
		return c->fd_cached;
	c->fd_evnum = c->evnum;
	c->fd_ev = c->ev;
	c->fd_cached = NULL;
	if (!event_fdnum(c, &fd))
		return NULL;
	if (fd >= 0 && c->t != NULL)
		f = state_fd(c->st, c->t, fd);
	if (f != NULL || !ev_is_open[type])
		return c->fd_cached = f;
	e = schema_event(type);
	for (i = 0; i < e->nparams; i++) {
		if (e->params[i].type == PT_FSPATH ||
		    e->params[i].type == PT_FSRELPATH) {
			pidx = (int)i;
			didx = e->params[i].dirfd;
			break;
		}
	}
	if ((path = param_str(c->ev, pidx, &len)) == NULL)
		return NULL;
	if (didx >= 0)
		(void)param_i64(c->ev, didx, &dirfd);
	memset(tmp, 0, sizeof(*tmp));
	tmp->fd = fd < 0 ? -1 : fd;
	tmp->type = STFD_FILE;
	sbuf_reset(&c->path);
	engine_resolve_path(c, dirfd, path, len, &c->path);
	tmp->name = c->path.buf;
	sbuf_reset(&c->pathraw);
	sbuf_put(&c->pathraw, path, len);
	tmp->nameraw = c->pathraw.buf;
	return c->fd_cached = tmp;
}

static int
is_ip(const struct st_fd *f)
{
	return f->af == 4 || f->af == 6;
}

/* fd.typechar values (state_fdtype_char() as strings). */
static const char tc[32][2] = {
	[STFD_UNKNOWN] = "o", [STFD_FILE] = "f", [STFD_DIRECTORY] = "d",
	[STFD_IPV4] = "4", [STFD_IPV6] = "6", [STFD_IPV4_SERVER] = "4",
	[STFD_IPV6_SERVER] = "6", [STFD_FIFO] = "p", [STFD_UNIX] = "u",
	[STFD_EVENT] = "e", [STFD_UNSUPPORTED] = "o", [STFD_SIGNALFD] = "s",
	[STFD_EVENTPOLL] = "l", [STFD_INOTIFY] = "i", [STFD_TIMERFD] = "t",
	[STFD_NETLINK] = "n", [16] = "o", [STFD_BPF] = "b",
	[STFD_USERFAULTFD] = "u", [STFD_IOURING] = "r", [STFD_MEMFD] = "m",
	[STFD_PIDFD] = "P",
};

/* A listening socket has no client end yet. */
static int
has_client(const struct st_fd *f)
{
	return f->role == STFD_ROLE_CLIENT || f->cport != 0;
}

/* Lowest fd number of each fd type in a table (fd_types()). */
struct typescan {
	int64_t		 first[32];	/* -1: no fd of that type */
};

static int
typescan_one(void *arg, struct st_fd *f)
{
	struct typescan *ts = arg;
	uint8_t ty = f->type < 32 ? f->type : STFD_UNKNOWN;

	if (ts->first[ty] < 0 || f->fd < ts->first[ty])
		ts->first[ty] = f->fd;
	return 0;
}

/*
 * fd.types: on an event about fds, the distinct fd.type names of the
 * process's table (one value each, ordered by the lowest fd of that
 * type so the text form is stable); fd.types[N]: the type of fd N.
 */
static int
fd_types(struct engine_ctx *c, const struct field_ref *ref,
    struct fvals *out)
{
	const struct schema_event *e = schema_event(c->ev->hdr->type);
	const struct st_fd *f;
	struct typescan ts;
	const char *names[32];
	int64_t firsts[32];
	size_t i, j, n = 0;

	if (c->t == NULL || e == NULL || !(e->flags & (EF_CREATES_FD |
	    EF_USES_FD | EF_DESTROYS_FD)))
		return 0;
	if (ref->has_arg) {
		f = state_fd(c->st, c->t, ref->arg_index);
		return f != NULL ? v_cstr(out, state_fdtype_name(f->type)) : 0;
	}
	for (i = 0; i < 32; i++)
		ts.first[i] = -1;
	(void)state_fd_foreach(c->st, c->t, typescan_one, &ts);
	/* several types share a name (ipv4 and a listening ipv4) */
	for (i = 0; i < 32; i++) {
		const char *nm;

		if (ts.first[i] < 0)
			continue;
		nm = state_fdtype_name((uint8_t)i);
		for (j = 0; j < n && strcmp(names[j], nm) != 0; j++)
			;
		if (j < n) {
			if (ts.first[i] < firsts[j])
				firsts[j] = ts.first[i];
			continue;
		}
		names[n] = nm;
		firsts[n++] = ts.first[i];
	}
	/* insertion sort by first fd: n is a handful */
	for (i = 1; i < n; i++) {
		const char *nm = names[i];
		int64_t fi = firsts[i];

		for (j = i; j > 0 && firsts[j - 1] > fi; j--) {
			names[j] = names[j - 1];
			firsts[j] = firsts[j - 1];
		}
		names[j] = nm;
		firsts[j] = fi;
	}
	/* XXX an empty table gives "not available" (<NA>), where libsinsp
	   prints an empty list, "()": fvals cannot tell the two apart. */
	for (i = 0; i < n; i++)
		(void)v_cstr(out, names[i]);
	return 0;
}

static int
fd_field(struct engine_ctx *c, uint16_t op, const struct field_ref *ref,
    struct fvals *out)
{
	const struct st_fd *f;
	const char *slash;
	int64_t fdnum;
	int client;

	if (op == O_FD_NUM) {
		if (!event_fdnum(c, &fdnum))
			return 0;
		if (fdnum < 0 && evfd_creates[c->ev->hdr->type])
			fdnum = -1;
		return v_i(out, FT_INT64, fdnum);
	}
	if (op == O_FD_TYPES)
		return fd_types(c, ref, out);
	if ((f = event_fd(c)) == NULL)
		return 0;
	client = f->role == STFD_ROLE_CLIENT;
	switch (op) {
	case O_FD_TYPE:
		return v_cstr(out, state_fdtype_name(f->type));
	case O_FD_TYPECHAR:
		if (f->type >= 32 || tc[f->type][0] == '\0')
			return v_str(out, "o", 1);
		return v_str(out, tc[f->type], 1);
	case O_FD_NAME:
		return v_cstr(out, f->name);
	case O_FD_NAMERAW:
		return v_cstr(out, f->nameraw != NULL ? f->nameraw : f->name);
	case O_FD_DIRECTORY:
		if (f->type == STFD_DIRECTORY)
			return v_cstr(out, f->name);
		if (f->type != STFD_FILE ||
		    (slash = strrchr(f->name, '/')) == NULL)
			return 0;
		return v_str(out, f->name, slash == f->name ? 1 :
		    (size_t)(slash - f->name));
	case O_FD_FILENAME:
		if (f->type != STFD_FILE && f->type != STFD_DIRECTORY)
			return 0;
		slash = strrchr(f->name, '/');
		return v_cstr(out, slash != NULL ? slash + 1 : f->name);
	case O_FD_IP:
		if (!is_ip(f))
			return 0;
		if (has_client(f))
			(void)v_ip(out, FT_IPADDR, f->af, f->cip);
		return v_ip(out, FT_IPADDR, f->af, f->sip);
	case O_FD_CIP:
	case O_FD_CNET:
		if (!is_ip(f) || f->role == 0 || !has_client(f))
			return 0;
		return v_ip(out, op == O_FD_CIP ? FT_IPADDR : FT_IPNET, f->af,
		    f->cip);
	case O_FD_SIP:
	case O_FD_SNET:
		if (!is_ip(f))
			return 0;
		return v_ip(out, op == O_FD_SIP ? FT_IPADDR : FT_IPNET, f->af,
		    f->sip);
	case O_FD_LIP:
	case O_FD_LNET:
		if (!is_ip(f) || f->role == 0)
			return 0;
		return v_ip(out, op == O_FD_LIP ? FT_IPADDR : FT_IPNET, f->af,
		    client ? f->cip : f->sip);
	case O_FD_RIP:
	case O_FD_RNET:
		if (!is_ip(f) || f->role == 0 || (!client && !has_client(f)))
			return 0;
		return v_ip(out, op == O_FD_RIP ? FT_IPADDR : FT_IPNET, f->af,
		    client ? f->sip : f->cip);
	case O_FD_NET:
		if (!is_ip(f))
			return 0;
		(void)v_ip(out, FT_IPNET, f->af, f->cip);
		return v_ip(out, FT_IPNET, f->af, f->sip);
	case O_FD_PORT:
		if (!is_ip(f))
			return 0;
		(void)v_u(out, FT_PORT, f->cport);
		return v_u(out, FT_PORT, f->sport);
	case O_FD_CPORT:
		if (!is_ip(f) || f->role == 0 || !has_client(f))
			return 0;
		return v_u(out, FT_PORT, f->cport);
	case O_FD_SPORT:
		if (!is_ip(f))
			return 0;
		return v_u(out, FT_PORT, f->sport);
	case O_FD_LPORT:
		if (!is_ip(f) || f->role == 0)
			return 0;
		return v_u(out, FT_PORT, client ? f->cport : f->sport);
	case O_FD_RPORT:
		if (!is_ip(f) || f->role == 0 || (!client && !has_client(f)))
			return 0;
		return v_u(out, FT_PORT, client ? f->sport : f->cport);
	case O_FD_L4PROTO:
		/* like libs: unknown until the socket has a role */
		if (f->role == 0 && f->l4proto != ST_L4_RAW)
			return 0;
		switch (f->l4proto) {
		case ST_L4_TCP: return v_cstr(out, "tcp");
		case ST_L4_UDP: return v_cstr(out, "udp");
		case ST_L4_ICMP: return v_cstr(out, "icmp");
		case ST_L4_RAW: return v_cstr(out, "raw");
		default: return 0;
		}
	case O_FD_SOCKFAMILY:
		if (is_ip(f))
			return v_cstr(out, "ip");
		if (f->type == STFD_UNIX)
			return v_cstr(out, "unix");
		return 0;
	case O_FD_IS_SERVER:
		return v_u(out, FT_BOOL, f->role == STFD_ROLE_SERVER);
	case O_FD_CONNECTED:
		return v_u(out, FT_BOOL, f->role == STFD_ROLE_CLIENT);
	case O_FD_NAME_CHANGED:
		return v_u(out, FT_BOOL, 0);
	case O_FD_DEV:
		return v_i(out, FT_INT32, f->dev);
	case O_FD_DEV_MAJOR:
		return v_i(out, FT_INT32, (f->dev >> 20) & 0xfff);
	case O_FD_DEV_MINOR:
		return v_i(out, FT_INT32, f->dev & 0xfffff);
	case O_FD_INO:
		return v_i(out, FT_INT64, (int64_t)f->ino);
	case O_FD_UPPER: case O_FD_LOWER:
		/* a failed open has no fd entry, hence no layer */
		if (f == &c->fd_tmp)
			return 0;
		return v_u(out, FT_BOOL, (f->layer & (op == O_FD_UPPER ?
		    STFD_LAYER_UPPER : STFD_LAYER_LOWER)) != 0);
	default:
		(void)ref;
		return 0;
	}
}

static int
std_fd(struct engine_ctx *c, int64_t fd, int name, struct fvals *out)
{
	const struct st_fd *f = c->t != NULL ? state_fd(c->st, c->t, fd) :
	    NULL;

	if (f == NULL)
		return 0;
	return v_cstr(out, name ? f->name : state_fdtype_name(f->type));
}

/* ---- fs.path ----------------------------------------------------------- */

static int
fs_path(struct engine_ctx *c, int idx, int raw, struct fvals *out)
{
	const struct schema_event *e = schema_event(c->ev->hdr->type);
	const char *p;
	size_t len;
	int64_t dirfd = FE_AT_FDCWD;
	struct sbuf *sb;

	if (idx < 0 || (p = param_str(c->ev, idx, &len)) == NULL)
		return 0;
	if (raw || e->params[idx].type == PT_CHARBUF)
		return v_str(out, p, len);
	if (e->params[idx].dirfd >= 0)
		(void)param_i64(c->ev, e->params[idx].dirfd, &dirfd);
	sb = scratch(c);
	engine_resolve_path(c, dirfd, p, len, sb);
	return v_sb(out, sb);
}

/* ---- evt --------------------------------------------------------------- */

/* engine_type_facts() states this per event type: keep them in step. */
static const char *
evt_type_name(const struct engine_ctx *c)
{
	const struct fevt *ev = c->ev;
	const struct schema_event *e = schema_event(ev->hdr->type);
	uint64_t sc;
	const char *n;

	if (e == NULL)
		return NULL;
	if (ev->hdr->type == FE_GENERIC_X || ev->hdr->type == FE_GENERIC_E) {
		if (param_u64(ev, 0, &sc) == 0 &&
		    (n = schema_syscall_name((uint16_t)sc)) != NULL)
			return n;
	}
	return e->name;
}

/* The return value of an exit event (its first parameter), or -1.
   engine_type_facts() knows the types that have none. */
static int
event_res(const struct engine_ctx *c, int64_t *res)
{
	const struct schema_event *e = schema_event(c->ev->hdr->type);
	uint8_t t;

	if (e == NULL || e->nparams == 0 || schema_is_enter(c->ev->hdr->type))
		return -1;
	t = e->params[0].type;
	if (t != PT_ERRNO && t != PT_FD && t != PT_PID)
		return -1;
	return param_i64(c->ev, 0, res);
}

/*
 * evt.is_open_*: read/write from the open flags of open, openat,
 * openat2 and open_by_handle_at; create when the driver saw the file
 * created (O_F_CREATED) or a successful O_TMPFILE; exec when a created
 * file gets an execute bit (creat: from its mode alone).
 */
static int
open_flag(const struct engine_ctx *c, uint16_t op, struct fvals *out)
{
	uint16_t type = c->ev->hdr->type;
	const uint64_t xbits = FL_CHMOD_MODE_S_IXUSR | FL_CHMOD_MODE_S_IXGRP |
	    FL_CHMOD_MODE_S_IXOTH;
	uint64_t fl = 0, mode = 0;
	int64_t res;
	int r = 0, midx;

	if (ev_is_creat[type]) {
		midx = ev_mode_idx[type];
		if (op == O_EVT_OPEN_EXEC && param_u64(c->ev, midx, &mode) == 0)
			r = (mode & xbits) != 0;
		return v_u(out, FT_BOOL, (uint64_t)r);
	}
	if (!ev_is_open[type])
		return v_u(out, FT_BOOL, 0);
	if (param_u64(c->ev, ev_flags_idx[type], &fl) != 0)
		fl = 0;
	switch (op) {
	case O_EVT_OPEN_READ:
		r = (fl & FL_FILE_FLAGS_O_RDONLY) != 0;
		break;
	case O_EVT_OPEN_WRITE:
		r = (fl & FL_FILE_FLAGS_O_WRONLY) != 0;
		break;
	case O_EVT_OPEN_CREATE:
		r = (fl & FL_FILE_FLAGS_O_F_CREATED) != 0 ||
		    ((fl & FL_FILE_FLAGS_O_TMPFILE) &&
		    event_res(c, &res) == 0 && res >= 0);
		break;
	default:
		midx = ev_mode_idx[type];
		if ((fl & (FL_FILE_FLAGS_O_TMPFILE | FL_FILE_FLAGS_O_CREAT)) &&
		    param_u64(c->ev, midx, &mode) == 0)
			r = (mode & xbits) != 0;
		break;
	}
	return v_u(out, FT_BOOL, (uint64_t)r);
}

static int
rawarg(struct engine_ctx *c, const struct field_ref *ref, struct fvals *out)
{
	const struct schema_event *e = schema_event(c->ev->hdr->type);
	int idx = ref->arg_key != NULL ?
	    schema_param_index(c->ev->hdr->type, ref->arg_key) :
	    (int)ref->arg_index;
	int64_t i;
	uint64_t u;
	const char *s;
	size_t len;

	if (e == NULL || idx < 0 || idx >= c->ev->nparams ||
	    idx >= e->nparams || c->ev->plen[idx] == 0)
		return 0;
	switch (e->params[idx].type) {
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64:
	case PT_ERRNO: case PT_FD: case PT_PID:
		if (param_i64(c->ev, idx, &i) != 0)
			return 0;
		return v_i(out, FT_INT64, i);
	case PT_CHARBUF: case PT_FSPATH: case PT_FSRELPATH:
		if ((s = param_str(c->ev, idx, &len)) == NULL)
			return 0;
		return v_str(out, s, len);
	case PT_BYTEBUF: case PT_SOCKADDR: case PT_SOCKTUPLE:
		return v_str(out, (const char *)c->ev->param[idx],
		    c->ev->plen[idx]);
	default:
		if (param_u64(c->ev, idx, &u) != 0)
			return 0;
		return v_u(out, FT_UINT64, u);
	}
}

/* Whether the event has a byte buffer parameter. */
static int
has_bytebuf(const struct schema_event *e, const struct fevt *ev)
{
	int i;

	for (i = 0; e != NULL && i < ev->nparams && i < e->nparams; i++)
		if (e->params[i].type == PT_BYTEBUF)
			return 1;
	return 0;
}

/*
 * evt.args in an output with buffer_format_base64: as
 * schema_render_args() shows them, non-empty byte buffers in base64.
 */
static void
render_args_b64(struct engine_ctx *c, const struct schema_event *e,
    struct sbuf *sb)
{
	const struct fevt *ev = c->ev;
	struct sbuf val = SBUF_INIT, res = SBUF_INIT;
	int i;

	if (ev->hdr->type == FE_GENERIC_X)
		return;
	for (i = 0; i < ev->nparams; i++) {
		if (i > 0)
			sbuf_putc(sb, ' ');
		sbuf_puts(sb, i < e->nparams ? e->params[i].name : "?");
		sbuf_putc(sb, '=');
		if (i < e->nparams && e->params[i].type == PT_BYTEBUF &&
		    ev->plen[i] > 0) {
			engine_b64_encode(sb, ev->param[i], ev->plen[i]);
			continue;
		}
		sbuf_reset(&val);
		sbuf_reset(&res);
		schema_param_str(&val, &res, ev, (unsigned)i,
		    engine_resolver(c));
		sbuf_put(sb, val.buf != NULL ? val.buf : "", val.len);
		if (res.len > 0) {
			sbuf_putc(sb, '(');
			sbuf_put(sb, res.buf, res.len);
			sbuf_putc(sb, ')');
		}
	}
	sbuf_free(&val);
	sbuf_free(&res);
}

/* evt.category: the event's category; I/O is named by its fd's kind. */
static const char *
category_name(struct engine_ctx *c, const struct schema_event *e)
{
	static const char *const names[] = {
		[EC_UNKNOWN] = "unknown", [EC_OTHER] = "other",
		[EC_FILE] = "file", [EC_NET] = "net", [EC_IPC] = "IPC",
		[EC_MEMORY] = "memory", [EC_PROCESS] = "process",
		[EC_SLEEP] = "sleep", [EC_SYSTEM] = "system",
		[EC_SIGNAL] = "signal", [EC_USER] = "user",
		[EC_TIME] = "time", [EC_PROCESSING] = "processing",
	};
	uint32_t cat = e->category & 0x1ff;
	const struct st_fd *f;

	if (cat < sizeof(names) / sizeof(names[0]) && names[cat] != NULL)
		return names[cat];
	switch (cat) {
	case EC_IO_READ: case EC_IO_WRITE: case EC_IO_OTHER:
		if ((f = event_fd(c)) == NULL)
			return "unknown";
		switch (f->type) {
		case STFD_FILE: case STFD_DIRECTORY:
			return "file";
		case STFD_IPV4: case STFD_IPV6: case STFD_IPV4_SERVER:
		case STFD_IPV6_SERVER:
			return "net";
		case STFD_FIFO: case STFD_UNIX: case STFD_EVENT:
		case STFD_SIGNALFD: case STFD_INOTIFY: case STFD_EVENTPOLL:
		case STFD_TIMERFD:
			return "ipc";
		default:
			return "unknown";
		}
	case EC_WAIT:
		return "wait";
	case EC_SCHEDULER:
		return "scheduler";
	case EC_INTERNAL:
		return "internal";
	default:
		return "unknown";
	}
}

size_t
engine_type_facts(uint16_t type, struct filter_fact *facts, size_t max)
{
	const struct schema_event *se = schema_event(type);
	size_t n = 0, i;
	uint8_t t0;

	if (se == NULL || se->name == NULL || type >= FE_MAX)
		return 0;
	/* evt_type_name(): generic events are named by their syscall */
	if (type != FE_GENERIC_E && type != FE_GENERIC_X && n < max) {
		facts[n].field = "evt.type";
		facts[n++].value = se->name;
	}
	if (n < max) {
		facts[n].field = "evt.dir";
		facts[n++].value = schema_is_enter(type) ? ">" : "<";
	}
	/* fd_field(): no fd parameter, no fd.* value (event_fdnum()) */
	for (i = 0; evfd_idx[type] < 0 &&
	    i < sizeof(optab) / sizeof(optab[0]); i++) {
		if (optab[i].op < O_FD_NUM || optab[i].op >= O_FD_TYPES ||
		    n == max)
			continue;
		facts[n].field = optab[i].name;
		facts[n++].value = NULL;
	}
	/* fd_types(): by the event's fd flags, not its parameters */
	if (!(se->flags & (EF_CREATES_FD | EF_USES_FD | EF_DESTROYS_FD)) &&
	    n < max) {
		facts[n].field = "fd.types";
		facts[n++].value = NULL;
	}
	/* event_res(): no result */
	t0 = se->nparams > 0 ? se->params[0].type : PT_NONE;
	if (schema_is_enter(type) || (t0 != PT_ERRNO && t0 != PT_FD &&
	    t0 != PT_PID)) {
		for (i = 0; i < sizeof(optab) / sizeof(optab[0]); i++) {
			if ((optab[i].op != O_EVT_RES &&
			    optab[i].op != O_EVT_RAWRES &&
			    optab[i].op != O_EVT_BUFLEN) || n == max)
				continue;
			facts[n].field = optab[i].name;
			facts[n++].value = NULL;
		}
	}
	return n;
}

/* schema_param_index() of evt.arg.NAME, cached by name and type. */
static int
arg_index(struct engine_ctx *c, uint16_t type, const char *name)
{
	struct argidx *a;
	size_t h, len = strlen(name);

	if (len == 0 || len >= ARGNAME)
		return schema_param_index(type, name);
	h = (((uintptr_t)name >> 4) ^ type) % ARGIDX;
	a = &xcache(c)->ai[h];
	if (a->type == type && strcmp(a->name, name) == 0)
		return a->idx;
	a->type = type;
	a->idx = (int16_t)schema_param_index(type, name);
	memcpy(a->name, name, len + 1);
	return a->idx;
}

/* Whether the text of a parameter of type t depends on its bytes only. */
static int
arg_pure(uint8_t t)
{
	switch (t) {
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64:
	case PT_UINT8: case PT_UINT16: case PT_UINT32: case PT_UINT64:
	case PT_ERRNO: case PT_FLAGS8: case PT_FLAGS16: case PT_FLAGS32:
	case PT_ENUMFLAGS8: case PT_ENUMFLAGS16: case PT_ENUMFLAGS32:
	case PT_MODE: case PT_SIGTYPE: case PT_SYSCALLID:
		return 1;
	default:
		return 0;
	}
}

/*
 * Append the evt.arg text of parameter idx to sb from the cache
 * (rendering it there first if needed) when it depends on the raw bytes
 * only.  Returns 0 when the caller must render it itself.
 */
static int
arg_cached(struct engine_ctx *c, const struct schema_event *e, int idx,
    struct sbuf *sb)
{
	const struct fevt *ev = c->ev;
	struct argent *a;
	uint64_t raw = 0;
	uint32_t len = ev->plen[idx];
	size_t h;

	if (e == NULL || idx >= e->nparams || len > sizeof(raw) ||
	    !arg_pure(e->params[idx].type))
		return 0;
	memcpy(&raw, ev->param[idx], len);
	h = (raw * 0x9e3779b97f4a7c15ULL >> 40 ^ ev->hdr->type ^
	    (uint64_t)idx << 9) % ARGCACHE;
	a = &xcache(c)->arg[h];
	if (a->text.buf == NULL || a->type != ev->hdr->type ||
	    a->idx != idx || a->len != len || a->raw != raw) {
		a->type = ev->hdr->type;
		a->idx = (uint8_t)idx;
		a->len = (uint8_t)len;
		a->raw = raw;
		sbuf_reset(&a->text);
		sbuf_put(&a->text, "", 0);
		schema_render_arg(&a->text, ev, (unsigned)idx, NULL);
	}
	sbuf_put(sb, a->text.buf, a->text.len);
	return 1;
}

static int
evt_field(struct engine_ctx *c, uint16_t op, const struct field_ref *ref,
    struct fvals *out)
{
	const struct fevt *ev = c->ev;
	const struct schema_event *e = schema_event(ev->hdr->type);
	uint64_t ts = ev->hdr->ts;
	struct sbuf *sb;
	const char *s;
	int64_t res;
	int idx;
	size_t len;

	switch (op) {
	case O_EVT_NUM:
		return v_u(out, FT_UINT64, c->evnum);
	case O_EVT_TIME: case O_EVT_TIME_S: case O_EVT_DATETIME:
	case O_EVT_DATETIME_S: case O_EVT_TIME_ISO:
		sb = scratch(c);
		fmt_time(sb, ts, op == O_EVT_DATETIME ||
		    op == O_EVT_DATETIME_S, op != O_EVT_TIME_S &&
		    op != O_EVT_DATETIME_S, op == O_EVT_TIME_ISO);
		return v_sb(out, sb);
	case O_EVT_RAWTIME:
		return v_u(out, FT_ABSTIME, ts);
	case O_EVT_RAWTIME_S:
		return v_u(out, FT_ABSTIME, ts / 1000000000ULL);
	case O_EVT_RAWTIME_NS:
		return v_u(out, FT_ABSTIME, ts % 1000000000ULL);
	case O_EVT_RELTIME:
		return v_u(out, FT_RELTIME, ts - c->first_ts);
	case O_EVT_RELTIME_S:
		return v_u(out, FT_RELTIME, (ts - c->first_ts) / 1000000000ULL);
	case O_EVT_RELTIME_NS:
		return v_u(out, FT_RELTIME, (ts - c->first_ts) % 1000000000ULL);
	case O_EVT_SOURCE:
		return v_cstr(out, "syscall");
	case O_EVT_IS_ASYNC:
		return v_u(out, FT_BOOL, 0);
	case O_EVT_HOSTNAME:
		return v_cstr(out, c->hostname);
	case O_EVT_DIR:
		return v_cstr(out, schema_is_enter(ev->hdr->type) ? ">" : "<");
	case O_EVT_TYPE:
		return v_cstr(out, evt_type_name(c));
	case O_EVT_TYPE_IS:
		s = evt_type_name(c);
		return v_u(out, FT_UINT32, s != NULL && ref->arg_key != NULL &&
		    strcmp(s, ref->arg_key) == 0);
	case O_EVT_CATEGORY:
		return e == NULL ? 0 : v_cstr(out, category_name(c, e));
	case O_SYSCALL_TYPE:
		if (e == NULL || !(e->category & EC_SYSCALL))
			return 0;
		return v_cstr(out, evt_type_name(c));
	case O_EVT_CPU:
		return v_i(out, FT_INT16, ev->cpu);
	case O_EVT_ARGS:
		sb = scratch(c);
		if (c->b64_out && has_bytebuf(e, ev))
			render_args_b64(c, e, sb);
		else
			schema_render_args(sb, ev, engine_resolver(c));
		return v_sb(out, sb);
	case O_EVT_ARG:
		idx = ref->arg_key != NULL ?
		    arg_index(c, ev->hdr->type, ref->arg_key) :
		    (int)ref->arg_index;
		if (idx < 0 || idx >= ev->nparams)
			return 0;
		sb = scratch(c);
		/* An empty buffer keeps its usual "NULL". */
		if (c->b64_out && e != NULL && idx < e->nparams &&
		    e->params[idx].type == PT_BYTEBUF && ev->plen[idx] > 0) {
			engine_b64_encode(sb, ev->param[idx], ev->plen[idx]);
			return v_sb(out, sb);
		}
		if (!arg_cached(c, e, idx, sb))
			schema_render_arg(sb, ev, (unsigned)idx,
			    engine_resolver(c));
		return v_sb(out, sb);
	case O_EVT_RAWARG:
		return rawarg(c, ref, out);
	case O_EVT_BUFFER:
		idx = ev_data_idx[ev->hdr->type];
		if (idx < 0 || idx >= ev->nparams)
			return 0;
		out->v[0].type = FT_BYTEBUF;
		out->v[0].v.s.p = (const char *)ev->param[idx];
		out->v[0].v.s.len = ev->plen[idx];
		out->n = 1;
		return 0;
	case O_EVT_BUFLEN:
		if (ev_data_idx[ev->hdr->type] < 0 ||
		    event_res(c, &res) != 0 || res < 0)
			return 0;
		return v_u(out, FT_UINT64, (uint64_t)res);
	case O_EVT_RES:
		if (event_res(c, &res) != 0)
			return 0;
		if (res >= 0)
			return v_cstr(out, "SUCCESS");
		if ((s = schema_errno_name(res)) != NULL)
			return v_cstr(out, s);
		sb = scratch(c);
		sbuf_printf(sb, "%lld", (long long)res);
		return v_sb(out, sb);
	case O_EVT_RAWRES:
		if (event_res(c, &res) != 0)
			return 0;
		return v_i(out, FT_INT64, res);
	case O_EVT_FAILED:
		if (event_res(c, &res) != 0)
			return v_u(out, FT_BOOL, 0);
		return v_u(out, FT_BOOL, res < 0);
	case O_EVT_IS_IO:
		return v_u(out, FT_BOOL, e != NULL &&
		    ((e->category & 0x1ff) == EC_IO_READ ||
		    (e->category & 0x1ff) == EC_IO_WRITE));
	case O_EVT_IS_IO_READ:
		return v_u(out, FT_BOOL, e != NULL &&
		    (e->category & 0x1ff) == EC_IO_READ);
	case O_EVT_IS_IO_WRITE:
		return v_u(out, FT_BOOL, e != NULL &&
		    (e->category & 0x1ff) == EC_IO_WRITE);
	case O_EVT_IO_DIR:
		if (e == NULL)
			return 0;
		if ((e->category & 0x1ff) == EC_IO_READ)
			return v_cstr(out, "r");
		if ((e->category & 0x1ff) == EC_IO_WRITE)
			return v_cstr(out, "w");
		return 0;
	case O_EVT_IS_WAIT:
		return v_u(out, FT_BOOL, e != NULL && (e->flags & EF_WAITS));
	case O_EVT_COUNT:
		return v_u(out, FT_UINT32, 1);
	case O_EVT_OPEN_READ: case O_EVT_OPEN_WRITE: case O_EVT_OPEN_EXEC:
	case O_EVT_OPEN_CREATE:
		return open_flag(c, op, out);
	case O_EVT_ABSPATH:
		if (ref->arg_key == NULL)
			return 0;
		idx = schema_param_index(ev->hdr->type, ref->arg_key);
		if ((s = param_str(ev, idx, &len)) == NULL)
			return 0;
		return fs_path(c, idx, 0, out);
	default:
		return 0;
	}
}

/* ---- proc / thread ------------------------------------------------------ */

static int
proc_field(struct engine_ctx *c, uint16_t op, const struct field_ref *ref,
    struct fvals *out)
{
	struct st_thread *t = c->t, *m, *p, *x;
	struct sbuf *sb;
	const char *s;
	size_t len;

	if (t == NULL)
		return 0;
	m = state_main_thread(c->st, t);
	switch (op) {
	case O_P_NAME:
		return thread_str(c, t, TS_NAME, out);
	case O_P_EXE:
		return thread_str(c, t, TS_EXE, out);
	case O_P_EXEPATH:
		return thread_str(c, t, TS_EXEPATH, out);
	case O_P_CMDLINE:
		return thread_str(c, t, TS_CMDLINE, out);
	case O_P_PNAME:
		return thread_str(c, state_parent(c->st, t), TS_NAME, out);
	case O_P_PEXE:
		return thread_str(c, state_parent(c->st, t), TS_EXE, out);
	case O_P_PEXEPATH:
		return thread_str(c, state_parent(c->st, t), TS_EXEPATH, out);
	case O_P_PCMDLINE:
		return thread_str(c, state_parent(c->st, t), TS_CMDLINE, out);
	case O_P_ANAME:
		return ancestors(c, ref, TS_NAME, out);
	case O_P_AEXE:
		return ancestors(c, ref, TS_EXE, out);
	case O_P_AEXEPATH:
		return ancestors(c, ref, TS_EXEPATH, out);
	case O_P_ACMDLINE:
		return ancestors(c, ref, TS_CMDLINE, out);
	case O_P_ARGS:
		if (!thread_known(t))
			return 0;
		if (ref->has_arg) {
			if ((s = nth_arg(t, ref->arg_index, &len)) == NULL)
				return 0;
			return v_str(out, s, len);
		}
		sb = scratch(c);
		join_args(sb, t);
		return v_sb(out, sb);
	case O_P_EXELINE:
		if (!thread_known(t))
			return 0;
		sb = scratch(c);
		sbuf_puts(sb, t->exe);
		if (t->args_len > 0) {
			sbuf_putc(sb, ' ');
			join_args(sb, t);
		}
		return v_sb(out, sb);
	case O_P_CMDNARGS: {
		uint64_t n = 0;

		for (len = 0; len < t->args_len; len++)
			n += t->args[len] == '\0';
		if (t->args_len > 0 && t->args[t->args_len - 1] != '\0')
			n++;
		return v_u(out, FT_UINT64, n);
	}
	case O_P_CMDLENARGS:
		sb = scratch(c);
		join_args(sb, t);
		return v_u(out, FT_UINT64, sb->len);
	case O_P_ENV:
		if (ref->has_arg && ref->arg_key != NULL) {
			if ((s = env_lookup(m, ref->arg_key, &len)) == NULL)
				return 0;
			return v_str(out, s, len);
		}
		sb = scratch(c);
		for (len = 0; len < m->env_len; len++)
			sbuf_putc(sb, m->env[len] == '\0' ? ' ' : m->env[len]);
		while (sb->len > 0 && sb->buf[sb->len - 1] == ' ')
			sb->buf[--sb->len] = '\0';
		return v_sb(out, sb);
	case O_P_CWD:
		sb = scratch(c);
		sbuf_puts(sb, t->cwd);
		if (sb->len == 0 || sb->buf[sb->len - 1] != '/')
			sbuf_putc(sb, '/');
		return v_sb(out, sb);
	case O_P_TTY:
		return v_u(out, FT_UINT32, m->tty);
	case O_P_PID:
		return v_i(out, FT_INT64, t->pid);
	case O_P_PPID:
		return v_i(out, FT_INT64, m->ptid);
	case O_P_APID:
		x = ref->has_arg ? ancestor(c, t, ref->arg_index) :
		    state_parent(c->st, t);
		if (x == NULL)
			return 0;
		return v_i(out, FT_INT64, x->pid);
	case O_P_VPID:
		return v_i(out, FT_INT64, t->vpid);
	case O_P_PVPID:
		if ((p = state_parent(c->st, t)) == NULL)
			return 0;
		return v_i(out, FT_INT64, p->vpid);
	case O_P_SID:
		return v_i(out, FT_INT64, m->sid);
	case O_P_SNAME: case O_P_SID_EXE: case O_P_SID_EXEPATH:
		x = state_thread(c->st, m->sid);
		return thread_str(c, x, op == O_P_SNAME ? TS_NAME :
		    op == O_P_SID_EXE ? TS_EXE : TS_EXEPATH, out);
	case O_P_VPGID:
		return v_i(out, FT_INT64, m->vpgid);
	case O_P_VPGID_NAME: case O_P_VPGID_EXE: case O_P_VPGID_EXEPATH:
		x = state_thread(c->st, m->vpgid);
		return thread_str(c, x, op == O_P_VPGID_NAME ? TS_NAME :
		    op == O_P_VPGID_EXE ? TS_EXE : TS_EXEPATH, out);
	case O_P_PGID:
		return v_i(out, FT_INT64, m->pgid);
	case O_P_PGID_NAME: case O_P_PGID_EXE: case O_P_PGID_EXEPATH:
		x = state_thread(c->st, m->pgid);
		return thread_str(c, x, op == O_P_PGID_NAME ? TS_NAME :
		    op == O_P_PGID_EXE ? TS_EXE : TS_EXEPATH, out);
	case O_P_IS_SID_LEADER:
		return v_u(out, FT_BOOL, m->sid == t->pid);
	case O_P_IS_VPGID_LEADER:
		return v_u(out, FT_BOOL, m->vpgid == t->vpid);
	case O_P_IS_PGID_LEADER:
		return v_u(out, FT_BOOL, m->pgid == t->pid);
	case O_P_DURATION:
		if (m->clone_ts == 0)
			return 0;
		return v_u(out, FT_RELTIME, c->ev->hdr->ts - m->clone_ts);
	case O_P_PID_TS:
		if (m->clone_ts == 0)
			return 0;
		return v_u(out, FT_RELTIME, m->clone_ts);
	case O_P_PPID_DURATION: case O_P_PPID_TS:
		if ((p = state_parent(c->st, t)) == NULL || p->clone_ts == 0)
			return 0;
		return v_u(out, FT_RELTIME, op == O_P_PPID_TS ? p->clone_ts :
		    c->ev->hdr->ts - p->clone_ts);
	case O_P_EXE_WRITABLE:
		return v_u(out, FT_BOOL, m->exe_writable);
	case O_P_EXE_UPPER:
		return v_u(out, FT_BOOL, m->exe_upper_layer);
	case O_P_EXE_LOWER:
		return v_u(out, FT_BOOL, m->exe_lower_layer);
	case O_P_EXE_MEMFD:
		return v_u(out, FT_BOOL, m->exe_from_memfd);
	case O_P_EXE_INO:
		return v_i(out, FT_INT64, (int64_t)m->exe_ino);
	case O_P_EXE_INO_CTIME:
		return v_u(out, FT_ABSTIME, m->exe_ino_ctime);
	case O_P_EXE_INO_MTIME:
		return v_u(out, FT_ABSTIME, m->exe_ino_mtime);
	case O_P_EXE_INO_CTIME_DUR:
		if (m->clone_ts == 0 || m->exe_ino_ctime == 0 ||
		    m->clone_ts < m->exe_ino_ctime)
			return 0;
		return v_u(out, FT_ABSTIME, m->clone_ts - m->exe_ino_ctime);
	case O_P_PIDNS_TS:
		return v_u(out, FT_UINT64, m->pidns_init_start_ts);
	case O_T_CAP_PERM: case O_T_CAP_INH: case O_T_CAP_EFF:
		sb = scratch(c);
		caps(sb, op == O_T_CAP_PERM ? t->cap_permitted :
		    op == O_T_CAP_INH ? t->cap_inheritable : t->cap_effective);
		return v_sb(out, sb);
	case O_P_FDOPENCOUNT:
		return v_u(out, FT_UINT64, state_fd_count(t));
	case O_P_FDLIMIT:
		return v_i(out, FT_INT64, (int64_t)m->fdlimit);
	case O_P_FDUSAGE:
		if (m->fdlimit == 0)
			return 0;
		out->v[0].type = FT_DOUBLE;
		out->v[0].v.d = 100.0 * (double)state_fd_count(t) /
		    (double)m->fdlimit;
		out->n = 1;
		return 0;
	case O_P_VMSIZE: case O_T_VMSIZE:
		return v_u(out, FT_UINT64, m->vmsize_kb);
	case O_P_VMRSS: case O_T_VMRSS:
		return v_u(out, FT_UINT64, m->vmrss_kb);
	case O_P_VMSWAP:
		return v_u(out, FT_UINT64, m->vmswap_kb);
	case O_T_PFMAJOR:
		return v_u(out, FT_UINT64, t->pfmajor);
	case O_T_PFMINOR:
		return v_u(out, FT_UINT64, t->pfminor);
	case O_T_TID:
		return v_i(out, FT_INT64, t->tid);
	case O_T_ISMAIN:
		return v_u(out, FT_BOOL, t->tid == t->pid);
	case O_T_VTID:
		return v_i(out, FT_INT64, t->vtid);
	case O_T_CGROUPS:
		sb = scratch(c);
		for (len = 0; len < t->cgroups_len; len++)
			sbuf_putc(sb, t->cgroups[len] == '\0' ? ' ' :
			    t->cgroups[len]);
		while (sb->len > 0 && sb->buf[sb->len - 1] == ' ')
			sb->buf[--sb->len] = '\0';
		return v_sb(out, sb);
	case O_T_CGROUP: {
		const char *cg = t->cgroups, *end;
		size_t klen;

		if (ref->arg_key == NULL || cg == NULL)
			return 0;
		end = cg + t->cgroups_len;
		klen = strlen(ref->arg_key);
		while (cg < end) {
			size_t n = strnlen(cg, (size_t)(end - cg));

			if (n > klen && memcmp(cg, ref->arg_key, klen) == 0 &&
			    cg[klen] == '=')
				return v_str(out, cg + klen + 1, n - klen - 1);
			cg += n + 1;
		}
		return 0;
	}
	case O_P_STDIN_TYPE: return std_fd(c, 0, 0, out);
	case O_P_STDOUT_TYPE: return std_fd(c, 1, 0, out);
	case O_P_STDERR_TYPE: return std_fd(c, 2, 0, out);
	case O_P_STDIN_NAME: return std_fd(c, 0, 1, out);
	case O_P_STDOUT_NAME: return std_fd(c, 1, 1, out);
	case O_P_STDERR_NAME: return std_fd(c, 2, 1, out);
	case O_P_NTHREADS:
		return v_u(out, FT_UINT64, state_nthreads(c->st, t->pid));
	case O_P_NCHILDS: {
		size_t n = state_nthreads(c->st, t->pid);

		/* the threads beside the main one */
		return v_u(out, FT_UINT64, n > 0 && !m->dead &&
		    m->tid == t->pid ? n - 1 : n);
	}
	case O_P_LOGINSHELLID:
		return loginshell(c, m, out);
	default:
		return 0;
	}
}

static int
user_field(struct engine_ctx *c, uint16_t op, struct fvals *out)
{
	struct st_thread *t = c->t;
	const struct st_user *u;
	const struct st_group *g;

	if (t == NULL)
		return 0;
	switch (op) {
	case O_U_UID:
		if (t->uid == UINT32_MAX)
			return 0;
		return v_u(out, FT_UINT32, t->uid);
	case O_U_NAME: case O_U_HOMEDIR: case O_U_SHELL:
		if ((u = state_user(c->st, t->uid)) == NULL)
			return 0;
		return v_cstr(out, op == O_U_NAME ? u->name :
		    op == O_U_HOMEDIR ? u->homedir : u->shell);
	case O_U_LOGINUID:
		return v_i(out, FT_INT64, t->loginuid == UINT32_MAX ? -1 :
		    (int64_t)t->loginuid);
	case O_U_LOGINNAME:
		if ((u = state_user(c->st, t->loginuid)) == NULL)
			return 0;
		return v_cstr(out, u->name);
	case O_G_GID:
		if (t->gid == UINT32_MAX)
			return 0;
		return v_u(out, FT_UINT32, t->gid);
	case O_G_NAME:
		if ((g = state_group(c->st, t->gid)) == NULL)
			return 0;
		return v_cstr(out, g->name);
	default:
		return 0;
	}
}

/*
 * The metadata record of the event's container, looked up once per
 * event; NULL while the runtime has not answered (or without metadata).
 */
static const struct container_rec *
event_container(struct engine_ctx *c)
{
	struct container_rec *rec = NULL;
	const char *cid;

	if (c->crec_evnum == c->evnum && c->crec_ev == c->ev)
		return c->crec;
	cid = c->t != NULL ? c->t->container_id : c->ev_cid;
	if (c->cmeta == NULL || cid == NULL || cid[0] == '\0')
		return NULL;
	container_rec_unref(c->crec);
	c->crec = NULL;
	c->crec_evnum = c->evnum;
	c->crec_ev = c->ev;
	if (container_meta_lookup(c->cmeta, cid, &rec) ==
	    CONTAINER_META_READY)
		c->crec = rec;
	return c->crec;
}

/* The mount named by a [N] or [glob] argument (glob on source or dest). */
static const struct container_mount *
mount_arg(const struct container_rec *r, const struct field_ref *ref,
    int by_dest)
{
	const char *k = ref->arg_key;
	char *end;
	unsigned long i;

	if (k == NULL)
		return NULL;
	if (*k >= '0' && *k <= '9') {
		i = strtoul(k, &end, 10);
		if (*end == '\0')
			return i < r->nmounts ? &r->mounts[i] : NULL;
	}
	return container_rec_mount_find(r, k, by_dest);
}

static int
container_field(struct engine_ctx *c, uint16_t op, const struct field_ref *ref,
    struct fvals *out)
{
	struct st_thread *t = c->t;
	const struct container_rec *r;
	const struct container_mount *m;
	struct sbuf *sb;
	const char *v = NULL, *cid;
	int host;

	if ((cid = t != NULL ? t->container_id : c->ev_cid) == NULL)
		return 0;
	host = cid[0] == '\0';
	switch (op) {
	case O_C_ID:
		return host ? v_cstr(out, "host") :
		    v_str(out, cid, 12);
	case O_C_FULL_ID:
		return v_cstr(out, host ? "host" : cid);
	case O_C_NAME:
		if (host)
			return v_cstr(out, "host");
		break;
	default:
		if (host)
			return 0;
		break;
	}
	if ((r = event_container(c)) == NULL)
		return 0;
	switch (op) {
	case O_C_NAME: v = r->name; break;
	case O_C_TYPE: v = r->type; break;
	case O_C_IMAGE: v = r->image; break;
	case O_C_IMAGE_ID: v = r->image_id; break;
	case O_C_IMAGE_REPO: v = r->image_repo; break;
	case O_C_IMAGE_TAG: v = r->image_tag; break;
	case O_C_IMAGE_DIGEST: v = r->image_digest; break;
	case O_C_IP: v = r->ip; break;
	case O_K8S_POD_NAME: v = r->k8s_pod_name; break;
	case O_K8S_POD_UID: v = r->k8s_pod_uid; break;
	case O_K8S_NS: v = r->k8s_ns; break;
	case O_K8S_FULL_SANDBOX: v = r->k8s_sandbox_id; break;
	case O_K8S_SANDBOX:
		if (r->k8s_sandbox_id == NULL)
			return 0;
		return v_str(out, r->k8s_sandbox_id,
		    strnlen(r->k8s_sandbox_id, 12));
	case O_C_PRIVILEGED:
		return v_u(out, FT_BOOL, r->privileged != 0);
	case O_C_START_TS:
		if (r->start_ns <= 0)
			return 0;
		return v_u(out, FT_ABSTIME, (uint64_t)r->start_ns);
	case O_C_DURATION:
		if (r->start_ns <= 0 || c->ev->hdr->ts < (uint64_t)r->start_ns)
			return 0;
		return v_u(out, FT_RELTIME,
		    c->ev->hdr->ts - (uint64_t)r->start_ns);
	case O_C_LABEL:
		v = ref->arg_key != NULL ?
		    container_rec_label(r, ref->arg_key) : NULL;
		break;
	case O_K8S_POD_LABEL:
		v = ref->arg_key != NULL ?
		    container_rec_pod_label(r, ref->arg_key) : NULL;
		break;
	case O_C_LABELS:
		sb = scratch(c);
		container_labels_render(r->labels, r->nlabels, sb);
		return v_sb(out, sb);
	case O_K8S_POD_LABELS:
		sb = scratch(c);
		container_labels_render(r->pod_labels, r->npod_labels, sb);
		return v_sb(out, sb);
	case O_C_MOUNTS:
		sb = scratch(c);
		container_mounts_render(r, sb);
		return v_sb(out, sb);
	/* [N] or [glob]: a glob names the source, except for
	   mount.source, whose glob names the destination */
	case O_C_MOUNT:
		if ((m = mount_arg(r, ref, 0)) == NULL)
			return 0;
		sb = scratch(c);
		container_mount_render(m, sb);
		return v_sb(out, sb);
	case O_C_MOUNT_SOURCE:
		if ((m = mount_arg(r, ref, 1)) == NULL)
			return 0;
		v = m->source;
		break;
	case O_C_MOUNT_DEST: case O_C_MOUNT_MODE: case O_C_MOUNT_RDWR:
	case O_C_MOUNT_PROP:
		if ((m = mount_arg(r, ref, 0)) == NULL)
			return 0;
		if (op == O_C_MOUNT_RDWR)
			return v_cstr(out, m->rw ? "true" : "false");
		v = op == O_C_MOUNT_DEST ? m->dest : op == O_C_MOUNT_MODE ?
		    m->mode : m->propagation;
		break;
	default:
		/* healthchecks, host namespaces, CNI: XXX not looked up */
		return 0;
	}
	return v != NULL ? v_cstr(out, v) : 0;
}

/*
 * Per-event memo of the hottest argument-less fields.  Rules repeat the
 * same checks (macros such as open_read in many rules); these values
 * point to static strings or to thread and fd strings, which stay put
 * while one event is evaluated, so they are extracted once per event.
 */
static const uint8_t memo_ok[O_MAX] = {
	[O_EVT_TYPE] = 1, [O_EVT_DIR] = 1, [O_EVT_OPEN_READ] = 1,
	[O_EVT_OPEN_WRITE] = 1, [O_FD_NUM] = 1,
	[O_FD_TYPE] = 1, [O_FD_TYPECHAR] = 1, [O_FD_NAME] = 1,
	[O_FD_DIRECTORY] = 1, [O_FD_FILENAME] = 1, [O_FD_L4PROTO] = 1,
	[O_FD_SPORT] = 1, [O_FD_SIP] = 1, [O_FD_CIP] = 1, [O_P_NAME] = 1,
	[O_P_PNAME] = 1, [O_P_EXEPATH] = 1, [O_C_ID] = 1, [O_U_NAME] = 1,
	[O_U_UID] = 1,
};

static int extract_op(struct engine_ctx *, uint16_t,
    const struct field_ref *, struct fvals *);

/*
 * Opcode of a field reference, cached by the reference's address: the
 * opcode depends only on (class, id), which the entry keeps and checks,
 * so a reference reusing a freed one's address is still right.
 */
#define REFCACHE	1024
static __thread struct {
	const struct field_ref *ref;
	const struct field_class *cls;
	uint16_t	 id;
	uint16_t	 op;
} refcache[REFCACHE];

static uint16_t
ref_op(const struct field_ref *ref)
{
	size_t h = ((uintptr_t)ref >> 3) % REFCACHE;

	if (refcache[h].ref == ref && refcache[h].cls == ref->cls &&
	    refcache[h].id == ref->id)
		return refcache[h].op;
	refcache[h].ref = ref;
	refcache[h].cls = ref->cls;
	refcache[h].id = ref->id;
	refcache[h].op = op_of(ref);
	return refcache[h].op;
}

int
engine_extract(void *ctx, const struct field_ref *ref, struct fvals *out)
{
	struct engine_ctx *c = ctx;
	uint16_t op = ref_op(ref);
	struct memo *m;
	int r;

	out->n = 0;
	if (c->ev == NULL || c->ev->hdr->type >= FE_MAX)
		return 0;
	if (!memo_ok[op] || ref->has_arg)
		return extract_op(c, op, ref, out);
	m = &xcache(c)->m[op];
	if (m->evnum == c->evnum && m->ev == c->ev) {
		out->n = m->n;
		out->v[0] = m->v;
		return 0;
	}
	r = extract_op(c, op, ref, out);
	if (r == 0 && out->n <= 1) {
		m->evnum = c->evnum;
		m->ev = c->ev;
		m->n = (uint8_t)out->n;
		m->v = out->v[0];
	}
	return r;
}

static int
extract_op(struct engine_ctx *c, uint16_t op, const struct field_ref *ref,
    struct fvals *out)
{
	if (op >= O_EVT_NUM && op <= O_EVT_ABSPATH)
		return evt_field(c, op, ref, out);
	if (op >= O_P_EXE && op <= O_P_LOGINSHELLID)
		return proc_field(c, op, ref, out);
	if (op >= O_U_UID && op <= O_G_NAME)
		return user_field(c, op, out);
	if (op >= O_FD_NUM && op <= O_FD_TYPES)
		return fd_field(c, op, ref, out);
	switch (op) {
	case O_FS_NAME: case O_FS_NAMERAW:
		return fs_path(c, fs_name_idx[c->ev->hdr->type],
		    op == O_FS_NAMERAW, out);
	case O_FS_SOURCE: case O_FS_SOURCERAW:
		return fs_path(c, fs_src_idx[c->ev->hdr->type],
		    op == O_FS_SOURCERAW, out);
	case O_FS_TARGET: case O_FS_TARGETRAW:
		return fs_path(c, fs_dst_idx[c->ev->hdr->type],
		    op == O_FS_TARGETRAW, out);
	default:
		if (op >= O_C_ID && op <= O_C_OTHER)
			return container_field(c, op, ref, out);
		return 0;
	}
}
