#!/usr/bin/env bash
# Malformed and hostile segments crafted with scapy against `synack serve --echo` while a kernel
# client's echo stream runs beside them: bad checksum, data offset out of range, option lengths
# 0 and 1 and past the header, tiny and overlapping fragments, SYN+RST (silence for each); an ACK
# to a listener (RST); well-formed fragments of a SYN (SYN-ACK); inside an established connection
# a far-away ACK and an in-window inexact RST (challenge ACKs, RFC 5961), an exact RST (silence)
# and data after it (RST). The echo stream must come back byte-exact. About 15 s.
source "$(dirname "$0")/lib.sh"
# Debian's python3-scapy belongs to the system interpreter, which need not be the first python3.
SCAPY_PYTHON=
for py in /usr/bin/python3 python3; do
  if "$py" -c 'import scapy' 2>/dev/null; then SCAPY_PYTHON=$py; break; fi
done
[[ -n $SCAPY_PYTHON ]] || skip "python3-scapy is not installed"
make_namespace
ATTACKER="$SYNACK_SOURCE_DIR/tests/interop/attack_peer.py"

start_in_ns serve "$SYNACK_CLI" serve "${SYNACK_DEV[@]}" --port 7 --echo
server=$LAST_PID
wait_for_log serve "synack serve:"
in_ns ping -n -c 1 -W 2 "$SYNACK_IP" >/dev/null || fail "synack does not answer ping"
synack_mac=$(in_ns ip neigh show "$SYNACK_IP" dev "$TAP" | awk '{print $3}')
[[ -n $synack_mac ]] || fail "no ARP entry for synack"

start_in_ns stream python3 "$ATTACKER" echo-stream "$SYNACK_IP" 7 12
stream=$LAST_PID
sleep 1
timeout 60 ip netns exec "$NS" "$SCAPY_PYTHON" "$ATTACKER" probes "$TAP" "$SYNACK_IP" "$synack_mac" \
  198.18.0.3 7 8 >"$WORK/probes.log" 2>&1 || { cat "$WORK/probes.log"; fail "a probe got the wrong answer"; }
sed 's/^/-- /' "$WORK/probes.log"
wait "$stream" || fail "echo stream beside the probes: $(cat "$WORK/stream.log")"
note "$(cat "$WORK/stream.log")"
stop_started "$server" || fail "synack serve exited with an error"
# The tiny probe is two fragments, both refused: 8 bytes at offset 0, then offset 8 (RFC 1858).
for counter in "ReasmTinyTcp 2" "ReasmOverlaps 1" "ReasmOKs 1" "TcpInCsumErrors 1"; do
  grep -q "^Ip $counter\$" "$WORK/serve.log" || fail "synack's counters lack 'Ip $counter'"
done
grep -q '^Tcp TCPChallengeACK' "$WORK/serve.log" || fail "synack counted no challenge ACK"
echo PASS
