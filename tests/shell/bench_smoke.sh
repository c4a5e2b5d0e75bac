#!/usr/bin/env bash
# `synack bench` and the microbenchmarks run and report well-formed results. Each benchmark runs
# briefly (--quick); speeds are never asserted, only that every measurement produced a positive
# number and that each comparison has both its synack and its Linux side. synflood's Linux side
# needs root and /dev/net/tun ("auto"): without them it says why, with them every row has it.
set -euo pipefail
: "${SYNACK_CLI:?path of the built synack binary}"
: "${SYNACK_BINARY_DIR:?build directory}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

for bench in throughput:2:yes connrate:1:yes rr:1:yes memory:8:no synflood:4:auto; do
  IFS=: read -r name rows with_linux <<<"$bench"
  "$SYNACK_CLI" bench "$name" --quick >"$tmp/$name.txt" 2>&1 \
    || { cat "$tmp/$name.txt" >&2; fail "synack bench $name --quick exited $?"; }
  grep -q "^== $name" "$tmp/$name.txt" || fail "bench $name: no heading"
  if [[ $with_linux == auto ]] && grep -q "linux: not available: needs root and /dev/net/tun" \
    "$tmp/$name.txt"; then
    with_linux=no
  elif [[ $with_linux == auto ]]; then
    with_linux=yes
  fi
  if [[ $with_linux == yes ]]; then
    grep -q "linux   min/median/max" "$tmp/$name.txt" || fail "bench $name: no Linux result"
    grep -q "ratio (median synack / linux)" "$tmp/$name.txt" || fail "bench $name: no ratio"
  fi
  "$SYNACK_CLI" bench "$name" --quick --json >"$tmp/$name.json" 2>"$tmp/$name.err" \
    || { cat "$tmp/$name.err" >&2; fail "synack bench $name --quick --json exited $?"; }
  python3 - "$tmp/$name.json" "$name" "$rows" "$with_linux" <<'PY' || fail "bench $name: bad JSON"
import json, sys
path, name, rows, with_linux = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "yes"
doc = json.load(open(path))
assert doc["benchmark"] == name, doc["benchmark"]
assert len(doc["results"]) == rows, len(doc["results"])
for r in doc["results"]:
    s = r["synack"]
    assert s["runs"] and all(v > 0 for v in s["runs"]), r
    assert s["min"] <= s["median"] <= s["max"], r
    if with_linux:
        l = r["linux"]
        assert len(l["runs"]) == len(s["runs"]) and all(v > 0 for v in l["runs"]), r
        assert abs(r["ratio"] - s["median"] / l["median"]) < 1e-9 * r["ratio"], r
    else:
        assert r["linux"] is None and r["ratio"] is None, r
PY
done

# tap needs root and /dev/net/tun: without them it explains why, with them it compares.
"$SYNACK_CLI" bench tap --quick >"$tmp/tap.txt" 2>&1 \
  || { cat "$tmp/tap.txt" >&2; fail "synack bench tap --quick exited $?"; }
if ! grep -q "not available: needs root and /dev/net/tun" "$tmp/tap.txt"; then
  grep -q "linux   min/median/max" "$tmp/tap.txt" && grep -q "ratio (median synack / linux)" "$tmp/tap.txt" \
    || { cat "$tmp/tap.txt" >&2; fail "bench tap: neither a result nor an explanation"; }
fi
"$SYNACK_CLI" bench tap --quick --json >"$tmp/tap.json" 2>"$tmp/tap.err" \
  || { cat "$tmp/tap.err" >&2; fail "synack bench tap --quick --json exited $?"; }
python3 - "$tmp/tap.json" <<'PY' || fail "bench tap: bad JSON"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["benchmark"] == "tap", doc
if doc.get("available") is False:
    assert doc["reason"] == "needs root and /dev/net/tun", doc
else:
    assert len(doc["results"]) == 2, doc
    for r in doc["results"]:
        s, l = r["synack"], r["linux"]
        assert len(s["runs"]) == len(l["runs"]) == 3, r
        assert all(v > 0 for v in s["runs"] + l["runs"]), r
        assert abs(r["ratio"] - s["median"] / l["median"]) < 1e-9 * r["ratio"], r
PY

micro="$SYNACK_BINARY_DIR/bin/synack_microbench"
if [[ -x $micro ]]; then
  "$micro" --benchmark_min_time=0.001 >"$tmp/micro.txt" 2>&1 \
    || { cat "$tmp/micro.txt" >&2; fail "synack_microbench exited $?"; }
  for family in BM_InternetChecksum/1500 BM_TcpParse BM_TcpEmit BM_ReassemblyInsert \
    BM_DeadlineHeapPushPop BM_ConnectionLookupHit/100000; do
    grep -q "^$family" "$tmp/micro.txt" || fail "synack_microbench: no $family"
  done
fi

echo "bench_smoke: ok"
