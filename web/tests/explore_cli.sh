#!/usr/bin/env bash
# `synack explore` writes out the page `make web` built, byte for byte, and prints its file://
# URL; without a page it fails with a message that says how to build one.
set -euo pipefail
: "${SYNACK_CLI:?path of the built synack binary}" "${SYNACK_WEB_PAGE:?the built page}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$SYNACK_CLI" explore --out "$tmp/out" >"$tmp/stdout"
cmp "$SYNACK_WEB_PAGE" "$tmp/out/index.html" || fail "the written page differs from $SYNACK_WEB_PAGE"
grep -qx "open file://$tmp/out/index.html" "$tmp/stdout" || { cat "$tmp/stdout"; fail "no file:// URL printed"; }

status=0
SYNACK_WEB_PAGE= "$SYNACK_CLI" explore --page "$tmp/missing.html" --out "$tmp/x" 2>"$tmp/stderr" || status=$?
[[ $status -eq 2 ]] || fail "a missing page exited $status, not 2"
grep -q "make web" "$tmp/stderr" || { cat "$tmp/stderr"; fail "the error does not say to run make web"; }
echo "explore_cli: ok"
