#!/usr/bin/env python3
"""Seeds for a fuzz harness, written into its corpus folder.

fuzz_net: one good frame of each kind the stack handles, addressed to
10.0.2.15 / 52:54:00:12:34:56 as the harness sets it up. fuzz_fdt: the QEMU
device trees of tests/data/. fuzz_acpi: the QEMU ACPI tables there.
fuzz_options: hosted command lines. fuzz_dhcp: a selector byte (the
client's state, see fuzz_dhcp.c) and a server's reply. fuzz_virtq: op
scripts for the virtqueue (see fuzz_virtq.c). fuzz_wasm: small Wasm modules
assembled below (a recursive fib, one that uses most instruction groups, the
spectest imports, traps), the shapes that once took quadratic time to load
(wasm_load_shapes), and the spec tests' modules when ../shared has them.
fuzz_gateway: gateway requests and replies (realm/wire.h). fuzz_realm: the
realms' modules built by make (build/realms/, build/realms-test/).

    python3 tests/fuzz/seeds.py HARNESS DIR
"""
import os
import struct
import sys

US_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("52550a000202")
US, PEER = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, etype, payload):
    return dst + PEER_MAC + struct.pack("!H", etype) + payload


def ipv4(proto, payload, src=PEER, dst=US):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000,
                    64, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return eth(US_MAC, 0x0800, h + payload)


def udp(sport, dport, data, src=PEER, dst=US):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(u))
    c = csum(pseudo + u) or 0xFFFF
    return ipv4(17, u[:6] + struct.pack("!H", c) + u[8:], src, dst)


def icmp_echo(data):
    m = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + data
    return ipv4(1, m[:2] + struct.pack("!H", csum(m)) + m[4:])


def arp(op, tmac, tip):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + PEER_MAC + PEER + tmac + tip


def dhcp(msgtype):
    b = bytearray(240)
    b[0], b[1], b[2] = 2, 1, 6
    b[16:20] = US
    b[28:34] = US_MAC
    b[236:240] = bytes([99, 130, 83, 99])
    opts = bytes([53, 1, msgtype, 54, 4]) + PEER + bytes([1, 4, 255, 255, 255, 0,
                                                          3, 4]) + PEER + bytes([51, 4, 0, 1, 81, 128, 255])
    return udp(67, 68, bytes(b) + opts, PEER, b"\xff\xff\xff\xff")


def opt(code, value):
    return bytes([code, len(value)]) + value


def addr_opt(code, *addrs):
    return opt(code, b"".join(addrs))


def bootp(opts, yiaddr=US, end=True):
    """A BOOTREPLY to us (xid 0: the harness writes the client's)."""
    b = bytearray(240)
    b[0], b[1], b[2] = 2, 1, 6
    b[16:20] = yiaddr
    b[20:24] = PEER
    b[28:34] = US_MAC
    b[236:240] = bytes([99, 130, 83, 99])
    return bytes(b) + opts + (b"\xff" if end else b"")


def dhcp_seeds():
    """Selector: bits 0-2 state (0 SELECTING, 1 REQUESTING, 2 BOUND,
    3 RENEWING, 4 REBINDING), bit 3 keep xid/chaddr, bits 4-5 source, bit 6
    unicast, bit 7 twice."""
    mask = addr_opt(1, bytes([255, 255, 255, 0]))
    lease = opt(51, struct.pack("!I", 86400))
    offer = opt(53, b"\x02") + addr_opt(54, PEER) + mask + addr_opt(3, PEER) + \
        addr_opt(6, bytes([10, 0, 2, 3])) + lease
    ack = offer.replace(opt(53, b"\x02"), opt(53, b"\x05"))
    t12 = opt(58, struct.pack("!I", 300)) + opt(59, struct.pack("!I", 600))
    return {
        "offer": b"\x00" + bootp(offer),
        "ack": b"\x01" + bootp(ack),
        "nak": b"\x01" + bootp(opt(53, b"\x06") + addr_opt(54, PEER), b"\0" * 4),
        "ack-renewing": b"\x43" + bootp(ack),
        "ack-rebinding-other": b"\x14" + bootp(
            opt(53, b"\x05") + addr_opt(54, bytes([10, 0, 2, 9])) + lease),
        "ack-t1-t2-pads": b"\x01" + bootp(b"\0\0" + ack + t12 + b"\0"),
        "ack-two-routers": b"\x01" + bootp(
            ack + addr_opt(3, bytes([10, 0, 2, 1]), PEER)),
        "ack-infinite": b"\x01" + bootp(
            opt(53, b"\x05") + opt(51, b"\xff\xff\xff\xff")),
        "offer-no-server-id": b"\x00" + bootp(opt(53, b"\x02")),
        "offer-twice": b"\x80" + bootp(offer),
        "ack-while-bound": b"\x02" + bootp(ack),
        "offer-option-to-the-end": b"\x00" + bootp(
            offer + opt(12, b"x" * 200), end=False),
        "offer-overrun": b"\x00" + bootp(offer + bytes([12, 255, 120])),
        "offer-no-end": b"\x00" + bootp(offer, end=False),
        "offer-only-pads": b"\x00" + bootp(b"\0" * 60, end=False),
        "offer-bad-lengths": b"\x00" + bootp(
            opt(53, b"\x02\x02") + opt(54, b"\x0a\x00\x02") + opt(1, b"")),
        "offer-overload": b"\x00" + bootp(offer + opt(52, b"\x03")),
    }


