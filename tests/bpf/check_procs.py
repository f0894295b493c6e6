# SPDX-License-Identifier: Apache-2.0
"""Check the process events of workload_procs.sh in a falco-bpf-dump
capture: the reaper of an exit with a child subreaper above, the exec
flags (overlay layer, writable, memfd), the overlay bits of open and
creat, and the values Falco's modern eBPF driver gives clone, vfork and
failed execve/clone events.

    check_procs.py SRC RAW DIR

Prints one PASS:/FAIL: line per check (tests/run.sh counts them)."""
import json
import os
import sys
import time

import fevt

src, raw, d = sys.argv[1:4]
schema = fevt.load_schema(src)
events = fevt.read_raw(schema, raw)
exp = json.load(open(os.path.join(d, 'procs.json')))
failed = 0

# Portable values (kmod/uapi/flags.tbl).
EXE_WRITABLE, EXE_UPPER, EXE_MEMFD, EXE_LOWER = 0x1, 0x2, 0x4, 0x8
O_F_CREATED, FD_UPPER, FD_LOWER = 0x4000, 0x8000, 0x10000
CHILD_IN_PIDNS = 0x20000000
LAYERS = EXE_UPPER | EXE_LOWER


def check(name, ok, detail=''):
    global failed
    if ok:
        print('PASS: bpf_procs_%s' % name)
    else:
        failed += 1
        print('FAIL: bpf_procs_%s %s' % (name, detail))


def find(sym, **want):
    """The first event sym whose header tid or parameters equal want."""
    for e in events:
        if e.sym != sym:
            continue
        try:
            if all((e.tid if k == 'tid' else e[k]) == v
                   for k, v in want.items()):
                return e
        except KeyError:
            continue
    return None


def expect(name, e, **want):
    if e is None:
        check(name, False, 'event not found')
        return
    bad = {k: (e[k], v) for k, v in want.items() if e[k] != v}
    check(name, not bad, 'got/want %r in %r' % (bad, e))


def exec_of(prog):
    """The successful execve event of the program named prog."""
    for e in events:
        if e.sym == 'SYSCALL_EXECVE_19_X' and e['res'] == 0 and \
                (e['filename'] or '').endswith('/' + prog):
            return e
    return None


def flag_check(name, e, mask, want):
    if e is None:
        check(name, False, 'event not found')
        return
    check(name, e['flags'] & mask == want,
          'flags 0x%x & 0x%x != 0x%x' % (e['flags'], mask, want))


# -- the reaper: the middle's orphan goes to the subreaper --
rpid, mpid, opid = (int(x) for x in open(os.path.join(d, 'reaper.out'))
                    .read().split())
o_pid, o_ppid = (int(x) for x in open(os.path.join(d, 'orphan'))
                 .read().split())
check('kernel_adopted_by_subreaper', o_pid == opid and o_ppid == rpid,
      'orphan %d has parent %d, subreaper is %d' % (o_pid, o_ppid, rpid))
expect('procexit_reaper_is_subreaper', find('PROCEXIT_1_E', tid=mpid),
       reaper_tid=rpid, status=0)
expect('procexit_no_children_no_reaper', find('PROCEXIT_1_E', tid=opid),
       reaper_tid=0)

# -- exec flags --
flag_check('exec_lower_layer', exec_of('lv_lower'), LAYERS, EXE_LOWER)
flag_check('exec_upper_layer', exec_of('lv_upper'), LAYERS, EXE_UPPER)
flag_check('exec_not_overlay', exec_of('lv_nsinit'), LAYERS | EXE_MEMFD, 0)
flag_check('exec_nobody_0755_not_writable', exec_of('lv_wr_no'),
           EXE_WRITABLE, 0)
flag_check('exec_nobody_0757_writable', exec_of('lv_wr_yes'),
           EXE_WRITABLE, EXE_WRITABLE)
flag_check('exec_root_owner_writable', exec_of('lv_wr_root'),
           EXE_WRITABLE, EXE_WRITABLE)
flag_check('exec_readonly_fs_not_writable', exec_of('lv_wr_ro'),
           EXE_WRITABLE, 0)
if exp['memfd_errno'] != 0:
    for n in ('exec_memfd', 'exec_memfd_paths'):
        print('SKIP: bpf_procs_%s: the exec from a memfd itself failed here: '
              '%s' % (n, os.strerror(exp['memfd_errno'])))
else:
    e = find('SYSCALL_EXECVE_19_X', tid=exp['memfd'], res=0)
    flag_check('exec_memfd', e, EXE_MEMFD | LAYERS, EXE_MEMFD)
    expect('exec_memfd_paths', e, exe='lv_memfd',
           trusted_exepath='memfd:lv_memfd')

# The new image's sizes in KiB.  rss is the counters' shared part only
# (per-CPU deltas not folded in, as in Falco's drivers): right after the
# exec it is often 0.
e = exec_of('lv_nsinit')
if e is None:
    check('exec_vm', False, 'event not found')
else:
    check('exec_vm', 0 < e['vm_size'] < 1 << 20 and
          e['vm_rss'] <= e['vm_size'] and
          e['vm_swap'] is not None and e['cwd'] is None,
          'size %r rss %r swap %r cwd %r' % (e['vm_size'], e['vm_rss'],
                                              e['vm_swap'], e['cwd']))

