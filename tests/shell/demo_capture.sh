#!/usr/bin/env bash
# `synack demo --pcap` writes a capture that is reproducible (same seed, same bytes), depends on
# the seed, and that Wireshark and tcpdump read as well-formed traffic: ARP, ICMP echo, and a TCP
# connection from SYN to FIN, with every IP, ICMP and TCP checksum verified.
set -euo pipefail
: "${SYNACK_CLI:?path of the built synack binary}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

run_demo() {  # seed, pcap path
  "$SYNACK_CLI" demo --seed "$1" --pcap "$2" >"$2.out" 2>&1 \
    || { cat "$2.out" >&2; fail "synack demo --seed $1 exited non-zero"; }
  [[ -s $2 ]] || fail "synack demo --seed $1 wrote no capture"
}

run_demo 7 "$tmp/a.pcap"
run_demo 7 "$tmp/b.pcap"
run_demo 8 "$tmp/c.pcap"

cmp "$tmp/a.pcap" "$tmp/b.pcap" || fail "two runs with --seed 7 wrote different captures"
# The text names the capture file; apart from that line it must be identical.
cmp <(grep -v 'written to' "$tmp/a.pcap.out") <(grep -v 'written to' "$tmp/b.pcap.out") \
  || fail "two runs with --seed 7 printed different text"
if cmp -s "$tmp/a.pcap" "$tmp/c.pcap"; then fail "--seed 7 and --seed 8 wrote identical captures"; fi

# ---- Wireshark ----
# Wireshark verifies IP, TCP and UDP checksums only when asked (ICMP ones always).
checks=(-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE)

# Runs tshark on a.pcap with the checks and any further arguments. It must exit 0 and say nothing
# on stderr (a truncated or unreadable file, an unknown preference or filter), apart from the
# notice it prints when run as root.
run_tshark() {
  tshark -n -r "$tmp/a.pcap" "${checks[@]}" "$@" 2>"$tmp/tshark.err" \
    || { cat "$tmp/tshark.err" >&2; fail "tshark $* failed"; }
  if grep -v '^Running as user "root"' "$tmp/tshark.err" | grep -q .; then
    cat "$tmp/tshark.err" >&2
    fail "tshark $* complained"
  fi
}

# Problems are looked for two independent ways.
# (1) A display filter on the fields Wireshark sets: any expert item of severity Error (malformed
#     or truncated packets, bad IP/TCP checksums, invalid lengths), the malformed marker, and
#     the checksum status fields, because a bad ICMP checksum is only a Warning.
problems='_ws.expert.severity == error || _ws.malformed
  || ip.checksum.status == "Bad" || icmp.checksum.status == "Bad"
  || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad"'
run_tshark -Y "$problems" >"$tmp/problems.txt"
[[ ! -s $tmp/problems.txt ]] || { cat "$tmp/problems.txt" >&2; fail "tshark found bad packets"; }
# (2) The full dissection (-V prints every expert item in the packet tree) must not contain the
#     words Wireshark uses for those problems, in case a field name above ever changes.
run_tshark -V >"$tmp/verbose.txt"
if grep -qE 'Malformed|Bad checksum|\[incorrect|Expert Info \(Error' "$tmp/verbose.txt"; then
  grep -nE 'Malformed|Bad checksum|\[incorrect|Expert Info \(Error' "$tmp/verbose.txt" \
    | head -20 >&2 || true
  fail "tshark -V reports malformed packets or bad checksums"
fi

require() {  # display filter, description: at least one packet matches
  run_tshark -Y "$1" >"$tmp/match.txt"
  local n
  n=$(wc -l <"$tmp/match.txt")
  [[ $n -ge 1 ]] || fail "no $2 in the capture (filter: $1)"
  echo "  $n x $2"
}
require 'arp.opcode == 1' 'ARP request'
require 'arp.opcode == 2' 'ARP reply'
require 'icmp.type == 8' 'ICMP echo request'
require 'icmp.type == 0' 'ICMP echo reply'
require 'tcp.flags.syn == 1 && tcp.flags.ack == 0' 'TCP SYN'
require 'tcp.flags.syn == 1 && tcp.flags.ack == 1' 'TCP SYN-ACK'
require 'tcp.flags.fin == 1' 'TCP FIN'

# ---- tcpdump ----
# -vv makes tcpdump verify checksums: "bad cksum" (IP), "wrong icmp cksum", "(incorrect" (TCP);
# "[|proto]" and "truncated" mark packets shorter than their headers say.
tcpdump -nn -vv -r "$tmp/a.pcap" >"$tmp/tcpdump.txt" 2>"$tmp/tcpdump.err" \
  || { cat "$tmp/tcpdump.err" >&2; fail "tcpdump could not read the capture"; }
[[ -s $tmp/tcpdump.txt ]] || fail "tcpdump printed no packets"
tcpdump_problems='truncated|bad cksum|wrong [a-z]+ cksum|incorrect|\[\|'
if grep -qE "$tcpdump_problems" "$tmp/tcpdump.txt"; then
  grep -nE "$tcpdump_problems" "$tmp/tcpdump.txt" | head -20 >&2 || true
  fail "tcpdump reports truncated packets or bad checksums"
fi

echo "demo_capture: ok"
