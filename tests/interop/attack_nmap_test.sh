#!/usr/bin/env bash
# nmap's SYN, ACK, FIN, Xmas and Null scans of `synack serve` (port 7 open, 8 closed) while a
# kernel client's echo stream runs beside them. RFC 9293 3.10.7.1/3.10.7.2: a closed port
# answers each probe with RST; an open port answers SYN with SYN-ACK and ACK with RST, and stays
# silent for FIN, Xmas and Null. So nmap must report 7 open / 8 closed (SYN), both unfiltered
# (ACK), 7 open|filtered / 8 closed (FIN, Xmas, Null). The stream must come back byte-exact.
source "$(dirname "$0")/lib.sh"
command -v nmap >/dev/null || skip "nmap is not installed"
make_namespace
ATTACKER="$SYNACK_SOURCE_DIR/tests/interop/attack_peer.py"

start_in_ns serve "$SYNACK_CLI" serve "${SYNACK_DEV[@]}" --port 7 --echo
server=$LAST_PID
wait_for_log serve "synack serve:"
start_in_ns stream python3 "$ATTACKER" echo-stream "$SYNACK_IP" 7 10
stream=$LAST_PID

scan() {  # nmap scan flag, expected "port/state" for 7, for 8
  local flag=$1 want7=$2 want8=$3 out
  out=$(timeout 60 ip netns exec "$NS" nmap -n -Pn "$flag" -p 7,8 --max-retries 1 \
    --host-timeout 30s -oG - "$SYNACK_IP" | grep 'Ports:') || fail "nmap $flag produced no result"
  [[ $out == *"7/$want7/"* && $out == *"8/$want8/"* ]] \
    || fail "nmap $flag: expected 7 $want7 and 8 $want8, got: $out"
  note "nmap $flag: 7 $want7, 8 $want8"
}
scan -sS open closed
scan -sA unfiltered unfiltered
scan -sF open\|filtered closed
scan -sX open\|filtered closed
scan -sN open\|filtered closed

wait "$stream" || fail "echo stream beside the scans: $(cat "$WORK/stream.log")"
note "$(cat "$WORK/stream.log")"
stop_started "$server" || fail "synack serve exited with an error"
echo PASS
