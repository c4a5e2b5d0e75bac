#!/usr/bin/env python3
"""Builds the wire-layer test vectors independently of synack's C++ code.

Packets are assembled with struct and checksummed by the byte-at-a-time RFC 1071 routine below,
written to wire_vectors.pcap, and then checked by tshark: the script fails unless tshark reports
every IPv4/TCP/ICMP checksum as good. The bytes are emitted as C++ arrays (wire_vectors.inc)
for tests/wire. Re-run: python3 tests/data/make_wire_vectors.py  (from the repo root).
"""
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def mac(m):
    return bytes(int(x, 16) for x in m.split(":"))


def ipv4(src, dst, proto, payload, ident=0x1234, ttl=64, df=True, tos=0, options=b""):
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, ihl * 4 + len(payload), ident,
                      0x4000 if df else 0, ttl, proto, 0, ip4(src), ip4(dst)) + options
    c = csum(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def tcp(src, dst, sport, dport, seq, ack, flags, window, options=b"", payload=b"", v6=False):
    assert len(options) % 4 == 0
    off = (20 + len(options)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, window, 0, 0) + options
    seg = hdr + payload
    if v6:
        pseudo = src + dst + struct.pack("!I3xB", len(seg), 6)
    else:
        pseudo = ip4(src) + ip4(dst) + struct.pack("!xBH", 6, len(seg))
    c = csum(pseudo + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def icmp(type_, code, rest, body):
    msg = struct.pack("!BBH", type_, code, 0) + rest + body
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def eth(dst, src, ethertype, payload):
    return mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload


HOST_MAC = "02:00:00:00:00:01"
PEER_MAC = "02:00:00:00:00:02"
A, B = "192.168.1.10", "93.184.216.34"

# Linux SYN layout: MSS, SACK-permitted, TS, NOP, WS.
syn_opts = (struct.pack("!BBH", 2, 4, 1460) + bytes([4, 2]) + struct.pack("!BBII", 8, 10, 0xA1B2C3D4, 0)
            + bytes([1, 3, 3, 7]))
syn_tcp = tcp(A, B, 40000, 80, 0x01020304, 0, 0x02, 64240, syn_opts)
# Established data segment: NOP, NOP, TS.
data_opts = bytes([1, 1]) + struct.pack("!BBII", 8, 10, 0xA1B2C3E0, 0x0BADBEEF)
data_tcp = tcp(A, B, 40000, 80, 0x01020305, 0x7F000001, 0x18, 502, data_opts, b"hello, world\n")
# Duplicate ACK with two SACK blocks: NOP,NOP,TS,NOP,NOP,SACK.
sack_opts = data_opts + bytes([1, 1, 5, 18]) + struct.pack("!IIII", 0x7F000100, 0x7F000200,
                                                           0xFFFFFF00, 0x00000010)
sack_tcp = tcp(B, A, 80, 40000, 0x7F000001, 0x01020312, 0x10, 1000, sack_opts)
# A bare RST (odd payload length elsewhere: "hello, world\n" is 13 bytes).
rst_tcp = tcp(B, A, 80, 40001, 0xDEADBEEF, 0, 0x04, 0)
echo = icmp(8, 0, struct.pack("!HH", 0x4242, 7), bytes(range(56)))
quoted = ipv4(A, B, 6, syn_tcp)[:28]
frag_needed = icmp(3, 4, struct.pack("!HH", 0, 1400), quoted)
# IPv4 with a Router Alert option (RFC 2113), IHL 6, carrying the echo request.
ip_opts = ipv4(A, B, 1, echo, ident=0x0101, ttl=1, options=bytes([0x94, 4, 0, 0]))
arp_request = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(HOST_MAC), ip4(A),
                          bytes(6), ip4("192.168.1.1"))
arp_reply = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, mac(PEER_MAC), ip4("192.168.1.1"),
                        mac(HOST_MAC), ip4(A))

V6A = bytes.fromhex("20010db8000000000000000000000001")
V6B = bytes.fromhex("20010db8000000000000000000000002")
v6_tcp = tcp(V6A, V6B, 443, 50000, 1, 2, 0x18, 100, b"", b"abc", v6=True)
v6_packet = struct.pack("!IHBB", 0x60000000, len(v6_tcp), 6, 64) + V6A + V6B + v6_tcp

# The kernel's own SYN from tests/data/linux_loopback_handshake.pcap (frame 1), whose loopback
# checksum the kernel left partial; the TCP checksum is recomputed here.
kernel_syn_ip = bytes.fromhex(
    "4500003c188540004006243 57f0000017f000001"
    "b976494d8ea12fc600000000a002ffd7 fe300000"
    "0204ffd7 0402 080a0590be0d00000000 01 03030a".replace(" ", ""))
