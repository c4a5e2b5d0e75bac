#!/usr/bin/env bash
# The command line as a user meets it: `demo --json` prints JSON lines only; `demo --svg`
# writes the ladder; `demo --pcap` captures the bulk transfer too (FILE-bulk.pcap); output that
# cannot be written is exit 2 for demo and scenario alike; bad ports and bad options are a clear
# message and exit 2; a device that does not exist is refused without --create; `trace` prints
# time relative to the capture's first packet unless --absolute.
set -euo pipefail
cli=${SYNACK_CLI:?path of the built synack binary}
data=${SYNACK_SOURCE_DIR:?}/tests/data

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

expect_exit() {  # status, description, command...: runs it, stderr to $tmp/err
  local want=$1 what=$2 status=0
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
  [[ $status -eq $want ]] || { cat "$tmp/err" >&2; fail "$what: exit $status, expected $want"; }
}

small=(--bulk-bytes 200000 --bulk-loss 0)

# ---- demo --json: every line of standard output is one JSON object, and there are events ----
"$cli" demo "${small[@]}" --json >"$tmp/demo.jsonl" 2>"$tmp/demo.err" \
  || { cat "$tmp/demo.err" >&2; fail "demo --json exited non-zero"; }
python3 - "$tmp/demo.jsonl" <<'PY' || fail "demo --json printed something other than JSON lines"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) > 10, len(lines)
for line in lines:
    assert isinstance(json.loads(line), dict), line
PY
grep -q '== Summary' "$tmp/demo.err" || fail "demo --json lost its human-readable text on stderr"

# ---- demo --svg: the ladder as SVG, in text and JSON mode ----
"$cli" demo "${small[@]}" --svg "$tmp/ladder.svg" >"$tmp/demo.txt" 2>&1 || fail "demo --svg failed"
xmllint --noout "$tmp/ladder.svg" || fail "demo --svg wrote no valid SVG"
grep -q 'SYN' "$tmp/ladder.svg" || fail "the demo's SVG has no SYN in it"
"$cli" demo "${small[@]}" --json --svg "$tmp/ladder-json.svg" >/dev/null 2>&1
cmp "$tmp/ladder.svg" "$tmp/ladder-json.svg" || fail "demo --json --svg wrote a different SVG"
expect_exit 2 "demo --svg into a missing directory" \
  "$cli" demo "${small[@]}" --svg "$tmp/no/such/dir/l.svg"
grep -q "cannot write" "$tmp/err" || fail "no message for an unwritable SVG"

# ---- demo --pcap: the bulk transfer is in FILE-bulk.pcap, every byte of it ----
"$cli" demo "${small[@]}" --pcap "$tmp/d.pcap" >"$tmp/demo.txt" 2>&1 || fail "demo --pcap failed"
grep -q "written to $tmp/d-bulk.pcap" "$tmp/demo.txt" || fail "the demo does not name the bulk capture"
[[ -s $tmp/d.pcap && -s $tmp/d-bulk.pcap ]] || fail "demo --pcap did not write both captures"
# One past the highest byte the client sent (relative sequence numbers start at 1).
last=$(tshark -n -r "$tmp/d-bulk.pcap" -Y 'ip.src == 198.18.0.1 && tcp.len > 0' \
  -T fields -e tcp.seq -e tcp.len 2>/dev/null | awk '$1 + $2 > m { m = $1 + $2 } END { print m }')
[[ $last -eq 200001 ]] || fail "the bulk capture ends at relative sequence $last, not 200001"
tshark -n -r "$tmp/d-bulk.pcap" -Y 'tcp.flags.fin == 1' 2>/dev/null | grep -q . \
  || fail "the bulk capture has no FIN"
expect_exit 2 "demo --pcap into a missing directory" \
  "$cli" demo "${small[@]}" --pcap "$tmp/no/such/dir/d.pcap"

# ---- scenario run: an unwritable capture is exit 2, like an unwritable SVG ----
expect_exit 2 "scenario run --pcap into a missing directory" \
  "$cli" scenario run handshake --pcap "$tmp/no/such/dir/h.pcap"
grep -q "cannot write" "$tmp/err" || fail "no message for an unwritable capture"
expect_exit 2 "scenario run --svg into a missing directory" \
  "$cli" scenario run handshake --svg "$tmp/no/such/dir/h.svg"

# ---- ports and options ----
dev=(--dev synack-nosuch0 --ip 198.18.0.2/24)
for port in 0 70000 http -1; do
  expect_exit 2 "serve --port $port" "$cli" serve "${dev[@]}" --port "$port" --echo
  grep -q 'a TCP port is a number from 1 to 65535' "$tmp/err" \
    || { cat "$tmp/err" >&2; fail "serve --port $port: no clear message"; }
done
expect_exit 2 "an unknown option" "$cli" demo --no-such-option
expect_exit 2 "an unknown subcommand" "$cli" no-such-subcommand
expect_exit 0 "--help" "$cli" --help

# ---- a device that does not exist is not created behind the user's back ----
[[ ! -e /sys/class/net/synack-nosuch0 ]] || fail "a device named synack-nosuch0 already exists"
expect_exit 1 "serve on a device that does not exist" \
  "$cli" serve "${dev[@]}" --port 7 --echo
grep -q 'no device synack-nosuch0' "$tmp/err" && grep -q -- '--create' "$tmp/err" \
  || { cat "$tmp/err" >&2; fail "no message naming the device and --create"; }
[[ ! -e /sys/class/net/synack-nosuch0 ]] || fail "serve created synack-nosuch0 without --create"

# ---- trace: time relative to the first packet by default, the capture's own with --absolute ----
"$cli" trace "$data/linux_kernel_connection.pcap" >"$tmp/trace.txt" || fail "trace failed"
first=$(grep -m1 -oE '^ *[0-9]+\.[0-9]+s' "$tmp/trace.txt" | tr -d ' ')
[[ $first == 0.000s ]] || { head -5 "$tmp/trace.txt" >&2; fail "trace starts at $first, not 0.000s"; }
"$cli" trace --absolute "$data/linux_kernel_connection.pcap" >"$tmp/trace-abs.txt"
first_abs=$(grep -m1 -oE '^ *[0-9]+\.[0-9]+s' "$tmp/trace-abs.txt" | tr -d ' ')
epoch=$(tshark -n -r "$data/linux_kernel_connection.pcap" -c 1 -T fields -e frame.time_epoch 2>/dev/null)
python3 -c "import sys; assert abs(float('${first_abs%s}') - float('$epoch')) < 0.001" \
  || fail "trace --absolute starts at $first_abs, the capture at $epoch"

echo "cli_usage: ok"
