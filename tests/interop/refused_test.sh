#!/usr/bin/env bash
# Connecting to a closed port gives ECONNREFUSED on both sides of the pairing: `synack connect`
# to a kernel port nobody listens on, and a kernel socket to a synack port nobody listens on
# (synack answers the SYN with RST, RFC 9293 3.10.7.1).
source "$(dirname "$0")/lib.sh"
make_namespace

if in_ns "$SYNACK_CLI" connect "${SYNACK_DEV[@]}" "$KERNEL_IP:9" </dev/null \
  >"$WORK/out" 2>"$WORK/refused.log"; then
  fail "synack connect to a closed kernel port succeeded"
fi
grep -q "$KERNEL_IP:9: Connection refused" "$WORK/refused.log" \
  || fail "synack connect did not report ECONNREFUSED: $(cat "$WORK/refused.log")"
note "synack -> closed kernel port: $(grep 'Connection refused' "$WORK/refused.log")"

start_in_ns serve "$SYNACK_CLI" serve "${SYNACK_DEV[@]}" --port 7 --echo
server=$LAST_PID
wait_for_log serve "synack serve:"
in_ns python3 "$PEER" connect-refused "$SYNACK_IP" 8 >"$WORK/kernel.log" 2>&1 \
  || fail "kernel connect: $(cat "$WORK/kernel.log")"
note "Linux -> closed synack port: $(cat "$WORK/kernel.log")"
stop_started "$server" || fail "synack serve exited with an error"
grep -q 'Tcp OutRsts 1' "$WORK/serve.log" || fail "synack did not count its RST: $(cat "$WORK/serve.log")"
echo PASS
