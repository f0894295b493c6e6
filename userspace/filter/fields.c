/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The field registry: every field a condition or an output may name, with
 * its type, how it takes an argument and what it may be used for.  Names
 * and types are those of Falco's syscall source (libsinsp and the
 * container plugin), so that existing rules compile unchanged.
 *
 * The registry is a process-wide table filled by fields_init() and
 * fields_register_class(), read-only afterwards.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"
#include "util/xmalloc.h"

static const struct field_info evt_gen_fields[] = {
	{ "evt.num", FT_UINT64, FARG_NONE, 0,
	    "Event Number" },
	{ "evt.time", FT_CHARBUF, FARG_NONE, 0,
	    "Time" },
	{ "evt.time.s", FT_CHARBUF, FARG_NONE, 0,
	    "Time (s)" },
	{ "evt.time.iso8601", FT_CHARBUF, FARG_NONE, 0,
	    "ISO 8601 Time" },
	{ "evt.datetime", FT_CHARBUF, FARG_NONE, 0,
	    "Datetime" },
	{ "evt.datetime.s", FT_CHARBUF, FARG_NONE, 0,
	    "Datetime (s)" },
	{ "evt.rawtime", FT_ABSTIME, FARG_NONE, 0,
	    "Absolute Time" },
	{ "evt.rawtime.s", FT_ABSTIME, FARG_NONE, 0,
	    "Absolute Time (s)" },
	{ "evt.rawtime.ns", FT_ABSTIME, FARG_NONE, 0,
	    "Absolute Time (ns)" },
	{ "evt.reltime", FT_RELTIME, FARG_NONE, 0,
	    "Relative Time" },
	{ "evt.reltime.s", FT_RELTIME, FARG_NONE, 0,
	    "Relative Time (s)" },
	{ "evt.reltime.ns", FT_RELTIME, FARG_NONE, 0,
	    "Relative Time (ns)" },
	{ "evt.pluginname", FT_CHARBUF, FARG_NONE, 0,
	    "Plugin Name" },
	{ "evt.plugininfo", FT_CHARBUF, FARG_NONE, 0,
	    "Plugin Info" },
	{ "evt.source", FT_CHARBUF, FARG_NONE, 0,
	    "Event Source" },
	{ "evt.is_async", FT_BOOL, FARG_NONE, 0,
	    "Async Event" },
	{ "evt.asynctype", FT_CHARBUF, FARG_NONE, 0,
	    "Async-Event Type" },
	{ "evt.hostname", FT_CHARBUF, FARG_NONE, 0,
	    "Hostname" },
};

