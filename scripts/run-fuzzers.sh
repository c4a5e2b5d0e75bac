#!/usr/bin/env bash
# Runs every libFuzzer target in a build for FUZZ_SECONDS each, with its own corpus folder.
# fuzz_stack also starts from seeds made of simulator captures: every scenario of the catalog and
# the demo (handshakes, losses, closes, a bulk transfer with SACK recovery), converted by
# stack_seeds_from_pcap into fuzz_stack's input encoding.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
only=${FUZZ_TARGET:-}

make_stack_seeds() {
  local captures="$build/captures" seeds="$build/seeds/fuzz_stack" name
  mkdir -p "$captures" "$seeds"
  # The CLI comes from the normal build (an instrumented CLI would be slow and noisy).
  local cli="${SYNACK_CLI:-build/bin/synack}"
  for name in $("$cli" scenario list | awk '{print $1}'); do
    "$cli" scenario run "$name" --pcap "$captures/$name.pcap" >/dev/null || true
  done
  "$cli" demo --bulk-bytes 262144 --bulk-loss 0.03 --pcap "$captures/demo.pcap" >/dev/null
  "$build/fuzz/stack_seeds_from_pcap" "$seeds" "$captures"/*.pcap
}

status=0
for target in "$build"/fuzz/fuzz_*; do
  [[ -x "$target" ]] || continue
  name=$(basename "$target")
  [[ -n "$only" && "$name" != "$only" ]] && continue
  corpus="fuzz/corpus-$name"
  mkdir -p "$corpus"
  seeds=()
  [[ -d "fuzz/seeds/$name" ]] && seeds=("fuzz/seeds/$name")
  if [[ "$name" == fuzz_stack ]]; then
    make_stack_seeds
    seeds+=("$build/seeds/fuzz_stack")
  fi
  echo "== $name for ${seconds}s"
  "$target" -max_total_time="$seconds" -print_final_stats=1 "$corpus" "${seeds[@]}" || status=1
done
exit $status