def virtq_seeds():
    """Op scripts (fuzz_virtq.c): a size byte, then ops."""
    POST, LIVE, RAW, INNER, IDX, SLOT, POP, POP1, FLAGS = range(9)

    def post(nread=1, nwrite=1, length=64):
        return bytes([POST, nread | nwrite << 2]) + \
            struct.pack("!H", length) * (nread + nwrite)

    def live(k, length=64):
        return bytes([LIVE, k]) + struct.pack("!H", length)

    def raw(ident, length):
        return bytes([RAW]) + struct.pack("!II", ident, length)

    p3 = post() * 3
    return {
        "good": b"\x03" + p3 + live(0) + live(1) + live(2) + bytes([POP]),
        "out-of-range": b"\x03" + post() + raw(1000, 1) + raw(0xFFFFFFFF, 1) +
        raw(8, 1) + bytes([POP]),
        "free-id": b"\x03" + post() + raw(5, 1) + bytes([POP]),
        "inner": b"\x03" + post(2, 2) + bytes([INNER, 0, 1, POP]),
        "too-long": b"\x03" + post(1, 0) + post(1, 2) + live(0, 0xFFFF) +
        live(1, 0xFFFF) + bytes([POP]),
        "twice": b"\x03" + post() + live(0) + live(0) + bytes([POP]) + post() +
        live(0) + bytes([POP1, POP1]),
        "idx-ahead": b"\x03" + post() * 2 + live(0) + bytes([IDX]) +
        struct.pack("!H", 40000) + bytes([POP]) + post() + live(0) + bytes([POP]),
        "idx-back": b"\x03" + post() + live(0) + bytes([POP, IDX, 0, 0]) +
        post() + live(0) + bytes([POP]),
        "slot": b"\x03" + post() + bytes([SLOT, 5, 0, 0, 8, IDX, 0, 6, POP]),
        "full": b"\x02" + post(2, 2) * 2 + post() + bytes([POP1]) + live(1) +
        bytes([POP1]) + post(),
        "notify": b"\x04" + post() + bytes([FLAGS, 1]) + post() +
        bytes([FLAGS, 0, FLAGS, 0]),
        "size-1": b"\x00" + (post(1, 0) + live(0) + bytes([POP1])) * 4,
        "size-256": b"\x08" + post(3, 3) * 40 + b"".join(
            live(k) for k in range(40)) + bytes([POP]),
    }


def fdt_seeds():
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    return {name: open(os.path.join(data, name), "rb").read()
            for name in sorted(os.listdir(data)) if name.endswith(".dtb")}


def acpi_seeds():
    """The captured QEMU tables, and each table in them on its own (a table
    is a 4-byte signature and a 32-bit length at offset 4)."""
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    out = {}
    for name in sorted(os.listdir(data)):
        if not name.endswith(".bin"):
            continue
        blob = open(os.path.join(data, name), "rb").read()
        out[name] = blob
        i = 0
        while i + 36 <= len(blob):
            sig, n = blob[i:i + 4], struct.unpack("<I", blob[i + 4:i + 8])[0]
            if sig.isalnum() and 36 <= n <= len(blob) - i:
                out["%s-%d-%s" % (name, i, sig.decode())] = blob[i:i + n]
                i += n
            else:
                i += 4
    return out