static const struct field_info evt_fields[] = {
	{ "evt.latency", FT_RELTIME, FARG_NONE, FF_DEPRECATED,
	    "Latency" },
	{ "evt.latency.s", FT_RELTIME, FARG_NONE, FF_DEPRECATED,
	    "Latency (s)" },
	{ "evt.latency.ns", FT_RELTIME, FARG_NONE, FF_DEPRECATED,
	    "Latency (ns)" },
	{ "evt.latency.quantized", FT_UINT64, FARG_NONE,
	    FF_HIDDEN|FF_DEPRECATED,
	    "Quantized Latency" },
	{ "evt.latency.human", FT_CHARBUF, FARG_NONE, FF_DEPRECATED,
	    "Human-Readable Latency" },
	{ "evt.deltatime", FT_RELTIME, FARG_NONE, 0,
	    "Delta" },
	{ "evt.deltatime.s", FT_RELTIME, FARG_NONE, 0,
	    "Delta (s)" },
	{ "evt.deltatime.ns", FT_RELTIME, FARG_NONE, 0,
	    "Delta (ns)" },
	/*
	 * Falco's "time as the -t option prints it", which is evt.time here.
	 * XXX Falco takes it in outputs only; conditions accept it too.
	 */
	{ "evt.outputtime", FT_CHARBUF, FARG_NONE, 0,
	    "Output Time" },
	{ "evt.dir", FT_CHARBUF, FARG_NONE, FF_DEPRECATED,
	    "Direction" },
	{ "evt.type", FT_CHARBUF, FARG_NONE, 0,
	    "Type" },
	{ "evt.type.is", FT_UINT32, FARG_KEY_REQ, 0,
	    "Type Is" },
	{ "syscall.type", FT_CHARBUF, FARG_NONE, 0,
	    "Syscall Type" },
	{ "evt.category", FT_CHARBUF, FARG_NONE, 0,
	    "Category" },
	{ "evt.cpu", FT_INT16, FARG_NONE, 0,
	    "CPU Number" },
	{ "evt.args", FT_CHARBUF, FARG_NONE, 0,
	    "Arguments" },
	{ "evt.arg", FT_CHARBUF, FARG_EVTARG, FF_DOTTED_ARG,
	    "Argument" },
	{ "evt.rawarg", FT_DYN, FARG_EVTARG,
	    FF_NO_RHS|FF_NO_TRANSFORMER|FF_DOTTED_ARG,
	    "Raw Argument" },
	{ "evt.info", FT_CHARBUF, FARG_NONE, 0,
	    "Information" },
	{ "evt.buffer", FT_BYTEBUF, FARG_NONE, 0,
	    "Buffer" },
	{ "evt.buflen", FT_UINT64, FARG_NONE, 0,
	    "Buffer Length" },
	{ "evt.res", FT_CHARBUF, FARG_NONE, 0,
	    "Return Value" },
	{ "evt.rawres", FT_INT64, FARG_NONE, 0,
	    "Raw Return Value" },
	{ "evt.failed", FT_BOOL, FARG_NONE, 0,
	    "Failed" },
	{ "evt.is_io", FT_BOOL, FARG_NONE, 0,
	    "Is I/O" },
	{ "evt.is_io_read", FT_BOOL, FARG_NONE, 0,
	    "Is Read" },
	{ "evt.is_io_write", FT_BOOL, FARG_NONE, 0,
	    "Is Write" },
	{ "evt.io_dir", FT_CHARBUF, FARG_NONE, 0,
	    "I/O Direction" },
	{ "evt.is_wait", FT_BOOL, FARG_NONE, 0,
	    "Is Wait" },
	{ "evt.wait_latency", FT_RELTIME, FARG_NONE, FF_DEPRECATED,
	    "Wait Latency" },
	{ "evt.is_syslog", FT_BOOL, FARG_NONE, 0,
	    "Is Syslog" },
	{ "evt.count", FT_UINT32, FARG_NONE, 0,
	    "Count" },
	{ "evt.count.error", FT_UINT32, FARG_NONE, 0,
	    "Error Count" },
	{ "evt.count.error.file", FT_UINT32, FARG_NONE, 0,
	    "File Error Count" },
	{ "evt.count.error.net", FT_UINT32, FARG_NONE, 0,
	    "Network Error Count" },
	{ "evt.count.error.memory", FT_UINT32, FARG_NONE, 0,
	    "Memory Error Count" },
	{ "evt.count.error.other", FT_UINT32, FARG_NONE, 0,
	    "Other Error Count" },
	{ "evt.count.exit", FT_UINT32, FARG_NONE, 0,
	    "Exit Count" },
	{ "evt.count.procinfo", FT_UINT32, FARG_NONE, FF_HIDDEN,
	    "Procinfo Count" },
	{ "evt.count.threadinfo", FT_UINT32, FARG_NONE, FF_HIDDEN,
	    "Thread Info Count" },
	{ "evt.around", FT_UINT64, FARG_KEY_REQ,
	    FF_FILTER_ONLY|FF_NO_RHS|FF_NO_TRANSFORMER,
	    "Around Interval" },
	{ "evt.abspath", FT_CHARBUF, FARG_KEY_REQ, 0,
	    "Absolute Path" },
	{ "evt.buflen.in", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "Input Buffer Length" },
	{ "evt.buflen.out", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "Output Buffer Length" },
	{ "evt.buflen.file", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "File Buffer Length" },
	{ "evt.buflen.file.in", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "File Input Buffer Length" },
	{ "evt.buflen.file.out", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "File Output Buffer Length" },
	{ "evt.buflen.net", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "Network Buffer Length" },
	{ "evt.buflen.net.in", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "Network Input Buffer Length" },
	{ "evt.buflen.net.out", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "Network Output Buffer Length" },
	{ "evt.is_open_read", FT_BOOL, FARG_NONE, 0,
	    "Is Opened For Reading" },
	{ "evt.is_open_write", FT_BOOL, FARG_NONE, 0,
	    "Is Opened For Writing" },
	{ "evt.infra.docker.name", FT_CHARBUF, FARG_NONE, FF_HIDDEN,
	    "Docker Name" },
	{ "evt.infra.docker.container.id", FT_CHARBUF, FARG_NONE, FF_HIDDEN,
	    "Docker ID" },
	{ "evt.infra.docker.container.name", FT_CHARBUF, FARG_NONE, FF_HIDDEN,
	    "Container Name" },
	{ "evt.infra.docker.container.image", FT_CHARBUF, FARG_NONE, FF_HIDDEN,
	    "Container Image" },
	{ "evt.is_open_exec", FT_BOOL, FARG_NONE, 0,
	    "Is Created With Execute Permissions" },
	{ "evt.is_open_create", FT_BOOL, FARG_NONE, 0,
	    "Is Created" },
};

