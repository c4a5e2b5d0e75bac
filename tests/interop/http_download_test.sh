#!/usr/bin/env bash
# curl on the Linux side downloads a 64 MiB file from `synack serve --http`, byte-exact; two
# requests share one keep-alive connection; a missing file is a 404. The capture synack wrote is
# well-formed to tshark, and Linux (client) and synack (server) negotiated window scaling, SACK
# and timestamps.
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || fail "curl is not installed"
make_namespace

mkdir -p "$WORK/www"
head -c 64M /dev/urandom >"$WORK/www/big.bin"
echo '<h1>synack</h1>' >"$WORK/www/index.html"

start_in_ns serve "$SYNACK_CLI" serve "${SYNACK_DEV[@]}" --port 8080 --http "$WORK/www" \
  --pcap "$WORK/serve.pcap"
server=$LAST_PID
wait_for_log serve "synack serve:"

start=$SECONDS
in_ns curl -sS --fail --max-time 300 -o "$WORK/got.bin" "http://$SYNACK_IP:8080/big.bin" \
  || fail "curl failed"
[[ $(sha "$WORK/got.bin") == $(sha "$WORK/www/big.bin") ]] || fail "the download differs"
note "64 MiB by curl from synack serve --http in $((SECONDS - start)) s, SHA-256 identical"

in_ns curl -sS -v --fail -o "$WORK/a.html" -o "$WORK/b.html" \
  "http://$SYNACK_IP:8080/index.html" "http://$SYNACK_IP:8080/index.html" 2>"$WORK/curl-v.log" \
  || fail "two keep-alive requests failed"
grep -qi 're-using existing connection\|reusing existing connection' "$WORK/curl-v.log" \
  || fail "curl did not reuse the connection for the second request"
cmp -s "$WORK/a.html" "$WORK/www/index.html" && cmp -s "$WORK/b.html" "$WORK/www/index.html" \
  || fail "keep-alive responses differ from the file"
grep -q '< Content-Length: 16' "$WORK/curl-v.log" || fail "wrong Content-Length for index.html"
note "two requests on one keep-alive connection, Content-Length 16"

code=$(in_ns curl -s -o /dev/null -w '%{http_code}' "http://$SYNACK_IP:8080/missing.bin")
[[ $code == 404 ]] || fail "missing file answered $code, not 404"
note "missing file: 404"

stop_started "$server" || fail "synack serve exited with an error"
check_capture "$WORK/serve.pcap"
check_negotiated "$WORK/serve.pcap"
echo PASS
