#!/usr/bin/env python3
"""The Linux kernel's side of the interoperability tests: small clients and servers on the
kernel's own sockets, each checking what it receives and exiting non-zero on any mismatch."""
import hashlib
import os
import selectors
import socket
import sys


def echo_server(port):
    """Echoes each connection until the peer half-closes, then closes (one at a time)."""
    with socket.create_server(("0.0.0.0", int(port)), backlog=16) as srv:
        print("listening", flush=True)
        while True:
            conn, _ = srv.accept()
            with conn:
                while data := conn.recv(65536):
                    conn.sendall(data)


def echo_client(host, port, nbytes):
    """Sends nbytes of random data, half-closes, and checks the echo is identical."""
    payload = os.urandom(int(nbytes))
    received = bytearray()
    with socket.create_connection((host, int(port)), timeout=60) as s:
        view = memoryview(payload)
        # Interleave sending and receiving so neither side's buffers fill up.
        s.setblocking(False)
        sent = 0
        sel = selectors.DefaultSelector()
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
        shut = False
        while True:
            for _, events in sel.select(timeout=60) or [(None, 0)]:
                if events == 0:
                    sys.exit("echo-client: timed out")
                if events & selectors.EVENT_WRITE and sent < len(payload):
                    try:
                        sent += s.send(view[sent:sent + 65536])
                    except BlockingIOError:
                        pass
                if sent == len(payload) and not shut:
                    s.shutdown(socket.SHUT_WR)
                    shut = True
                    sel.modify(s, selectors.EVENT_READ)
                if events & selectors.EVENT_READ:
                    try:
                        chunk = s.recv(65536)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        ok = bytes(received) == payload
                        print(f"echo-client: sent {len(payload)} received {len(received)} "
                              f"{'identical' if ok else 'DIFFERENT'}", flush=True)
                        sys.exit(0 if ok else 1)
                    received += chunk


def close_first(host, port):
    """Linux closes first: sends a line, reads the echo, closes; prints its local port."""
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(b"hello\n")
    got = b""
    while len(got) < 6:
        chunk = s.recv(100)
        if not chunk:
            break
        got += chunk
    local_port = s.getsockname()[1]
    s.close()
    print(f"local_port={local_port} echo={got!r}", flush=True)
    sys.exit(0 if got == b"hello\n" else 1)


def serve_until_eof(port):
    """Accepts one connection, reads until the peer's FIN, answers with the byte count and
    its SHA-256, then closes (so the peer closed first)."""
    with socket.create_server(("0.0.0.0", int(port))) as srv:
        print("listening", flush=True)
        conn, peer = srv.accept()
        with conn:
            digest = hashlib.sha256()
            total = 0
            while data := conn.recv(65536):
                digest.update(data)
                total += len(data)
            conn.sendall(f"{total} {digest.hexdigest()}\n".encode())
        print(f"peer={peer[0]}:{peer[1]} received {total}", flush=True)


def connect_refused(host, port):
    """Expects the connection to be refused (RST answering our SYN)."""
    try:
        socket.create_connection((host, int(port)), timeout=10).close()
    except ConnectionRefusedError as e:
        print(f"connect: {e.strerror} (errno {e.errno})", flush=True)
        sys.exit(0)
    except OSError as e:
        sys.exit(f"connect: expected ECONNREFUSED, got {e!r}")
    sys.exit("connect: expected ECONNREFUSED, but it connected")


if __name__ == "__main__":
    commands = {
        "echo-server": echo_server,
        "echo-client": echo_client,
        "close-first": close_first,
        "serve-until-eof": serve_until_eof,
        "connect-refused": connect_refused,
    }
    commands[sys.argv[1]](*sys.argv[2:])
