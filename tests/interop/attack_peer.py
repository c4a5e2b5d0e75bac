#!/usr/bin/env python3
"""The attacker's side of the attack tests, run inside the test's namespace: an echo stream that
must stay byte-exact while the attacks run, and scapy probes of malformed and hostile segments
against `synack serve`, each asserting synack's reply or its silence. Addresses are the
namespace's own (198.18.0.0/24); every probe is one packet (or a few fragments) and every wait
is bounded."""
import os
import selectors
import socket
import sys
import time


def echo_stream(host, port, seconds):
    """Sends 16 KiB chunks for `seconds`, pacing itself, and checks every byte that comes back."""
    deadline = time.monotonic() + float(seconds)
    sent = bytearray()
    received = bytearray()
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.setblocking(False)
        sel = selectors.DefaultSelector()
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
        shut = False
        last_progress = time.monotonic()
        while True:
            events = sel.select(timeout=1)
            if not events and time.monotonic() - last_progress > 30:
                sys.exit("echo-stream: stalled for 30 s")
            for _, mask in events:
                if mask & selectors.EVENT_WRITE and not shut:
                    if time.monotonic() >= deadline:
                        s.shutdown(socket.SHUT_WR)
                        shut = True
                        sel.modify(s, selectors.EVENT_READ)
                    elif len(sent) - len(received) < (1 << 20):
                        chunk = os.urandom(16384)
                        try:
                            n = s.send(chunk)
                            sent += chunk[:n]
                        except BlockingIOError:
                            pass
                        time.sleep(0.01)
                if mask & selectors.EVENT_READ:
                    try:
                        chunk = s.recv(65536)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        ok = received == sent
                        print(f"echo-stream: sent {len(sent)} received {len(received)} "
                              f"{'identical' if ok else 'DIFFERENT'}", flush=True)
                        sys.exit(0 if ok else 1)
                    received += chunk
                    last_progress = time.monotonic()


