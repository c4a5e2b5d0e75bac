#!/usr/bin/env bash
# IPv4 fragmentation both ways (RFC 791 3.2, RFC 1122 3.3.2): `ping -s 3000` from the kernel
# sends each 3008-byte echo request in three fragments over a 1500-byte MTU; synack reassembles
# it and answers with a reply it fragments itself, which the kernel reassembles. Every reply
# must come back with its data intact, and synack's counters must show both directions.
source "$(dirname "$0")/lib.sh"
make_namespace
command -v ping >/dev/null || skip "ping (iputils-ping) is not installed"

count=5
start_in_ns serve "$SYNACK_CLI" serve "${SYNACK_DEV[@]}" --port 7 --echo
server=$LAST_PID
wait_for_log serve "synack serve:"
# -p: a data pattern ping checks in each reply; -W bounds the wait for each one.
in_ns ping -n -c "$count" -i 0.2 -W 2 -s 3000 -p a5c3 "$SYNACK_IP" >"$WORK/ping.log" 2>&1 \
  || fail "ping -s 3000 failed: $(tail -3 "$WORK/ping.log")"
grep -q "$count packets transmitted, $count received" "$WORK/ping.log" \
  || fail "not every reply came back: $(tail -2 "$WORK/ping.log")"
grep -qi "wrong data" "$WORK/ping.log" && fail "a reply carried wrong data"
note "$(grep 'packets transmitted' "$WORK/ping.log")"
stop_started "$server" || fail "synack serve exited with an error"
for counter in "ReasmOKs $count" "FragOKs $count" "FragCreates $((3 * count))" "IcmpOutEchoReps $count"; do
  grep -q "^Ip $counter\$" "$WORK/serve.log" || fail "synack's counters lack 'Ip $counter'"
done
grep -q '^Ip ReasmFails' "$WORK/serve.log" && fail "synack counted reassembly failures"
note "synack: $(grep -E '^Ip (Reasm|Frag)' "$WORK/serve.log" | tr '\n' ' ')"
echo PASS
