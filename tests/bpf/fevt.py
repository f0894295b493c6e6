# SPDX-License-Identifier: Apache-2.0
"""Decoding of event records for the eBPF driver tests.

Records are struct fevt_hdr (26 bytes: u64 ts, u64 tid, u32 len, u16
type, u32 nparams), then nparams u16 lengths, then the parameters.  The
parameter names and types come from kmod/uapi/events.tbl, so the tests
check the driver against the schema rather than against a copy of it.
"""
import gzip
import os
import struct

HDR = struct.Struct('<QQIHI')

# Bytes of each fixed-size parameter type; others are variable.
FIXED = {
    'INT8': 1, 'UINT8': 1, 'FLAGS8': 1, 'ENUMFLAGS8': 1, 'SIGTYPE': 1,
    'INT16': 2, 'UINT16': 2, 'FLAGS16': 2, 'ENUMFLAGS16': 2,
    'SYSCALLID': 2, 'PORT': 2,
    'INT32': 4, 'UINT32': 4, 'FLAGS32': 4, 'ENUMFLAGS32': 4, 'UID': 4,
    'GID': 4, 'MODE': 4, 'FD32': 4, 'PID32': 4, 'SIGSET': 4,
    'IPV4ADDR': 4,
    'INT64': 8, 'UINT64': 8, 'ERRNO': 8, 'FD': 8, 'PID': 8,
    'ABSTIME': 8, 'RELTIME': 8,
}
SIGNED = {'INT8', 'INT16', 'INT32', 'INT64', 'ERRNO', 'FD', 'PID',
          'FD32', 'PID32'}


def load_schema(src):
    """{id: (sym, name, [(param, type)], category)} from events.tbl."""
    events = {}
    cur = None
    with open(os.path.join(src, 'kmod/uapi/events.tbl')) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith('#'):
                continue
            if w[0] == 'event':
                cur = (w[2], w[3], [], w[4])
                events[int(w[1])] = cur
            elif w[0] == 'param' and cur is not None:
                cur[2].append((w[1], w[2]))
    return events


class Event:
    def __init__(self, schema, rec):
        self.ts, self.tid, self.len, self.type, n = HDR.unpack_from(rec)
        lens = struct.unpack_from('<%dH' % n, rec, HDR.size)
        off = HDR.size + 2 * n
        self.raw = []
        for ln in lens:
            self.raw.append(rec[off:off + ln])
            off += ln
        self.rec_end = off
        sym, name, params, cat = schema.get(self.type,
                                            ('?', '?', [], 'UNKNOWN'))
        self.sym, self.name, self.params, self.category = \
            sym, name, params, cat
        self.nparams = n

    def __getitem__(self, pname):
        """A parameter by name, decoded by its schema type."""
        for i, (name, typ) in enumerate(self.params):
            if name == pname and i < len(self.raw):
                return decode(typ, self.raw[i])
        raise KeyError('%s has no parameter %s' % (self.sym, pname))

    def __repr__(self):
        return '%s tid=%d %s' % (self.sym, self.tid, ' '.join(
            '%s=%r' % (n, decode(t, self.raw[i]) if i < len(self.raw)
                       else None)
            for i, (n, t) in enumerate(self.params)))


def decode(typ, b):
    if len(b) == 0:
        return None
    if typ in FIXED and len(b) == FIXED[typ]:
        fmt = {1: 'b', 2: 'h', 4: 'i', 8: 'q'}[len(b)]
        if typ not in SIGNED:
            fmt = fmt.upper()
        return struct.unpack('<' + fmt, b)[0]
    if typ in ('CHARBUF', 'FSPATH', 'FSRELPATH'):
        return b.rstrip(b'\0').decode('utf-8', 'replace')
    if typ == 'SOCKADDR':
        return sockaddr(b)
    if typ == 'SOCKTUPLE':
        return socktuple(b)
    return b


def _ip4(b):
    return '.'.join(str(x) for x in b)


def sockaddr(b):
    fam = b[0]
    if fam == 2 and len(b) == 7:
        return ('inet', _ip4(b[1:5]), struct.unpack_from('<H', b, 5)[0])
    if fam == 1:
        return ('unix', b[1:].rstrip(b'\0').decode())
    return ('family', fam, b[1:])


def socktuple(b):
    fam = b[0]
    if fam == 2 and len(b) == 13:
        return ('inet', _ip4(b[1:5]), struct.unpack_from('<H', b, 5)[0],
                _ip4(b[7:11]), struct.unpack_from('<H', b, 11)[0])
    return ('family', fam, b[1:])


def read_raw(schema, path):
    """Events of a falco-bpf-dump -o file."""
    data = open(path, 'rb').read()
    off = 0
    out = []
    while off + HDR.size <= len(data):
        ln = HDR.unpack_from(data, off)[2]
        if ln < HDR.size or off + ln > len(data):
            raise ValueError('bad record length %d at %d' % (ln, off))
        ev = Event(schema, data[off:off + ln])
        if ev.rec_end != ln:
            raise ValueError('%s: parameters end at %d, record at %d'
                             % (ev.sym, ev.rec_end, ln))
        out.append(ev)
        off += ln
    return out


def read_scap(schema, path):
    """Events of a (gzipped) .scap file: its event blocks only."""
    opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
    data = opener(path, 'rb').read()
    off = 0
    out = []
    while off + 8 <= len(data):
        bt, bl = struct.unpack_from('<II', data, off)
        if bl < 12:
            raise ValueError('bad block length at %d' % off)
        if bt in (0x204, 0x216):         # EV_BLOCK_TYPE(_V2)
            out.append(Event(schema, data[off + 10:off + bl - 4]))
        elif bt in (0x208, 0x217):       # EVF_BLOCK_TYPE(_V2): + u32 flags
            out.append(Event(schema, data[off + 14:off + bl - 4]))
        off += bl
    return out


def descendants(events, root):
    """Thread ids of root and of every thread it (transitively) cloned.

    A parent's clone exit can come after its child's own clones (a
    vfork parent resumes only once the child has exec'd), so the edges
    are followed until nothing is added rather than in event order."""
    edges = {}
    for ev in events:
        if ev.name in ('clone', 'fork', 'vfork', 'clone3'):
            res = ev['res']
            if res is not None and res > 0:
                edges.setdefault(ev.tid, []).append(res)
    tids = {root}
    todo = [root]
    while todo:
        for child in edges.get(todo.pop(), []):
            if child not in tids:
                tids.add(child)
                todo.append(child)
    return tids
