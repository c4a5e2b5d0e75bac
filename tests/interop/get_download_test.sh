#!/usr/bin/env bash
# `synack get` downloads a 64 MiB file from `python3 -m http.server` on the Linux side,
# byte-exact, and reports a 404 as an error; synack (client) and Linux (server) negotiated
# window scaling, SACK and timestamps; the capture is well-formed.
source "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || fail "python3 is not installed"
make_namespace

mkdir -p "$WORK/www"
head -c 64M /dev/urandom >"$WORK/www/big.bin"
start_in_ns http python3 -m http.server --bind "$KERNEL_IP" --directory "$WORK/www" 8000
wait_for_kernel_listen 8000

start=$SECONDS
in_ns "$SYNACK_CLI" get "${SYNACK_DEV[@]}" --pcap "$WORK/get.pcap" \
  "http://$KERNEL_IP:8000/big.bin" -o "$WORK/got.bin" 2>"$WORK/get.log" \
  || fail "synack get failed: $(tail -5 "$WORK/get.log")"
[[ $(sha "$WORK/got.bin") == $(sha "$WORK/www/big.bin") ]] || fail "the download differs"
note "64 MiB by synack get from python3 -m http.server in $((SECONDS - start)) s, SHA-256 identical"

if in_ns "$SYNACK_CLI" get "${SYNACK_DEV[@]}" "http://$KERNEL_IP:8000/missing.bin" \
  -o "$WORK/missing.out" 2>"$WORK/get404.log"; then
  fail "synack get of a missing file exited 0"
fi
grep -q 'HTTP 404' "$WORK/get404.log" || fail "404 not reported: $(cat "$WORK/get404.log")"
note "missing file: synack get reports HTTP 404 and exits 1"

check_capture "$WORK/get.pcap"
check_negotiated "$WORK/get.pcap"
echo PASS