def net_seeds():
    return {
        "arp-request": eth(b"\xff" * 6, 0x0806, arp(1, b"\0" * 6, US)),
        "arp-reply": eth(US_MAC, 0x0806, arp(2, US_MAC, US)),
        "icmp-echo": icmp_echo(b"ping" * 14),
        "udp-8080": udp(40000, 8080, b"hello"),
        "udp-closed": udp(40000, 9, b"x" * 32),
        "dhcp-offer": dhcp(2),
        "dhcp-ack": dhcp(5),
    }


def options_seeds():
    """Command lines, arguments separated by NUL bytes."""
    lines = [["--disk", "d.img", "--net", "dgram:127.0.0.1:1,127.0.0.1:2",
              "--ip", "10.0.2.2/24,10.0.2.15", "--port", "9000", "--log", "3"],
             ["--net", "tap:tap0", "--exit-when-idle", "--pcap", "f.pcap"],
             ["--pcap", "f.pcap"], ["--help"]]
    return {"argv-%d" % i: "\0".join(a).encode() for i, a in enumerate(lines)}


def _uleb(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _sleb(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        done = (n == 0 and not b & 0x40) or (n == -1 and b & 0x40)
        out.append(b | (0 if done else 0x80))
        if done:
            return bytes(out)


def _vec(items):
    return _uleb(len(items)) + b"".join(items)


def _name(s):
    return _uleb(len(s)) + s.encode()


def _sec(i, items):
    body = _vec(items) if isinstance(items, list) else items
    return bytes([i]) + _uleb(len(body)) + body


def _functype(params, results):
    return b"\x60" + _vec([bytes([t]) for t in params]) + \
        _vec([bytes([t]) for t in results])


def _body(code, locals_=()):
    b = _vec([_uleb(n) + bytes([t]) for n, t in locals_]) + bytes(code) + b"\x0b"
    return _uleb(len(b)) + b


def _module(*sections):
    return b"\0asm\1\0\0\0" + b"".join(sections)


ARITY_MAX = 128  # realm/wasm/decode.h: WASM_MAX_ARITY


def wasm_load_shapes(size=1 << 20):
    """Modules of about `size` bytes whose loading was once quadratic
    (issue 15): each shape, named, as it was reported. tests/unit/
    test_wasm_load.c builds the same shapes in C; scripts that time a load
    (see docs/wasm.md, "Load time") take these at 1 MiB."""
    I32, UNREACHABLE, END = 0x7F, 0x00, 0x0B
    GET, TEE, C32 = 0x20, 0x22, 0x41
    void = _functype([], [])

    def one_func(types, code, locals_=()):
        return _module(_sec(1, types), _sec(3, [b"\x00"]),
                       _sec(10, [_body(code, locals_)]))

    def fit(fixed, per):  # how many items of `per` bytes fit beside `fixed`
        return max(1, (size - fixed) // per)

    # br_table of many targets into a block of many results.
    results = min(30000, size // 32)
    targets = fit(results + 64, 1)
    br_table = one_func(
        [void, _functype([], [I32] * results)],
        [0x02, 1, UNREACHABLE, C32, 0, 0x0E] + list(_uleb(targets)) +
        [0] * (targets + 1) + [END, UNREACHABLE])
    # A deep operand stack of lazy local.gets, then many local.tees.
    depth = min(60000, size // 16)
    tees = fit(2 * depth + 64, 2)
    local_tee = one_func([void], [GET, 0] * depth + [TEE, 0] * tees +
                         [UNREACHABLE], ((1, I32),))
    # The same deep stack, then many empty blocks (each settles the stack).
    blocks = fit(2 * depth + 64, 3)
    block_entry = one_func([void], [GET, 0] * depth + [0x02, 0x40, END] * blocks +
                           [UNREACHABLE], ((1, I32),))
    # Many types and as many functions, function i of type i.
    n = fit(64, 10)
    many_types = _module(
        _sec(1, [_functype([], []) if i % 2 else _functype([I32], []) for i in range(n)]),
        _sec(3, [_uleb(i) for i in range(n)]),
        _sec(10, [_body([]) for _ in range(n)]))
    # One type of 65,535 params beside many empty functions.
    params = min(65535, size // 16)
    n = fit(params + 64, 4)
    wide_type = _module(
        _sec(1, [_functype([I32] * params, []), void]),
        _sec(3, [b"\x01"] * n),
        _sec(10, [_body([]) for _ in range(n)]))
    shapes = {"br-table-arity": br_table, "local-tee-deep": local_tee,
              "block-entry-deep": block_entry, "many-types": many_types,
              "wide-type": wide_type}
    # The same at the engine's limit of params and results, and the
    # instructions whose cost that limit bounds: each below does `arity`
    # work for a few bytes.
    arity = min(ARITY_MAX, size // 32)
    wide = _functype([], [I32] * arity)
    br_table = one_func(
        [void, wide], [0x02, 1, UNREACHABLE, C32, 0, 0x0E] +
        list(_uleb(fit(arity + 64, 1))) + [0] * (fit(arity + 64, 1) + 1) +
        [END, UNREACHABLE])
    n = fit(arity + 64, 4)
    wide_type = _module(_sec(1, [_functype([I32] * arity, []), void]),
                        _sec(3, [b"\x01"] * n), _sec(10, [_body([]) for _ in range(n)]))
    n = fit(arity + 64, 3)
    call_results = _module(  # call a function of `arity` results, drop them
        _sec(1, [void, wide]), _sec(3, [b"\x00", b"\x01"]),
        _sec(10, [_body([0x10, 1, UNREACHABLE] * n), _body([UNREACHABLE])]))
    n = fit(arity + 64, 3)
    br_results = one_func(  # br to a label of `arity` results, unreachable
        [void, wide], [0x02, 1] + [UNREACHABLE, 0x0C, 0] * n +
        [END, UNREACHABLE])
    # Nested blocks of `arity` results, a br_table naming each once; their
    # ends then pass the results out, each checked.
    n = fit(arity + 64, 7)
    br_labels = one_func(
        [void, wide], [0x02, 1] * n + [UNREACHABLE, C32, 0, 0x0E] +
        list(_uleb(n - 1)) + list(b"".join(_uleb(i) for i in range(n))) +
        [END] * n + [UNREACHABLE])
    # Many functions, each declaring 50,000 locals in 4 bytes.
    n = fit(64, 14)
    many_locals = _module(
        _sec(1, [void]), _sec(3, [b"\x00"] * n),
        _sec(10, [_body([GET] + list(_uleb(49999)) + [0x1A], ((50000, I32),))
                  for _ in range(n)]))
    # Exports whose 4-byte ASCII names collide in FNV-1a's low bits (see
    # test_wasm_load.c): the hash set that once checked them probed n^2.
    # Two free bytes per name make about 16k such names: 8,192 are used.
    n = min(fit(64, 8), 8192)
    mask, P, target = 1 << (2 * n - 1).bit_length(), 16777619, 0x2B5A3
    mask -= 1
    u = (target * pow(P, -1, 1 << 32)) & mask
    names = []
    for p in range(128 * 128):
        h0 = ((((2166136261 ^ (p >> 7)) * P) & 0xFFFFFFFF) ^ (p & 127)) * P
        for b1 in range(128):
            h1 = ((h0 ^ b1) * P) & 0xFFFFFFFF
            b2 = (h1 ^ u) & 0xFF
            if not ((h1 ^ u) & mask) >> 8 and b2 < 128:
                names.append(bytes([p >> 7, p & 127, b1, b2]))
        if len(names) >= n:
            break
    exports = _module(_sec(1, [void]), _sec(3, [b"\x00"]),
                      _sec(7, [_uleb(4) + x + b"\x00\x00" for x in names[:n]]),
                      _sec(10, [_body([])]))
    shapes.update({"many-locals": many_locals, "colliding-exports": exports,
                   "br-table-arity-limit": br_table, "wide-type-limit": wide_type,
                   "call-results": call_results, "br-results": br_results,
                   "br-table-labels": br_labels})
    return shapes


def wasm_seeds():
    """Small modules, assembled here (the opcodes are the spec's):
    import names are spectest's, as fuzz_wasm.c's resolver knows them."""
    I32, I64, F32, F64, FREF = 0x7F, 0x7E, 0x7D, 0x7C, 0x70
    GET, SET, C32, C64, CALL = 0x20, 0x21, 0x41, 0x42, 0x10
    FC = 0xFC
    exp = lambda n, kind, i: _name(n) + bytes([kind]) + _uleb(i)
    empty = _module()
    fib = _module(
        _sec(1, [_functype([I32], [I32])]),
        _sec(3, [b"\x00"]),
        _sec(7, [exp("fib", 0, 0)]),
        _sec(10, [_body([GET, 0, C32, 2, 0x49, 0x04, I32, GET, 0, 0x05,
                         GET, 0, C32, 1, 0x6B, CALL, 0, GET, 0, C32, 2, 0x6B,
                         CALL, 0, 0x6A, 0x0B])]))
    # t0 (i32)->i32, t1 ()->(), t2 (i32 i32)->(i32 i32), t3 (i64 i64)->i64,
    # t4 (f64)->i64, t5 (i32)->()
    types = _sec(1, [_functype([I32], [I32]), _functype([], []),
                     _functype([I32, I32], [I32, I32]),
                     _functype([I64, I64], [I64]), _functype([F64], [I64]),
                     _functype([I32], [])])
    imports = _sec(2, [_name("spectest") + _name("print_i32") + b"\x00\x05",
                       _name("spectest") + _name("global_i32") + b"\x03" + bytes([I32, 0])])
    funcs = [  # (name, type, code, locals); index = position + 1 (1 import)
        ("dispatch", 0, [0x02, 0x40, 0x02, 0x40, 0x02, 0x40, GET, 0, 0x0E, 2, 0, 1, 2,
                         0x0B, C32, 10, 0x0F, 0x0B, C32, 20, 0x0F, 0x0B, C32, 30], ()),
        ("start", 1, [C32, 0, C32, 7, 0x36, 2, 0, 0x23, 0, CALL, 0,
                      0x23, 1, C32, 1, 0x6A, 0x24, 1], ()),
        ("indirect", 0, [GET, 0, GET, 0, 0x11, 0, 0], ()),
        ("grow", 0, [GET, 0, 0x40, 0, 0x3F, 0, 0x6A], ()),
        ("divs", 3, [GET, 0, GET, 1, 0x7F, GET, 0, GET, 1, 0x82, 0x85,
                     GET, 0, C64, 3, 0x89, 0x7C], ()),
        ("trunc", 4, [GET, 0, FC, 6, GET, 0, 0x99, 0xB1, 0x7C], ()),
        ("swap", 2, [GET, 1, GET, 0], ()),
        ("bulk", 1, [C32, 16, C32, 0xAB, 0x01, C32, 32, FC, 11, 0,
                     C32, 0xC0, 0, C32, 16, C32, 32, FC, 10, 0, 0,
                     C32, 0x80, 1, C32, 0, C32, 4, FC, 8, 1, 0, FC, 9, 1,
                     0xD0, FREF, C32, 2, FC, 15, 0, 0x1A,
                     C32, 0, 0x25, 0, 0xD1, 0x1A, C32, 1, 0xD2, 1, 0x26, 0], ()),
        ("floats", 0, [GET, 0, 0xB2, 0x91, 0xBB, 0x44] + list(b"\0\0\0\0\0\0\xf8\x3f") +
         [0xA0, 0x9C, GET, 0, 0xB7, 0xA5, FC, 2], ()),
        ("spin", 0, [0x03, 0x40, GET, 1, C32, 1, 0x6A, SET, 1, 0x0C, 0, 0x0B, 0x00],
         ((1, I32),)),
        ("select", 0, [GET, 0, C32, 1, GET, 0, 0x1B, 0x67, GET, 0, 0x68, 0x6A,
                       GET, 0, C32, 0, 0x6D, 0x6A], ()),
    ]
    module = _module(
        types, imports,
        _sec(3, [_uleb(t) for _, t, _, _ in funcs]),
        _sec(4, [bytes([FREF, 1, 4, 10])]),
        _sec(5, [b"\x01\x01\x02"]),
        _sec(6, [bytes([I32, 1, C32, 0, 0x0B])]),
        _sec(7, [exp(n, 0, i + 1) for i, (n, _, _, _) in enumerate(funcs)] +
             [exp("mem", 2, 0), exp("tab", 1, 0), exp("g", 3, 1)]),
        _sec(8, _uleb(2)),
        _sec(9, [b"\x00" + bytes([C32, 0, 0x0B]) + _vec([_uleb(i) for i in (1, 4, 9, 11)])]),
        _sec(12, _uleb(2)),
        _sec(10, [_body(c, l) for _, _, c, l in funcs]),
        _sec(11, [b"\x00" + bytes([C32, 0x80, 2, 0x0B]) + _name("hello"),
                  b"\x01" + _name("wxyz")]))
    imports_all = _module(
        _sec(1, [_functype([], [])]),
        _sec(2, [_name("spectest") + _name("memory") + b"\x02\x01\x01\x02",
                 _name("spectest") + _name("table") + bytes([1, FREF, 1, 10, 20]),
                 _name("spectest") + _name("global_f64") + bytes([3, F64, 0]),
                 _name("spectest") + _name("print") + b"\x00\x00"]),
        _sec(3, [b"\x00"]),
        _sec(7, [exp("f", 0, 1)]),
        _sec(10, [_body([CALL, 0, C32, 0, 0x28, 2, 0, 0x1A, 0x23, 0, 0x1A])]))
    traps = _module(
        _sec(1, [_functype([], [I32])]),
        _sec(3, [b"\x00", b"\x00", b"\x00"]),
        _sec(5, [b"\x00\x01"]),
        _sec(7, [exp("unreachable", 0, 0), exp("div0", 0, 1), exp("oob", 0, 2)]),
        _sec(10, [_body([0x00]), _body([C32, 1, C32, 0, 0x6D]),
                  _body([C32, 0x7F, 0x28, 2, 0x80, 0x80, 4])]))
    seeds = {"empty": empty, "fib": fib, "features": module,
             "imports": imports_all, "traps": traps}
    # The shapes that once loaded in quadratic time, at 64 KiB (libFuzzer
    # mutates small inputs faster; the shapes are the same).
    for name, data in wasm_load_shapes(1 << 16).items():
        seeds["load-" + name] = data
    # With the spec tests beside the repository (../shared, or WASM_SPEC),
    # their ~3,300 modules too: every feature, and many near-misses.
    spec = os.environ.get("WASM_SPEC") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "wasm-spec")
    if os.path.isdir(spec):
        for d in sorted(os.listdir(spec)):
            folder = os.path.join(spec, d)
            if not os.path.isdir(folder):
                continue
            for f in sorted(os.listdir(folder)):
                if f.endswith(".wasm"):
                    with open(os.path.join(folder, f), "rb") as fh:
                        seeds["spec-" + f] = fh.read()
    return seeds


def gateway_seeds():
    """Gateway requests and replies (realm/wire.h): each argument kind,
    none, eight, and a reply of each status kind."""
    def req(rid, path, fn, args):
        out = b"RM" + struct.pack("!BBI", 1, 1, rid)
        out += bytes([len(path)]) + path + bytes([len(fn)]) + fn
        out += bytes([len(args)])
        for a in args:
            if isinstance(a, int):
                out += b"\x01" + struct.pack("!q", a)
            else:
                out += b"\x02" + struct.pack("!H", len(a)) + a
        return out

    def reply(rid, status, data, result=None):
        out = b"RM" + struct.pack("!BBIi", 1, 0x81, rid, status)
        if status == 0:
            out += b"\x01" + struct.pack("!q", result) if result is not None \
                else b"\x00"
        return out + struct.pack("!H", len(data)) + data

    return {
        "supply": req(1, b"r/demo/bank", b"supply", []),
        "balance": req(2, b"r/demo/bank", b"balance", [b"alice"]),
        "transfer": req(3, b"r/demo/bank", b"transfer", [b"bob", 25]),
        "eight": req(4, b"r/a/b", b"f", [-1, b"", 2, b"xy", 3, 4, 5, b"z"]),
        "ok": reply(1, 0, b"", 2000),
        "ok-bytes": reply(2, 0, b"hello"),
        "error": reply(3, -7, b"bank: only alice may move its funds"),
    }


def realm_seeds():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    out = {}
    for d in ("build/realms", "build/realms-test"):
        folder = os.path.join(root, d)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if name.endswith(".wasm"):
                with open(os.path.join(folder, name), "rb") as f:
                    out[name] = f.read()
    return out


SEEDS = {"fuzz_net": net_seeds, "fuzz_fdt": fdt_seeds, "fuzz_acpi": acpi_seeds,
         "fuzz_options": options_seeds, "fuzz_dhcp": dhcp_seeds,
         "fuzz_virtq": virtq_seeds, "fuzz_wasm": wasm_seeds,
         "fuzz_gateway": gateway_seeds, "fuzz_realm": realm_seeds}


def main():
    harness, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.get(harness, dict)().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
