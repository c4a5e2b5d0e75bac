#!/usr/bin/env bash
# The kernel pings synack over the TAP device (ARP resolves synack's address, ICMP echo answers),
# then echo both ways with the kernel's sockets: a Python client sends 4 MiB to `synack serve --echo`
# and gets the same bytes back; `synack connect` pipes 1 MiB to a Python echo server and writes
# the same bytes to stdout, half-closing at the end of its input.
source "$(dirname "$0")/lib.sh"
make_namespace

start_in_ns echo-serve "$SYNACK_CLI" serve "${SYNACK_DEV[@]}" --port 7 --echo \
  --pcap "$WORK/echo-serve.pcap"
server=$LAST_PID
wait_for_log echo-serve "synack serve:"
command -v ping >/dev/null || fail "ping (iputils-ping) is not installed"
in_ns ping -n -c 3 -i 0.2 -W 2 "$SYNACK_IP" >"$WORK/ping.log" 2>&1 || fail "ping: $(cat "$WORK/ping.log")"
grep -q '3 received' "$WORK/ping.log" || fail "not every ping answered: $(cat "$WORK/ping.log")"
in_ns ip neigh show "$SYNACK_IP" dev "$TAP" | grep -q lladdr \
  || fail "the kernel has no ARP entry for synack"
note "ping: $(grep -E 'received' "$WORK/ping.log"); kernel's ARP entry: $(in_ns ip neigh show "$SYNACK_IP" dev "$TAP")"
in_ns python3 "$PEER" echo-client "$SYNACK_IP" 7 $((4 << 20)) >"$WORK/echo-client.log" 2>&1 \
  || fail "Linux echo client: $(cat "$WORK/echo-client.log")"
note "Linux -> synack serve --echo: $(cat "$WORK/echo-client.log")"
stop_started "$server" || fail "synack serve exited with an error"
grep -q 'Ip IcmpInEchos 3' "$WORK/echo-serve.log" && grep -q 'Ip IcmpOutEchoReps 3' "$WORK/echo-serve.log" \
  || fail "synack did not count 3 echo requests and replies: $(grep Icmp "$WORK/echo-serve.log")"
check_capture "$WORK/echo-serve.pcap"

# Port 7 (echo): tshark dissects some ports as other protocols (7000 as Gryphon) and would call
# random payload malformed.
start_in_ns echo-kernel python3 "$PEER" echo-server 7
wait_for_kernel_listen 7
head -c 1M /dev/urandom >"$WORK/input.bin"
# Through a pipe, so stdin is read as the connection takes it (epoll on the pipe).
cat "$WORK/input.bin" | in_ns "$SYNACK_CLI" connect "${SYNACK_DEV[@]}" \
  --pcap "$WORK/connect.pcap" "$KERNEL_IP:7" >"$WORK/output.bin" 2>"$WORK/connect.log" \
  || fail "synack connect failed"
cmp -s "$WORK/input.bin" "$WORK/output.bin" || fail "synack connect got back different bytes"
note "synack connect -> Linux echo server: 1 MiB back, identical"
# And from a regular file on stdin (epoll cannot watch files).
in_ns "$SYNACK_CLI" connect "${SYNACK_DEV[@]}" "$KERNEL_IP:7" <"$WORK/input.bin" \
  >"$WORK/output2.bin" 2>"$WORK/connect2.log" || fail "synack connect (file stdin) failed"
cmp -s "$WORK/input.bin" "$WORK/output2.bin" || fail "file stdin: different bytes back"
note "synack connect with a file on stdin: identical"
check_capture "$WORK/connect.pcap"
echo PASS