# -- failed execve: exe is argv[0], the path is the caller's image --
e = find('SYSCALL_EXECVE_19_X', tid=exp['pid'], filename='/nonexistent-fb/x')
# Resolved from the global root, as Falco's drivers do: inside a chroot
# (the QEMU guest runs the tests in one) it has the chroot's prefix.
expect('failed_execve', e, res=-2, exe='argv0-fb', args=b'a1\0')
if e is not None:
    check('failed_execve_trusted_exepath',
          e['trusted_exepath'].endswith(exp['exe']),
          '%r does not end with %r' % (e['trusted_exepath'], exp['exe']))
e = find('SYSCALL_EXECVE_19_X', tid=exp['pid'], filename='/nonexistent-fb/y')
if e is None:
    check('failed_execve_no_argv', False, 'event not found')
else:
    check('failed_execve_no_argv', e.raw[1] == b'\0' and e.raw[2] == b'',
          'exe %r args %r' % (e.raw[1], e.raw[2]))

# -- overlay bits of open and creat --
merged = os.path.join(d, 't', 'merged')
e = find('SYSCALL_OPENAT_2_X', name=merged + '/lv_lower')
flag_check('open_lower_layer', e, FD_UPPER | FD_LOWER | O_F_CREATED,
           FD_LOWER)
e = find('SYSCALL_OPENAT_2_X', name=merged + '/lv_new')
flag_check('open_created_upper_layer', e, FD_UPPER | FD_LOWER | O_F_CREATED,
           FD_UPPER | O_F_CREATED)
e = None
for x in events:
    if x.sym == 'SYSCALL_OPENAT_2_X' and x['fd'] >= 0 and \
            x['name'] == os.path.join(d, 'lv_nsinit'):
        e = x
flag_check('open_not_overlay', e, FD_UPPER | FD_LOWER, 0)
expect('creat_upper_layer', find('SYSCALL_CREAT_X',
                                 name=merged + '/lv_creat'), creat_flags=1)
expect('creat_not_overlay', find('SYSCALL_CREAT_X',
                                 name=os.path.join(d, 'lv_creat')),
       creat_flags=0)

# -- clone family --
e = find('SYSCALL_CLONE_20_X', tid=exp['pid'], res=-22)
if e is None:
    check('failed_clone_no_exe', False, 'event not found')
else:
    check('failed_clone_no_exe', e.raw[1] == b'' and e.raw[2] == b'' and
          e['flags'] == 0x800 and e['pidns_init_start_ts'] == 0, repr(e))

vpid = int(open(os.path.join(d, 'vfork.out')).read())
expect('vfork_parent', find('SYSCALL_VFORK_20_X', res=vpid), flags=0,
       pidns_init_start_ts=0)

# The init of the initial pid namespace started at /proc/1/stat's
# starttime (clock ticks since boot).
with open('/proc/1/stat') as f:
    start1 = int(f.read().rsplit(')', 1)[1].split()[19])
init_ns = start1 * 10 ** 9 // os.sysconf('SC_CLK_TCK')
tick = 10 ** 9 // os.sysconf('SC_CLK_TCK')
e = find('SYSCALL_VFORK_20_X', tid=vpid, res=0)
expect('vfork_child', e, flags=0, vtid=vpid)
if e is not None:
    check('vfork_child_pidns_init_start_ts',
          abs(e['pidns_init_start_ts'] - init_ns) <= 2 * tick,
          '%d vs init %d' % (e['pidns_init_start_ts'], init_ns))
e = find('SYSCALL_CLONE_20_X', tid=exp['fork'], res=0)
if e is None:
    check('fork_child', False, 'event not found')
else:
    check('fork_child', e['flags'] & CHILD_IN_PIDNS == 0 and
          abs(e['pidns_init_start_ts'] - init_ns) <= 2 * tick, repr(e))
expect('fork_parent', find('SYSCALL_CLONE_20_X', tid=exp['pid'],
                           res=exp['fork']), pidns_init_start_ts=0)

# unshare --pid --fork: both sides say CHILD_IN_PIDNS; the child is the
# init of the new namespace, so the start time is its own (now).
e = exec_of('lv_nsinit')
ns_tid = e.tid if e is not None else -1
child = find('SYSCALL_CLONE_20_X', tid=ns_tid, res=0)
parent = find('SYSCALL_CLONE_20_X', res=ns_tid)
epoch = time.clock_gettime_ns(time.CLOCK_REALTIME) - \
    time.clock_gettime_ns(time.CLOCK_BOOTTIME)
if child is None or parent is None:
    check('pidns_clone', False, 'events not found')
else:
    own = child.ts - epoch
    check('pidns_child', child['flags'] & CHILD_IN_PIDNS != 0 and
          child['vtid'] == 1 and
          abs(child['pidns_init_start_ts'] - own) < 10 ** 9,
          'ts %d vs own start ~%d in %r' % (child['pidns_init_start_ts'],
                                            own, child))
    check('pidns_parent', parent['flags'] & CHILD_IN_PIDNS != 0 and
          parent['pidns_init_start_ts'] == 0, repr(parent))

print('bpf_procs: %d events, %d failed checks' % (len(events), failed))