seg = bytearray(kernel_syn_ip[20:])
seg[16:18] = b"\0\0"
pseudo = ip4("127.0.0.1") * 2 + struct.pack("!xBH", 6, len(seg))
seg[16:18] = struct.pack("!H", csum(pseudo + bytes(seg)))
kernel_syn_ip = kernel_syn_ip[:20] + bytes(seg)

frames = {
    "kSynFrame": eth(PEER_MAC, HOST_MAC, 0x0800, ipv4(A, B, 6, syn_tcp)),
    "kDataFrame": eth(PEER_MAC, HOST_MAC, 0x0800, ipv4(A, B, 6, data_tcp, ident=0x1235)),
    "kSackFrame": eth(HOST_MAC, PEER_MAC, 0x0800, ipv4(B, A, 6, sack_tcp, ident=0x0001, ttl=57)),
    # 54 bytes padded with zeros to the 60-byte Ethernet minimum.
    "kRstFrame": eth(HOST_MAC, PEER_MAC, 0x0800, ipv4(B, A, 6, rst_tcp, ident=0, df=False,
                                                      tos=0x02)) + bytes(6),
    "kEchoFrame": eth(PEER_MAC, HOST_MAC, 0x0800, ipv4(A, B, 1, echo, ident=0x5555)),
    "kFragNeededFrame": eth(HOST_MAC, PEER_MAC, 0x0800, ipv4("192.168.1.1", A, 1, frag_needed,
                                                             ttl=255, df=False)),
    "kIpOptionsFrame": eth(PEER_MAC, HOST_MAC, 0x0800, ip_opts),
    "kArpRequestFrame": eth("ff:ff:ff:ff:ff:ff", HOST_MAC, 0x0806, arp_request) + bytes(18),
    "kArpReplyFrame": eth(HOST_MAC, PEER_MAC, 0x0806, arp_reply) + bytes(18),
    "kIpv6TcpFrame": eth(PEER_MAC, HOST_MAC, 0x86DD, v6_packet),
    "kKernelSynFrame": eth("00:00:00:00:00:00", "00:00:00:00:00:00", 0x0800, kernel_syn_ip),
}

pcap_path = os.path.join(HERE, "wire_vectors.pcap")
with open(pcap_path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, frame in enumerate(frames.values()):
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
        f.write(frame)

out = subprocess.run(["tshark", "-r", pcap_path, "-o", "ip.check_checksum:TRUE", "-o",
                      "tcp.check_checksum:TRUE", "-V"], capture_output=True, text=True, check=True).stdout
good = out.count("[Checksum Status: Good]") + out.count("[Header checksum status: Good]")
bad = [l for l in out.splitlines() if "Status: Bad" in l or "status: Bad" in l or "incorrect" in l]
if bad:
    sys.exit("tshark reports bad checksums:\n" + "\n".join(bad))
# IPv4 headers (8 frames + the header quoted in the ICMP error), TCP (6), ICMP (3).
print(f"tshark confirmed {good} good checksums", file=sys.stderr)
if good != 9 + 6 + 3:
    sys.exit(f"tshark confirmed {good} checksums, expected 18")

with open(os.path.join(HERE, "wire_vectors.inc"), "w") as f:
    f.write("// Generated by tests/data/make_wire_vectors.py; checksums confirmed by tshark.\n")
    f.write("// Ethernet frames, in the order of wire_vectors.pcap.\n")
    for name, frame in frames.items():
        f.write(f"inline constexpr std::uint8_t {name}[] = {{\n")
        for i in range(0, len(frame), 16):
            f.write("    " + ", ".join(f"0x{b:02x}" for b in frame[i:i + 16]) + ",\n")
        f.write("};\n")

# Fuzz seeds: each frame, and each layer inside it, for the matching fuzz target.
SEEDS = os.path.join(HERE, "..", "..", "fuzz", "seeds")


def seed(target, name, data):
    folder = os.path.join(SEEDS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


for name, frame in frames.items():
    stem = name[1:].replace("Frame", "").lower()
    seed("fuzz_ethernet", stem, frame)
    ethertype = struct.unpack("!H", frame[12:14])[0]
    payload = frame[14:]
    if ethertype == 0x0806:
        seed("fuzz_arp", stem, payload)
    elif ethertype == 0x0800:
        seed("fuzz_ipv4", stem, payload)
        ihl = (payload[0] & 15) * 4
        total = struct.unpack("!H", payload[2:4])[0]
        inner = payload[ihl:total]
        if payload[9] == 6:
            seed("fuzz_tcp", stem, inner)
        elif payload[9] == 1:
            seed("fuzz_icmpv4", stem, inner)
    elif ethertype == 0x86DD:
        seed("fuzz_tcp", stem, payload[40:])
