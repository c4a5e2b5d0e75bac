#!/usr/bin/env bash
# The two 64 MiB downloads again over a bad link: 5 % loss, reordering and delay. Still
# byte-exact, and the captures still well-formed.
#
# The impairment is tc netem on the TAP device when the kernel has it (sch_netem). Kernels built
# without netem (CONFIG_NET_SCH_NETEM unset, as on the VMs this project's CI runs on) get the
# same impairments from synack's own stage between the device and the stack (`--impair`, the
# simulator's link model), which impairs both directions rather than only the device's egress.
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || fail "curl is not installed"
make_namespace

LOSS=5% DELAY=2ms JITTER=1ms REORDER=10%
impair=()
if in_ns tc qdisc add dev "$TAP" root netem delay "$DELAY" "$JITTER" loss "$LOSS" \
  reorder "$REORDER" 50% 2>"$WORK/netem.err"; then
  note "tc netem on $TAP (kernel -> synack): loss $LOSS, delay $DELAY +- $JITTER, reorder $REORDER"
else
  impair=(--impair "loss=$LOSS,delay=$DELAY,jitter=$JITTER,reorder=$REORDER,reorder-delay=4ms")
  note "this kernel has no tc netem ($(head -1 "$WORK/netem.err")); synack impairs both directions: ${impair[1]}"
fi

mkdir -p "$WORK/www"
head -c 64M /dev/urandom >"$WORK/www/big.bin"

# ---- curl from synack serve --http ----
start_in_ns serve "$SYNACK_CLI" serve "${SYNACK_DEV[@]}" "${impair[@]}" --port 8080 \
  --http "$WORK/www" --pcap "$WORK/serve.pcap"
server=$LAST_PID
wait_for_log serve "synack serve:"
start=$SECONDS
in_ns curl -sS --fail --max-time 600 -o "$WORK/got1.bin" "http://$SYNACK_IP:8080/big.bin" \
  || fail "curl failed"
[[ $(sha "$WORK/got1.bin") == $(sha "$WORK/www/big.bin") ]] || fail "curl's download differs"
stop_started "$server" || fail "synack serve exited with an error"
note "curl <- synack serve: 64 MiB in $((SECONDS - start)) s, identical; $(grep -E '^impaired|RetransSegs' "$WORK/serve.log" | tr '\n' ' ')"

# ---- synack get from python3 -m http.server ----
start_in_ns http python3 -m http.server --bind "$KERNEL_IP" --directory "$WORK/www" 8000
wait_for_kernel_listen 8000
start=$SECONDS
in_ns "$SYNACK_CLI" get "${SYNACK_DEV[@]}" "${impair[@]}" --pcap "$WORK/get.pcap" \
  "http://$KERNEL_IP:8000/big.bin" -o "$WORK/got2.bin" 2>"$WORK/get.log" \
  || fail "synack get failed: $(tail -5 "$WORK/get.log")"
[[ $(sha "$WORK/got2.bin") == $(sha "$WORK/www/big.bin") ]] || fail "synack get's download differs"
note "synack get <- python http.server: 64 MiB in $((SECONDS - start)) s, identical; $(grep -E '^impaired' "$WORK/get.log")"

check_capture "$WORK/serve.pcap"
check_capture "$WORK/get.pcap"
echo PASS
