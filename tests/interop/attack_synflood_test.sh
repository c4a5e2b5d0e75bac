#!/usr/bin/env bash
# hping3 floods `synack serve` with 20,000 SYNs (about 2 s) from one spoofed source inside the
# namespace's own range (198.18.0.9, which answers no ARP) while a kernel client's echo stream
# runs beside it. synack must stay up, answer every SYN (from its SYN queue, then with SYN
# cookies), and the stream must come back byte-exact.
source "$(dirname "$0")/lib.sh"
command -v hping3 >/dev/null || skip "hping3 is not installed"
make_namespace
ATTACKER="$SYNACK_SOURCE_DIR/tests/interop/attack_peer.py"

start_in_ns serve "$SYNACK_CLI" serve "${SYNACK_DEV[@]}" --port 7 --echo
server=$LAST_PID
wait_for_log serve "synack serve:"
start_in_ns stream python3 "$ATTACKER" echo-stream "$SYNACK_IP" 7 8
stream=$LAST_PID
sleep 1
# -c bounds the count, -i u100 the rate; --keep keeps one source port, -a spoofs the source.
timeout 30 ip netns exec "$NS" hping3 -q -S -p 7 -a 198.18.0.9 -c 20000 -i u100 "$SYNACK_IP" \
  >"$WORK/hping3.log" 2>&1 || true
grep -q 'packets transmitted' "$WORK/hping3.log" || fail "hping3 did not run: $(cat "$WORK/hping3.log")"
note "hping3: $(grep 'packets transmitted' "$WORK/hping3.log")"
wait "$stream" || fail "echo stream beside the flood: $(cat "$WORK/stream.log")"
note "$(cat "$WORK/stream.log")"
stop_started "$server" || fail "synack serve exited with an error"
# The SYN queue fills, then SYN cookies answer the rest (RFC 4987): no SYN is dropped.
grep -q '^Tcp PassiveOpens' "$WORK/serve.log" || fail "synack counted no SYN"
grep -q '^Tcp SyncookiesSent' "$WORK/serve.log" || fail "synack sent no SYN cookie under the flood"
grep -q '^Tcp ListenDrops' "$WORK/serve.log" && fail "synack dropped SYNs: $(grep ListenDrops "$WORK/serve.log")"
note "synack: $(grep -E '^Tcp (PassiveOpens|SyncookiesSent|TCPReqQFullDrop|ListenDrops) ' "$WORK/serve.log" | tr '\n' ' ')"
echo PASS