static const struct field_info process_fields[] = {
	{ "proc.exe", FT_CHARBUF, FARG_NONE, 0,
	    "First Argument" },
	{ "proc.pexe", FT_CHARBUF, FARG_NONE, 0,
	    "Parent First Argument" },
	{ "proc.aexe", FT_CHARBUF, FARG_INDEX,
	    FF_NO_RHS|FF_NO_TRANSFORMER|FF_MULTI_NOARG,
	    "Ancestor First Argument" },
	{ "proc.exepath", FT_CHARBUF, FARG_NONE, 0,
	    "Process Executable Path" },
	{ "proc.pexepath", FT_CHARBUF, FARG_NONE, 0,
	    "Parent Process Executable Path" },
	{ "proc.aexepath", FT_CHARBUF, FARG_INDEX,
	    FF_NO_RHS|FF_NO_TRANSFORMER|FF_MULTI_NOARG,
	    "Ancestor Executable Path" },
	{ "proc.name", FT_CHARBUF, FARG_NONE, 0,
	    "Name" },
	{ "proc.pname", FT_CHARBUF, FARG_NONE, 0,
	    "Parent Name" },
	{ "proc.aname", FT_CHARBUF, FARG_INDEX,
	    FF_NO_RHS|FF_NO_TRANSFORMER|FF_MULTI_NOARG,
	    "Ancestor Name" },
	{ "proc.args", FT_CHARBUF, FARG_INDEX, 0,
	    "Arguments" },
	{ "proc.aargs", FT_CHARBUF, FARG_INDEX, 0,
	    "Ancestor Arguments" },
	{ "proc.cmdline", FT_CHARBUF, FARG_NONE, 0,
	    "Command Line" },
	{ "proc.pcmdline", FT_CHARBUF, FARG_NONE, 0,
	    "Parent Command Line" },
	{ "proc.acmdline", FT_CHARBUF, FARG_INDEX,
	    FF_NO_RHS|FF_NO_TRANSFORMER|FF_MULTI_NOARG,
	    "Ancestor Command Line" },
	{ "proc.cmdnargs", FT_UINT64, FARG_NONE, 0,
	    "Number of Command Line args" },
	{ "proc.cmdlenargs", FT_UINT64, FARG_NONE, 0,
	    "Total Count of Characters in Command Line args" },
	{ "proc.exeline", FT_CHARBUF, FARG_NONE, 0,
	    "Executable Command Line" },
	{ "proc.env", FT_CHARBUF, FARG_KEY, 0,
	    "Environment" },
	{ "proc.aenv", FT_CHARBUF, FARG_INDEX,
	    FF_NO_RHS|FF_NO_TRANSFORMER|FF_MULTI_NOARG,
	    "Ancestor Environment" },
	{ "proc.cwd", FT_CHARBUF, FARG_NONE, 0,
	    "Current Working Directory" },
	{ "proc.loginshellid", FT_INT64, FARG_NONE, 0,
	    "Login Shell ID" },
	{ "proc.tty", FT_UINT32, FARG_NONE, 0,
	    "Process TTY" },
	{ "proc.pid", FT_INT64, FARG_NONE, 0,
	    "Process ID" },
	{ "proc.ppid", FT_INT64, FARG_NONE, 0,
	    "Parent Process ID" },
	{ "proc.apid", FT_INT64, FARG_INDEX,
	    FF_NO_RHS|FF_NO_TRANSFORMER|FF_MULTI_NOARG,
	    "Ancestor Process ID" },
	{ "proc.vpid", FT_INT64, FARG_NONE, 0,
	    "Virtual Process ID" },
	{ "proc.pvpid", FT_INT64, FARG_NONE, 0,
	    "Parent Virtual Process ID" },
	{ "proc.sid", FT_INT64, FARG_NONE, 0,
	    "Process Session ID" },
	{ "proc.sname", FT_CHARBUF, FARG_NONE, 0,
	    "Process Session Name" },
	{ "proc.sid.exe", FT_CHARBUF, FARG_NONE, 0,
	    "Process Session First Argument" },
	{ "proc.sid.exepath", FT_CHARBUF, FARG_NONE, 0,
	    "Process Session Executable Path" },
	{ "proc.vpgid", FT_INT64, FARG_NONE, 0,
	    "Process Virtual Group ID" },
	{ "proc.vpgid.name", FT_CHARBUF, FARG_NONE, 0,
	    "Process Group Name" },
	{ "proc.vpgid.exe", FT_CHARBUF, FARG_NONE, 0,
	    "Process Group First Argument" },
	{ "proc.vpgid.exepath", FT_CHARBUF, FARG_NONE, 0,
	    "Process Group Executable Path" },
	{ "proc.pgid", FT_INT64, FARG_NONE, 0,
	    "Process Group ID" },
	{ "proc.pgid.name", FT_CHARBUF, FARG_NONE, 0,
	    "Process Group Name" },
	{ "proc.pgid.exe", FT_CHARBUF, FARG_NONE, 0,
	    "Process Group First Argument" },
	{ "proc.pgid.exepath", FT_CHARBUF, FARG_NONE, 0,
	    "Process Group Executable Path" },
	{ "proc.duration", FT_RELTIME, FARG_NONE, 0,
	    "Process Duration" },
	{ "proc.ppid.duration", FT_RELTIME, FARG_NONE, 0,
	    "Parent Process Duration" },
	{ "proc.pid.ts", FT_RELTIME, FARG_NONE, 0,
	    "Process start ts" },
	{ "proc.ppid.ts", FT_RELTIME, FARG_NONE, 0,
	    "Parent Process start ts" },
	{ "proc.is_exe_writable", FT_BOOL, FARG_NONE, 0,
	    "Process Executable Is Writable" },
	{ "proc.is_exe_upper_layer", FT_BOOL, FARG_NONE, 0,
	    "Process Executable Is In Upper Layer" },
	{ "proc.is_exe_lower_layer", FT_BOOL, FARG_NONE, 0,
	    "Process Executable Is In Lower Layer" },
	{ "proc.is_exe_from_memfd", FT_BOOL, FARG_NONE, 0,
	    "Process Executable Is Stored In Memfd" },
	{ "proc.is_sid_leader", FT_BOOL, FARG_NONE, 0,
	    "Process Is Process Session Leader" },
	{ "proc.is_vpgid_leader", FT_BOOL, FARG_NONE, 0,
	    "Process Is Virtual Process Group Leader" },
	{ "proc.is_pgid_leader", FT_BOOL, FARG_NONE, 0,
	    "Process Is Process Group Leader" },
	{ "proc.exe_ino", FT_INT64, FARG_NONE, 0,
	    "Inode number of executable file on disk" },
	{ "proc.exe_ino.ctime", FT_ABSTIME, FARG_NONE, 0,
	    "Last status change time (ctime) of executable file" },
	{ "proc.exe_ino.mtime", FT_ABSTIME, FARG_NONE, 0,
	    "Last modification time (mtime) of executable file" },
	{ "proc.exe_ino.ctime_duration_proc_start", FT_ABSTIME, FARG_NONE, 0,
	    "Number of nanoseconds between ctime exe file and proc clone ts" },
	{ "proc.exe_ino.ctime_duration_pidns_start", FT_ABSTIME, FARG_NONE, 0,
	    "Number of nanoseconds between pidns start ts and ctime exe file" },
	{ "proc.pidns_init_start_ts", FT_UINT64, FARG_NONE, 0,
	    "Start ts of pid namespace" },
	{ "thread.cap_permitted", FT_CHARBUF, FARG_NONE, 0,
	    "Permitted capabilities" },
	{ "thread.cap_inheritable", FT_CHARBUF, FARG_NONE, 0,
	    "Inheritable capabilities" },
	{ "thread.cap_effective", FT_CHARBUF, FARG_NONE, 0,
	    "Effective capabilities" },
	{ "proc.fdopencount", FT_UINT64, FARG_NONE, 0,
	    "FD Count" },
	{ "proc.fdlimit", FT_INT64, FARG_NONE, 0,
	    "FD Limit" },
	{ "proc.fdusage", FT_DOUBLE, FARG_NONE, 0,
	    "FD Usage" },
	{ "proc.vmsize", FT_UINT64, FARG_NONE, 0,
	    "VM Size" },
	{ "proc.vmrss", FT_UINT64, FARG_NONE, 0,
	    "VM RSS" },
	{ "proc.vmswap", FT_UINT64, FARG_NONE, 0,
	    "VM Swap" },
	{ "thread.pfmajor", FT_UINT64, FARG_NONE, 0,
	    "Major Page Faults" },
	{ "thread.pfminor", FT_UINT64, FARG_NONE, 0,
	    "Minor Page Faults" },
	{ "thread.tid", FT_INT64, FARG_NONE, 0,
	    "Thread ID" },
	{ "thread.ismain", FT_BOOL, FARG_NONE, 0,
	    "Main Thread" },
	{ "thread.vtid", FT_INT64, FARG_NONE, 0,
	    "Virtual Thread ID" },
	{ "thread.nametid", FT_CHARBUF, FARG_NONE, FF_HIDDEN,
	    "Thread Name + ID" },
	{ "thread.exectime", FT_RELTIME, FARG_NONE, 0,
	    "Scheduled Thread CPU Time" },
	{ "thread.totexectime", FT_RELTIME, FARG_NONE, 0,
	    "Current Thread CPU Time" },
	{ "thread.cgroups", FT_CHARBUF, FARG_NONE, 0,
	    "Thread Cgroups" },
	{ "thread.cgroup", FT_CHARBUF, FARG_KEY_REQ, FF_DOTTED_ARG,
	    "Thread Cgroup" },
	{ "proc.nthreads", FT_UINT64, FARG_NONE, 0,
	    "Threads" },
	{ "proc.nchilds", FT_UINT64, FARG_NONE, 0,
	    "Children" },
	{ "thread.cpu", FT_DOUBLE, FARG_NONE, 0,
	    "Thread CPU" },
	{ "thread.cpu.user", FT_DOUBLE, FARG_NONE, 0,
	    "Thread User CPU" },
	{ "thread.cpu.system", FT_DOUBLE, FARG_NONE, 0,
	    "Thread System CPU" },
	{ "thread.vmsize", FT_UINT64, FARG_NONE, 0,
	    "Thread VM Size (kb)" },
	{ "thread.vmrss", FT_UINT64, FARG_NONE, 0,
	    "Thread VM RSS (kb)" },
	{ "thread.vmsize.b", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "Thread VM Size (b)" },
	{ "thread.vmrss.b", FT_UINT64, FARG_NONE, FF_HIDDEN,
	    "Thread VM RSS (b)" },
	{ "proc.stdin.type", FT_CHARBUF, FARG_NONE, 0,
	    "Standard Input fd type" },
	{ "proc.stdout.type", FT_CHARBUF, FARG_NONE, 0,
	    "Standard Output fd type" },
	{ "proc.stderr.type", FT_CHARBUF, FARG_NONE, 0,
	    "Standard Error fd type" },
	{ "proc.stdin.name", FT_CHARBUF, FARG_NONE, 0,
	    "Standard Input fd name" },
	{ "proc.stdout.name", FT_CHARBUF, FARG_NONE, 0,
	    "Standard Output fd name" },
	{ "proc.stderr.name", FT_CHARBUF, FARG_NONE, 0,
	    "Standard Error fd name" },
};

