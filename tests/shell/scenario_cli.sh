#!/usr/bin/env bash
# `synack scenario`: list shows the catalog; run prints claim, ladder, evidence and verdict with
# exit 0; --json is valid JSON; --pcap and --svg write files tshark and xmllint accept; an
# unknown name fails.
set -euo pipefail
cli=${SYNACK_CLI:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ "$($cli scenario list | wc -l)" -eq 18 ]
$cli scenario list | grep -q '^why-2msl '
out=$($cli scenario run handshake --pcap "$tmp/h.pcap" --svg "$tmp/h.svg")
grep -q '^claim: Three segments' <<<"$out"
grep -q 'SYN_SENT' <<<"$out"
grep -q '^  client ESTABLISHED at: 0.020 s' <<<"$out"
grep -q '^PASS' <<<"$out"
xmllint --noout "$tmp/h.svg"
[ "$(tshark -r "$tmp/h.pcap" -T fields -e tcp.flags.str 2>/dev/null | wc -l)" -eq 3 ]
$cli scenario run lost-final-ack --svg "$tmp/l.svg" >/dev/null
[ -s "$tmp/l.svg" ] && [ -s "$tmp/l-2.svg" ]
$cli scenario run isn --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["passed"] and d["name"]=="isn"'
if $cli scenario run no-such-scenario 2>/dev/null; then exit 1; fi
echo ok