def probes(iface, target_ip, target_mac, spoofed_ip, open_port, closed_port):
    """Malformed and hostile segments from `spoofed_ip` (announced to synack by ARP, so its
    replies come back over the device without the kernel's stack answering them)."""
    from scapy.all import ARP, IP, TCP, Ether, Raw, AsyncSniffer, conf, get_if_hwaddr, sendp
    conf.verb = 0
    our_mac = get_if_hwaddr(iface)
    open_port, closed_port = int(open_port), int(closed_port)
    failures = []

    def send(packets):
        sendp([Ether(dst=target_mac, src=our_mac) / p for p in packets], iface=iface)

    # One sniffer for the whole run (starting one per probe can miss the first reply), with a
    # kernel (BPF) filter so that the echo stream's traffic beside it never reaches Python.
    captured = []
    sniffer = AsyncSniffer(
        iface=iface, store=False, prn=captured.append,
        filter=f"tcp and src host {target_ip} and dst host {spoofed_ip}")
    sniffer.start()
    time.sleep(1.0)

    def replies_to(packets, sport, wait=0.6):
        start = len(captured)
        send(packets)
        time.sleep(wait)
        return [p[TCP] for p in captured[start:] if p[TCP].dport == sport]

    def expect(name, got, check):
        verdict = check(got)
        summary = ", ".join(f"{r.sprintf('%TCP.flags%')} seq={r.seq} ack={r.ack}" for r in got) or "silence"
        print(f"{'ok  ' if verdict else 'FAIL'} {name}: {summary}", flush=True)
        if not verdict:
            failures.append(name)

    silent = lambda got: got == []
    send([ARP(op=1, hwsrc=our_mac, psrc=spoofed_ip, pdst=target_ip)])  # synack learns us
    time.sleep(0.3)

    def ip():
        return IP(src=spoofed_ip, dst=target_ip)

    sport = 41000
    def next_port():
        nonlocal sport
        sport += 1
        return sport

    p = next_port()
    expect("SYN with a bad checksum", replies_to([ip() / TCP(sport=p, dport=open_port, flags="S", chksum=0x1234)], p), silent)
    p = next_port()
    expect("data offset 4 (below the header)", replies_to([ip() / TCP(sport=p, dport=open_port, flags="S", dataofs=4)], p), silent)
    p = next_port()
    expect("data offset 15 (past the segment)", replies_to([ip() / TCP(sport=p, dport=open_port, flags="S", dataofs=15)], p), silent)
    for label, option in (("0", b"\x02\x00\x05\xb4"), ("1", b"\x08\x01\x00\x00"), ("past the header", b"\x02\x08\x05\xb4")):
        p = next_port()
        segment = ip() / TCP(sport=p, dport=open_port, flags="S", dataofs=6) / Raw(option)
        expect(f"option length {label}", replies_to([segment], p), silent)
    p = next_port()
    expect("SYN+RST", replies_to([ip() / TCP(sport=p, dport=open_port, flags="SR", seq=7)], p), silent)
    p = next_port()
    got = replies_to([ip() / TCP(sport=p, dport=open_port, flags="A", seq=5, ack=123456)], p)
    expect("ACK to a listener (no connection)", got,
           lambda g: len(g) == 1 and g[0].flags == "R" and g[0].seq == 123456)

    # Fragments of a SYN carrying 8 data bytes (28 bytes of TCP).
    def fragments(port, pieces):
        whole = bytes((ip() / TCP(sport=port, dport=open_port, flags="S", seq=1000) / Raw(b"ABCDEFGH"))[TCP])
        return [IP(src=spoofed_ip, dst=target_ip, proto=6, id=port, frag=begin // 8,
                   flags="MF" if more else 0) / Raw(whole[begin:end]) for begin, end, more in pieces]

    p = next_port()
    expect("tiny first fragment (8 bytes of TCP header, RFC 1858)",
           replies_to(fragments(p, [(0, 8, True), (8, 28, False)]), p), silent)
    p = next_port()
    expect("overlapping fragments", replies_to(fragments(p, [(0, 24, True), (16, 28, False)]), p), silent)
    p = next_port()
    got = replies_to(fragments(p, [(0, 24, True), (24, 28, False)]), p)
    # The SYN-ACK acknowledges the SYN only: data on a SYN waits for the handshake (no TFO).
    expect("well-formed fragments of a SYN (control)", got,
           lambda g: len(g) == 1 and g[0].flags == "SA" and g[0].ack == 1001)
    if got:
        send([ip() / TCP(sport=p, dport=open_port, flags="R", seq=1001)])

    # An established connection of our own, then hostile segments inside it.
    p = next_port()
    got = replies_to([ip() / TCP(sport=p, dport=open_port, flags="S", seq=5000)], p)
    if len(got) != 1 or got[0].flags != "SA":
        failures.append("handshake")
        print("FAIL handshake: no SYN-ACK", flush=True)
    else:
        server_next = got[0].seq + 1
        send([ip() / TCP(sport=p, dport=open_port, flags="A", seq=5001, ack=server_next)])
        time.sleep(0.2)
        challenge = lambda g: len(g) == 1 and g[0].flags == "A" and g[0].seq == server_next and g[0].ack == 5001
        expect("far-away ACK (acknowledges data never sent)",
               replies_to([ip() / TCP(sport=p, dport=open_port, flags="A", seq=5001, ack=server_next + 100000)], p),
               challenge)
        expect("in-window inexact RST draws a challenge ACK (RFC 5961 3.2)",
               replies_to([ip() / TCP(sport=p, dport=open_port, flags="R", seq=5001 + 100)], p), challenge)
        expect("exact RST closes silently",
               replies_to([ip() / TCP(sport=p, dport=open_port, flags="R", seq=5001)], p), silent)
        got = replies_to([ip() / TCP(sport=p, dport=open_port, flags="PA", seq=5001, ack=server_next) / Raw(b"x")], p)
        expect("data after the reset is refused", got, lambda g: len(g) == 1 and "R" in str(g[0].flags))
    sniffer.stop()
    if failures:
        sys.exit("probes failed: " + ", ".join(failures))


if __name__ == "__main__":
    commands = {"echo-stream": echo_stream, "probes": probes}
    commands[sys.argv[1]](*sys.argv[2:])
