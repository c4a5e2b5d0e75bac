#!/usr/bin/env bash
# The CLI's front door: --help succeeds and names the demo; a subcommand that does not exist fails.
set -euo pipefail
: "${SYNACK_CLI:?path of the built synack binary}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

"$SYNACK_CLI" --help >"$tmp/help.out" 2>&1 || fail "synack --help exited $?"
grep -Eq '^[[:space:]]+demo([[:space:]]|$)' "$tmp/help.out" \
  || { cat "$tmp/help.out" >&2; fail "synack --help does not list the demo subcommand"; }

status=0
"$SYNACK_CLI" no-such-subcommand >"$tmp/unknown.out" 2>&1 || status=$?
[[ $status -ne 0 ]] || { cat "$tmp/unknown.out" >&2; fail "an unknown subcommand exited 0"; }

echo "cli_help: ok"
