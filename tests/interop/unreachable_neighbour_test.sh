#!/usr/bin/env bash
# `synack connect` to an address on the subnet that answers no ARP fails with EHOSTUNREACH once
# address resolution has failed (Linux: about 3 s), not with ETIMEDOUT after all SYN retries
# (127 s). The run is bounded at 20 s; the elapsed time is reported.
source "$(dirname "$0")/lib.sh"
make_namespace

silent=198.18.0.77
started=$(date +%s.%N)
if timeout 20 ip netns exec "$NS" "$SYNACK_CLI" connect "${SYNACK_DEV[@]}" "$silent:80" \
  </dev/null >"$WORK/out" 2>"$WORK/connect.log"; then
  fail "synack connect to a silent neighbour succeeded"
fi
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
grep -q "$silent:80: No route to host" "$WORK/connect.log" \
  || fail "synack connect did not report EHOSTUNREACH: $(cat "$WORK/connect.log")"
grep -q '^Ip ArpRequestsSent 4$' "$WORK/connect.log" \
  || fail "expected 4 ARP requests: $(grep Arp "$WORK/connect.log")"
note "synack -> silent neighbour: $(grep 'No route' "$WORK/connect.log") after ${elapsed}s"
echo PASS