static const struct field_info user_fields[] = {
	{ "user.uid", FT_UINT32, FARG_NONE, 0,
	    "User ID" },
	{ "user.name", FT_CHARBUF, FARG_NONE, 0,
	    "User Name" },
	{ "user.homedir", FT_CHARBUF, FARG_NONE, 0,
	    "Home Directory" },
	{ "user.shell", FT_CHARBUF, FARG_NONE, 0,
	    "Shell" },
	{ "user.loginuid", FT_INT64, FARG_NONE, 0,
	    "Login User ID" },
	{ "user.loginname", FT_CHARBUF, FARG_NONE, 0,
	    "Login User Name" },
};

static const struct field_info group_fields[] = {
	{ "group.gid", FT_UINT32, FARG_NONE, 0,
	    "Group ID" },
	{ "group.name", FT_CHARBUF, FARG_NONE, 0,
	    "Group Name" },
};

static const struct field_info fd_fields[] = {
	{ "fd.num", FT_INT64, FARG_NONE, 0,
	    "FD Number" },
	{ "fd.type", FT_CHARBUF, FARG_NONE, 0,
	    "FD Type" },
	{ "fd.typechar", FT_CHARBUF, FARG_NONE, 0,
	    "FD Type Char" },
	{ "fd.name", FT_CHARBUF, FARG_NONE, 0,
	    "FD Name" },
	{ "fd.directory", FT_CHARBUF, FARG_NONE, 0,
	    "FD Directory" },
	{ "fd.filename", FT_CHARBUF, FARG_NONE, 0,
	    "FD Filename" },
	{ "fd.ip", FT_IPADDR, FARG_NONE,
	    FF_FILTER_ONLY|FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD IP Address" },
	{ "fd.cip", FT_IPADDR, FARG_NONE, 0,
	    "FD Client Address" },
	{ "fd.sip", FT_IPADDR, FARG_NONE, 0,
	    "FD Server Address" },
	{ "fd.lip", FT_IPADDR, FARG_NONE, 0,
	    "FD Local Address" },
	{ "fd.rip", FT_IPADDR, FARG_NONE, 0,
	    "FD Remote Address" },
	{ "fd.port", FT_PORT, FARG_NONE,
	    FF_FILTER_ONLY|FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Port" },
	{ "fd.cport", FT_PORT, FARG_NONE, 0,
	    "FD Client Port" },
	{ "fd.sport", FT_PORT, FARG_NONE, 0,
	    "FD Server Port" },
	{ "fd.lport", FT_PORT, FARG_NONE, 0,
	    "FD Local Port" },
	{ "fd.rport", FT_PORT, FARG_NONE, 0,
	    "FD Remote Port" },
	{ "fd.l4proto", FT_CHARBUF, FARG_NONE, 0,
	    "FD IP Protocol" },
	{ "fd.sockfamily", FT_CHARBUF, FARG_NONE, 0,
	    "FD Socket Family" },
	{ "fd.is_server", FT_BOOL, FARG_NONE, 0,
	    "FD Server" },
	{ "fd.uid", FT_CHARBUF, FARG_NONE, 0,
	    "FD ID" },
	{ "fd.containername", FT_CHARBUF, FARG_NONE, 0,
	    "FD Container Name" },
	{ "fd.containerdirectory", FT_CHARBUF, FARG_NONE, 0,
	    "FD Container Directory" },
	{ "fd.proto", FT_PORT, FARG_NONE,
	    FF_FILTER_ONLY|FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Protocol" },
	{ "fd.cproto", FT_CHARBUF, FARG_NONE, 0,
	    "FD Client Protocol" },
	{ "fd.sproto", FT_CHARBUF, FARG_NONE, 0,
	    "FD Server Protocol" },
	{ "fd.lproto", FT_CHARBUF, FARG_NONE, 0,
	    "FD Local Protocol" },
	{ "fd.rproto", FT_CHARBUF, FARG_NONE, 0,
	    "FD Remote Protocol" },
	{ "fd.net", FT_IPNET, FARG_NONE,
	    FF_FILTER_ONLY|FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD IP Network" },
	{ "fd.cnet", FT_IPNET, FARG_NONE,
	    FF_FILTER_ONLY|FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Client Network" },
	{ "fd.snet", FT_IPNET, FARG_NONE,
	    FF_FILTER_ONLY|FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Server Network" },
	{ "fd.lnet", FT_IPNET, FARG_NONE,
	    FF_FILTER_ONLY|FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Local Network" },
	{ "fd.rnet", FT_IPNET, FARG_NONE,
	    FF_FILTER_ONLY|FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Remote Network" },
	{ "fd.connected", FT_BOOL, FARG_NONE, 0,
	    "FD Connected" },
	{ "fd.name_changed", FT_BOOL, FARG_NONE, 0,
	    "FD Name Changed" },
	{ "fd.cip.name", FT_CHARBUF, FARG_NONE, FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Client Domain Name" },
	{ "fd.sip.name", FT_CHARBUF, FARG_NONE, FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Server Domain Name" },
	{ "fd.lip.name", FT_CHARBUF, FARG_NONE, FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Local Domain Name" },
	{ "fd.rip.name", FT_CHARBUF, FARG_NONE, FF_NO_RHS|FF_NO_TRANSFORMER,
	    "FD Remote Domain Name" },
	{ "fd.dev", FT_INT32, FARG_NONE, 0,
	    "FD Device" },
	{ "fd.dev.major", FT_INT32, FARG_NONE, 0,
	    "FD Major Device" },
	{ "fd.dev.minor", FT_INT32, FARG_NONE, 0,
	    "FD Minor Device" },
	{ "fd.ino", FT_INT64, FARG_NONE, 0,
	    "FD Inode Number" },
	{ "fd.nameraw", FT_CHARBUF, FARG_NONE, 0,
	    "FD Name Raw" },
	{ "fd.types", FT_CHARBUF, FARG_INDEX, FF_NO_RHS|FF_IS_LIST,
	    "FD Type" },
	{ "fd.is_upper_layer", FT_BOOL, FARG_NONE, 0,
	    "FD Upper Layer" },
	{ "fd.is_lower_layer", FT_BOOL, FARG_NONE, 0,
	    "FD Lower Layer" },
};

static const struct field_info fdlist_fields[] = {
	{ "fdlist.nums", FT_CHARBUF, FARG_NONE, 0,
	    "FD Numbers" },
	{ "fdlist.names", FT_CHARBUF, FARG_NONE, 0,
	    "FD Names" },
	{ "fdlist.cips", FT_CHARBUF, FARG_NONE, 0,
	    "FD Client Addresses" },
	{ "fdlist.sips", FT_CHARBUF, FARG_NONE, 0,
	    "FD Source Addresses" },
	{ "fdlist.cports", FT_CHARBUF, FARG_NONE, 0,
	    "FD Client Ports" },
	{ "fdlist.sports", FT_CHARBUF, FARG_NONE, 0,
	    "FD Source Ports" },
};

static const struct field_info fs_path_fields[] = {
	{ "fs.path.name", FT_CHARBUF, FARG_NONE, 0,
	    "Path for Filesystem-related operation" },
	{ "fs.path.nameraw", FT_CHARBUF, FARG_NONE, 0,
	    "Raw path for Filesystem-related operation" },
	{ "fs.path.source", FT_CHARBUF, FARG_NONE, 0,
	    "Source path for Filesystem-related operation" },
	{ "fs.path.sourceraw", FT_CHARBUF, FARG_NONE, 0,
	    "Source path for Filesystem-related operation" },
	{ "fs.path.target", FT_CHARBUF, FARG_NONE, 0,
	    "Target path for Filesystem-related operation" },
	{ "fs.path.targetraw", FT_CHARBUF, FARG_NONE, 0,
	    "Target path for Filesystem-related operation" },
};

static const struct field_info container_fields[] = {
	{ "container.id", FT_CHARBUF, FARG_NONE, 0, "Container ID" },
	{ "container.full_id", FT_CHARBUF, FARG_NONE, 0,
	    "Container full ID" },
	{ "container.name", FT_CHARBUF, FARG_NONE, 0, "Container Name" },
	{ "container.image", FT_CHARBUF, FARG_NONE, 0, "Image Name" },
	{ "container.image.id", FT_CHARBUF, FARG_NONE, 0, "Image ID" },
	{ "container.type", FT_CHARBUF, FARG_NONE, 0, "Type" },
	{ "container.privileged", FT_BOOL, FARG_NONE, 0, "Privileged" },
	{ "container.mounts", FT_CHARBUF, FARG_NONE, 0, "Mounts" },
	{ "container.mount", FT_CHARBUF, FARG_KEY_REQ, 0, "Mount" },
	{ "container.mount.source", FT_CHARBUF, FARG_KEY_REQ, 0,
	    "Mount Source" },
	{ "container.mount.dest", FT_CHARBUF, FARG_KEY_REQ, 0,
	    "Mount Destination" },
	{ "container.mount.mode", FT_CHARBUF, FARG_KEY_REQ, 0,
	    "Mount Mode" },
	{ "container.mount.rdwr", FT_CHARBUF, FARG_KEY_REQ, 0,
	    "Mount Read/Write" },
	{ "container.mount.propagation", FT_CHARBUF, FARG_KEY_REQ, 0,
	    "Mount Propagation" },
	{ "container.image.repository", FT_CHARBUF, FARG_NONE, 0,
	    "Repository" },
	{ "container.image.tag", FT_CHARBUF, FARG_NONE, 0, "Image Tag" },
	{ "container.image.digest", FT_CHARBUF, FARG_NONE, 0,
	    "Registry Digest" },
	{ "container.healthcheck", FT_CHARBUF, FARG_NONE, 0,
	    "Health Check" },
	{ "container.liveness_probe", FT_CHARBUF, FARG_NONE, 0,
	    "Liveness" },
	{ "container.readiness_probe", FT_CHARBUF, FARG_NONE, 0,
	    "Readiness" },
	{ "container.start_ts", FT_ABSTIME, FARG_NONE, 0,
	    "Container start" },
	{ "container.duration", FT_RELTIME, FARG_NONE, 0,
	    "Container duration" },
	{ "container.ip", FT_CHARBUF, FARG_NONE, 0, "Container ip address" },
	{ "container.cni.json", FT_CHARBUF, FARG_NONE, 0,
	    "Container's / pod's CNI result json" },
	{ "container.host_pid", FT_BOOL, FARG_NONE, 0, "Host PID Namespace" },
	{ "container.host_network", FT_BOOL, FARG_NONE, 0,
	    "Host Network Namespace" },
	{ "container.host_ipc", FT_BOOL, FARG_NONE, 0,
	    "Host IPC Namespace" },
	{ "container.label", FT_CHARBUF, FARG_KEY_REQ, FF_DOTTED_ARG,
	    "Container Label" },
	{ "container.labels", FT_CHARBUF, FARG_NONE, 0, "Container Labels" },
	{ "container.info", FT_CHARBUF, FARG_NONE, FF_DEPRECATED,
	    "Container Info" },
	{ "proc.is_container_healthcheck", FT_BOOL, FARG_NONE, 0,
	    "Process Is Container Healthcheck" },
	{ "proc.is_container_liveness_probe", FT_BOOL, FARG_NONE, 0,
	    "Process Is Container Liveness" },
	{ "proc.is_container_readiness_probe", FT_BOOL, FARG_NONE, 0,
	    "Process Is Container Readiness" },
};

static const struct field_info k8s_fields[] = {
	{ "k8s.pod.name", FT_CHARBUF, FARG_NONE, 0, "Pod Name" },
	{ "k8s.pod.id", FT_CHARBUF, FARG_NONE, 0, "Legacy Pod UID" },
	{ "k8s.pod.uid", FT_CHARBUF, FARG_NONE, 0, "Pod UID" },
	{ "k8s.pod.sandbox_id", FT_CHARBUF, FARG_NONE, 0,
	    "Pod / Sandbox ID" },
	{ "k8s.pod.full_sandbox_id", FT_CHARBUF, FARG_NONE, 0,
	    "Pod / Sandbox full ID" },
	{ "k8s.pod.label", FT_CHARBUF, FARG_KEY_REQ, FF_DOTTED_ARG,
	    "Pod Label" },
	{ "k8s.pod.labels", FT_CHARBUF, FARG_NONE, 0, "Pod Labels" },
	{ "k8s.pod.ip", FT_CHARBUF, FARG_NONE, 0, "Pod Ip" },
	{ "k8s.pod.cni.json", FT_CHARBUF, FARG_NONE, 0, "Pod CNI result json" },
	{ "k8s.ns.name", FT_CHARBUF, FARG_NONE, 0, "Namespace Name" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct field_class builtin[] = {
	{ "evt", "syscall", "All event types", evt_gen_fields,
	    NELEM(evt_gen_fields), NULL },
	{ "evt", "syscall", "Syscall events only", evt_fields,
	    NELEM(evt_fields), NULL },
	{ "process", "syscall", "Process and thread of the event",
	    process_fields, NELEM(process_fields), NULL },
	{ "user", "syscall", "User of the event", user_fields,
	    NELEM(user_fields), NULL },
	{ "group", "syscall", "Group of the event", group_fields,
	    NELEM(group_fields), NULL },
	{ "fd", "syscall", "File descriptor of the event", fd_fields,
	    NELEM(fd_fields), NULL },
	{ "fdlist", "syscall", "File descriptors of poll events",
	    fdlist_fields, NELEM(fdlist_fields), NULL },
	{ "fs.path", "syscall", "Filesystem paths of the event",
	    fs_path_fields, NELEM(fs_path_fields), NULL },
	{ "container", "syscall", "Container of the event",
	    container_fields, NELEM(container_fields), NULL },
	{ "k8s", "syscall", "Kubernetes pod of the event", k8s_fields,
	    NELEM(k8s_fields), NULL },
};

static struct field_class **classes;
static size_t nclasses;
static int initialized;

/*
 * Name index: open addressing over (class, field) pairs, rebuilt when a
 * class is registered.  Lookups happen for every field of every
 * condition and output, so they must not scan the whole registry.
 */
struct slot {
	const struct field_class *cls;
	uint16_t	 id;
};

static struct slot *index_slots;
static size_t index_cap;

static uint64_t
name_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static const struct field_info *
lookup(const char *name, size_t len, const struct field_class **clsp,
    uint16_t *idp)
{
	size_t i;

	if (index_cap == 0)
		return NULL;
	for (i = name_hash(name, len) & (index_cap - 1);
	    index_slots[i].cls != NULL; i = (i + 1) & (index_cap - 1)) {
		const struct field_class *cls = index_slots[i].cls;
		const char *fn = cls->fields[index_slots[i].id].name;

		if (strncmp(fn, name, len) == 0 && fn[len] == '\0') {
			*clsp = cls;
			*idp = index_slots[i].id;
			return &cls->fields[index_slots[i].id];
		}
	}
	return NULL;
}

static void
index_add(const struct field_class *cls, uint16_t id)
{
	const char *n = cls->fields[id].name;
	size_t i;

	for (i = name_hash(n, strlen(n)) & (index_cap - 1);
	    index_slots[i].cls != NULL; i = (i + 1) & (index_cap - 1))
		;
	index_slots[i].cls = cls;
	index_slots[i].id = id;
}

static void
index_rebuild(void)
{
	size_t total = 0, c, i;

	for (c = 0; c < nclasses; c++)
		total += classes[c]->nfields;
	for (index_cap = 64; index_cap < total * 2; index_cap *= 2)
		;
	free(index_slots);
	index_slots = xcalloc(index_cap, sizeof(*index_slots));
	for (c = 0; c < nclasses; c++)
		for (i = 0; i < classes[c]->nfields; i++)
			index_add(classes[c], (uint16_t)i);
}

int
fields_register_class(struct field_class *cls)
{
	const struct field_class *dup;
	uint16_t id;
	size_t i;

	for (i = 0; i < cls->nfields; i++) {
		if (lookup(cls->fields[i].name, strlen(cls->fields[i].name),
		    &dup, &id) != NULL)
			return -1;
	}
	for (i = 0; i < cls->nfields; i++) {
		size_t j;

		/* names must be unique within the class too */
		for (j = 0; j < i; j++)
			if (strcmp(cls->fields[i].name,
			    cls->fields[j].name) == 0)
				return -1;
	}
	classes = xreallocarray(classes, nclasses + 1, sizeof(*classes));
	classes[nclasses++] = cls;
	index_rebuild();
	return 0;
}

void
fields_init(void)
{
	size_t i;

	if (initialized)
		return;
	initialized = 1;
	for (i = 0; i < NELEM(builtin); i++)
		(void)fields_register_class(&builtin[i]);
}

int
fields_set_extractor(const char *cls_name, field_extract_fn fn)
{
	size_t c;
	int found = -1;

	fields_init();
	for (c = 0; c < nclasses; c++) {
		if (strcmp(classes[c]->name, cls_name) == 0) {
			classes[c]->extract = fn;
			found = 0;
		}
	}
	return found;
}

size_t
fields_nclasses(void)
{
	fields_init();
	return nclasses;
}

const struct field_class *
fields_class(size_t i)
{
	fields_init();
	return i < nclasses ? classes[i] : NULL;
}

static int
parse_index(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '\0' || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}

static int
errf(struct filter_err *err, const char *fmt, const char *a, const char *b)
{
	if (err != NULL)
		snprintf(err->msg, sizeof(err->msg), fmt, a, b);
	return -1;
}

int
fields_resolve(const char *name, const char *arg, int has_arg,
    struct field_ref *ref, struct filter_err *err)
{
	const struct field_info *fi;
	const struct field_class *cls = NULL;
	uint16_t id = 0;
	size_t i;

	fields_init();
	memset(ref, 0, sizeof(*ref));
	fi = lookup(name, strlen(name), &cls, &id);
	if (fi == NULL && !has_arg) {
		/* name.ARG: the longest registered prefix that allows it */
		for (i = strlen(name); i-- > 0;) {
			if (name[i] != '.')
				continue;
			fi = lookup(name, i, &cls, &id);
			if (fi != NULL && (fi->flags & FF_DOTTED_ARG) &&
			    name[i + 1] != '\0') {
				arg = name + i + 1;
				has_arg = 1;
				break;
			}
			fi = NULL;
		}
	}
	if (fi == NULL) {
		if (has_arg)
			return errf(err, "filter_check called with "
			    "nonexistent field %s[%s]", name, arg);
		return errf(err, "filter_check called with nonexistent "
		    "field %s%s", name, "");
	}
	ref->cls = cls;
	ref->info = fi;
	ref->id = id;
	switch (fi->arg) {
	case FARG_NONE:
		if (has_arg)
			return errf(err, "filter_check called with "
			    "nonexistent field %s[%s]", name, arg);
		return 0;
	case FARG_INDEX:
		if (!has_arg)
			return 0;
		if (parse_index(arg, &ref->arg_index) != 0)
			return errf(err, "wrong argument '%s' for field "
			    "'%s': expected a non-negative number", arg,
			    fi->name);
		ref->has_arg = 1;
		return 0;
	case FARG_KEY:
	case FARG_KEY_REQ:
		if (!has_arg) {
			if (fi->arg == FARG_KEY)
				return 0;
			return errf(err, "field '%s' requires an argument%s",
			    fi->name, "");
		}
		if (*arg == '\0')
			return errf(err, "empty argument for field '%s'%s",
			    fi->name, "");
		ref->has_arg = 1;
		ref->arg_key = xstrdup(arg);
		return 0;
	case FARG_EVTARG:
		if (!has_arg)
			return errf(err, "field '%s' requires an argument%s",
			    fi->name, "");
		if (*arg == '\0')
			return errf(err, "empty argument for field '%s'%s",
			    fi->name, "");
		ref->has_arg = 1;
		ref->arg_index = -1;
		if (parse_index(arg, &ref->arg_index) != 0) {
			ref->arg_index = -1;
			ref->arg_key = xstrdup(arg);
		}
		return 0;
	}
	return 0;
}

const char *
ftype_name(enum ftype t)
{
	static const char *const names[FT_MAX] = {
		[FT_NONE] = "NONE", [FT_INT16] = "INT16",
		[FT_INT32] = "INT32", [FT_INT64] = "INT64",
		[FT_UINT32] = "UINT32", [FT_UINT64] = "UINT64",
		[FT_DOUBLE] = "DOUBLE", [FT_BOOL] = "BOOL",
		[FT_CHARBUF] = "CHARBUF", [FT_FSPATH] = "FSPATH",
		[FT_BYTEBUF] = "BYTEBUF", [FT_RELTIME] = "RELTIME",
		[FT_ABSTIME] = "ABSTIME", [FT_IPADDR] = "IPADDR",
		[FT_IPNET] = "IPNET", [FT_PORT] = "PORT", [FT_DYN] = "DYN",
	};

	return (unsigned)t < FT_MAX ? names[t] : "NONE";
}
