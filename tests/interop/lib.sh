# Shared set-up for the interoperability tests, sourced by each tests/interop/*_test.sh.
#
# Each test gets its own network namespace with a unique name holding one TAP device: the Linux
# kernel's side of it is 198.18.0.1/24 (RFC 2544 benchmarking space), synack attaches to the
# same device as 198.18.0.2. Nothing is routed anywhere else, and everything the test made (the
# namespace with its device, the processes it started, its files) is removed on exit, whether
# the test passed or not. Needs root; reports SKIP (exit 77) otherwise.
set -euo pipefail
: "${SYNACK_CLI:?path of the built synack binary}"
: "${SYNACK_SOURCE_DIR:?path of the source tree}"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*"; }

[[ $(id -u) -eq 0 ]] || skip "needs root for network namespaces and TAP devices"
[[ -c /dev/net/tun ]] || skip "no /dev/net/tun"
command -v ip >/dev/null || skip "iproute2 is not installed"

NS="synack-$(basename "$0" .sh | tr _ -)-$$-$RANDOM"
TAP=tap0
KERNEL_IP=198.18.0.1
SYNACK_IP=198.18.0.2
WORK=$(mktemp -d)
PEER="$SYNACK_SOURCE_DIR/tests/interop/kernel_peer.py"
STARTED_PIDS=()

cleanup() {
  local status=$?
  for pid in "${STARTED_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  if [[ $status -ne 0 && $status -ne 77 ]]; then
    for log in "$WORK"/*.log; do
      [[ -f $log ]] || continue
      echo "==== $(basename "$log") (last 30 lines)" >&2
      tail -30 "$log" >&2
    done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

in_ns() { ip netns exec "$NS" "$@"; }

make_namespace() {
  ip netns add "$NS"
  in_ns ip link set lo up
  # No IPv6 chatter (router solicitations, DAD) on the device: the captures stay IPv4 + ARP.
  in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  in_ns ip tuntap add dev "$TAP" mode tap
  in_ns ip addr add "$KERNEL_IP/24" dev "$TAP"
  in_ns ip link set "$TAP" up
}

# Starts a command inside the namespace in the background; its PID goes to STARTED_PIDS (ip
# netns exec execs the command, so the PID is the command's own).
start_in_ns() {  # log-name, command...
  local log="$WORK/$1.log"
  shift
  ip netns exec "$NS" "$@" >"$log" 2>&1 &
  STARTED_PIDS+=($!)
  LAST_PID=$!
}

# Stops one started process with SIGTERM and waits for it; returns its exit status.
stop_started() {  # pid
  kill "$1" 2>/dev/null || true
  local status=0
  wait "$1" || status=$?
  return $status
}

# Waits until `log` contains `text` (a server announcing it listens), at most `seconds`.
wait_for_log() {  # log-name, text, seconds
  local deadline=$((SECONDS + ${3:-10}))
  until grep -q -- "$2" "$WORK/$1.log" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "timed out waiting for '$2' in $1.log"
    sleep 0.1
  done
}

# Waits until the kernel listens on `port` in the namespace.
wait_for_kernel_listen() {  # port
  local deadline=$((SECONDS + 10))
  until in_ns ss -Hltn "sport = :$1" | grep -q LISTEN; do
    ((SECONDS < deadline)) || fail "nothing listens on kernel port $1"
    sleep 0.1
  done
}

# A capture must be well-formed to Wireshark: no malformed packet (the malformed marker or an
# expert item of group Malformed, 0x07000000) and no bad IP or TCP checksum (both verified).
# Packets are judged one by one, without TCP stream reassembly and without the HTTP dissector:
# reassembly of 64 MiB took minutes per capture, reported the kernel's retransmissions on a
# reordering path as "New fragment overlaps old data", and without reassembly the HTTP dissector
# misreads body segments; neither says anything about the packets. (HTTP itself is checked by
# curl, python and the byte-exact downloads.)
check_capture() {  # pcap
  command -v tshark >/dev/null || fail "tshark is not installed"
  # A TCP checksum field of 0xFFFF is the other ones'-complement zero (RFC 1624 section 3), as
  # valid as 0x0000; Linux occasionally sends one (about 1 in 65,536 segments, from incremental
  # updates) and tshark flags it. Those are counted and reported, not failed.
  local ffff='tcp.checksum == 0xffff'
  local problems="_ws.malformed || _ws.expert.group == 0x07000000
    || ip.checksum.status == \"Bad\" || (tcp.checksum.status == \"Bad\" && !($ffff))"
  local options=(-n -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE
    -o tcp.desegment_tcp_streams:FALSE --disable-protocol http)
  tshark "${options[@]}" -r "$1" -Y "$problems" >"$WORK/problems.txt" 2>"$WORK/tshark.err" \
    || { cat "$WORK/tshark.err" >&2; fail "tshark could not read $(basename "$1")"; }
  if [[ -s "$WORK/problems.txt" ]]; then
    head -20 "$WORK/problems.txt" >&2
    fail "$(wc -l <"$WORK/problems.txt") malformed or bad-checksum packets in $(basename "$1")"
  fi
  local zeros
  zeros=$(tshark -n -r "$1" -o tcp.desegment_tcp_streams:FALSE -Y "$ffff" 2>/dev/null | wc -l)
  note "$(basename "$1"): $(capinfos -M -c "$1" | sed -nE 's/.*packets: *//p') packets, none malformed, every checksum good ($zeros with the checksum written 0xFFFF)"
}

# Both the SYN and the SYN-ACK of every handshake in the capture carry window scaling,
# SACK-permitted and timestamps (RFC 7323, RFC 2018): the two stacks negotiated all three.
check_negotiated() {  # pcap
  # tcpdump's BPF picks the SYNs out of a large capture far faster than a display filter.
  tcpdump -r "$1" -w "$WORK/syns.pcap" 'tcp[tcpflags] & tcp-syn != 0' 2>/dev/null \
    || fail "tcpdump could not read $(basename "$1")"
  local lines
  lines=$(tshark -n -r "$WORK/syns.pcap" -T fields -E separator=, \
    -e ip.src -e tcp.flags.ack -e tcp.options.wscale.shift -e tcp.options.sack_perm \
    -e tcp.options.timestamp.tsval 2>/dev/null)
  [[ -n $lines ]] || fail "no SYN in $(basename "$1")"
  local syn=0 synack=0
  while IFS=, read -r src ack wscale sackperm tsval; do
    [[ -n $wscale && -n $sackperm && -n $tsval ]] \
      || fail "SYN from $src (ack=$ack) lacks an option: wscale='$wscale' sack='$sackperm' ts='$tsval'"
    if [[ $ack == 1 || $ack == True ]]; then synack=$((synack + 1)); else syn=$((syn + 1)); fi
  done <<<"$lines"
  ((syn > 0 && synack > 0)) || fail "expected both SYN and SYN-ACK in $(basename "$1")"
  note "$(basename "$1"): $syn SYN and $synack SYN-ACK, each with window scale, SACK-permitted and timestamps"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# synack's common options for this namespace's device.
SYNACK_DEV=(--dev "$TAP" --ip "$SYNACK_IP/24" --stats)
