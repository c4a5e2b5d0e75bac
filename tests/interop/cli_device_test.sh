#!/usr/bin/env bash
# The CLI on a real device as a user meets it: SIGUSR1 prints the counters while `synack serve`
# keeps serving, --stats-interval prints them periodically, the HTTP server's responses carry a
# Date from the system clock (RFC 9110 6.6.1), and --create makes a missing device (without it
# the name must exist: tests/shell/cli_usage.sh).
source "$(dirname "$0")/lib.sh"
make_namespace

mkdir -p "$WORK/www"
echo hello >"$WORK/www/hello.txt"

count_stats() { grep -c "^device $TAP: " "$WORK/$1.log" || true; }

# ---- SIGUSR1: counters now, and the server carries on ----
start_in_ns serve "$SYNACK_CLI" serve --dev "$TAP" --ip "$SYNACK_IP/24" --port 8080 \
  --http "$WORK/www"
server=$LAST_PID
wait_for_log serve "synack serve:"
[[ $(count_stats serve) -eq 0 ]] || fail "counters printed before anything asked for them"
before=$(date +%s)
in_ns curl -sS -D "$WORK/headers.txt" -o "$WORK/got.txt" "http://$SYNACK_IP:8080/hello.txt" \
  || fail "curl could not fetch hello.txt"
after=$(date +%s)
cmp "$WORK/got.txt" "$WORK/www/hello.txt" || fail "hello.txt arrived different"
kill -USR1 "$server"
wait_for_log serve "^device $TAP: "
grep -q '^Tcp PassiveOpens 1$' "$WORK/serve.log" || fail "SIGUSR1 did not print the TCP counters"
kill -0 "$server" || fail "synack serve exited on SIGUSR1"
in_ns curl -sS -o /dev/null "http://$SYNACK_IP:8080/hello.txt" || fail "no answer after SIGUSR1"
note "SIGUSR1: counters printed, still serving"

# ---- Date: IMF-fixdate from the system clock, within the request's second ----
date_line=$(grep -i '^Date: ' "$WORK/headers.txt" | tr -d '\r') || fail "no Date header"
python3 - "$date_line" "$before" "$after" <<'PY' || fail "bad Date header: $date_line"
import email.utils, re, sys
value = sys.argv[1].split(": ", 1)[1]
assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT", value), value
when = email.utils.parsedate_to_datetime(value).timestamp()
assert int(sys.argv[2]) <= when <= int(sys.argv[3]), (when, sys.argv[2], sys.argv[3])
PY
note "$date_line"
stop_started "$server" || fail "synack serve exited with an error"

# ---- --stats-interval: periodic counters without a signal; --create: a new device ----
start_in_ns periodic "$SYNACK_CLI" serve --dev synack-new0 --create --ip "$SYNACK_IP/24" \
  --port 8080 --echo --stats-interval 0.2
periodic=$LAST_PID
wait_for_log periodic "synack serve:"
in_ns ip link show synack-new0 >/dev/null || fail "--create did not create synack-new0"
deadline=$((SECONDS + 10))
until [[ $(grep -c '^device synack-new0: ' "$WORK/periodic.log" || true) -ge 3 ]]; do
  ((SECONDS < deadline)) || fail "--stats-interval 0.2 printed no three reports in 10 s"
  sleep 0.1
done
stop_started "$periodic" || fail "synack serve --create exited with an error"
note "--stats-interval: periodic reports; --create made synack-new0"
echo PASS
