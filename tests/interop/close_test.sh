#!/usr/bin/env bash
# Both ways of closing end cleanly, with TIME_WAIT on the side that closed first:
#  - Linux closes first (a Python client of `synack serve --echo`): the kernel holds the 4-tuple
#    in TIME_WAIT (seen with ss) and synack went CLOSE_WAIT -> LAST_ACK -> CLOSED;
#  - synack closes first (`synack connect` half-closes at the end of its input, the Python server
#    answers and closes): synack went FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT (its event log) and
#    the kernel holds no TIME_WAIT for it.
# Neither capture contains a RST but the kernel's answer to synack re-acknowledging a FIN the
# kernel retransmitted under load (see no_resets).
source "$(dirname "$0")/lib.sh"
make_namespace

state_changes() {  # events file, remote endpoint -> "FROM>TO ..." for that connection
  grep '"event":"state"' "$1" | grep "\"remote\":\"$2\"" \
    | sed -E 's/.*"from":"([A-Z_0-9]+)","to":"([A-Z_0-9]+)".*/\1>\2/' | tr '\n' ' '
}
# Runs `command` until it succeeds, for at most `seconds`: the test waits for the event it needs,
# never for a guessed time.
wait_until() {  # seconds, description, command...
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || fail "timed out waiting for $what"
    sleep 0.05
  done
}

# No RST ends these connections, with one exception that is correct on both sides. When synack
# closes first and is slow to acknowledge the kernel's FIN (a loaded machine), the kernel's
# probe timer retransmits the FIN; the kernel's LAST_ACK ends with synack's first ACK, synack in
# TIME_WAIT acknowledges the retransmitted FIN again (RFC 9293 3.10.7.4), and that ACK reaches
# a connection the kernel has closed, which it answers with <SEQ=SEG.ACK><CTL=RST> (RFC 9293
# 3.10.7.1). So a kernel RST passes only as the capture's last segment, after a retransmitted
# kernel FIN, with the sequence number synack's ACKs carry, and only once synack had
# acknowledged the FIN before the retransmission came. Anything else fails.
no_resets() {  # pcap
  local ours
  ours=$(tshark -n -r "$1" -Y "tcp.flags.reset == 1 && ip.src == $SYNACK_IP" 2>/dev/null | wc -l)
  [[ $ours -eq 0 ]] || fail "synack sent $ours RST segments in $(basename "$1")"
  tshark -n -r "$1" -Y tcp -T fields -E separator=, -e ip.src -e tcp.flags.fin \
    -e tcp.flags.reset -e tcp.seq -e tcp.ack -e tcp.len 2>/dev/null >"$WORK/segments.csv"
  local verdict
  verdict=$(python3 - "$WORK/segments.csv" "$KERNEL_IP" <<'PY'
import sys
kernel = sys.argv[2]
flag = lambda v: v in ("1", "True")
rows = [l.strip().split(",") for l in open(sys.argv[1]) if l.strip()]
segs = [dict(src=r[0], fin=flag(r[1]), rst=flag(r[2]), seq=int(r[3]), ack=int(r[4] or 0),
             len=int(r[5] or 0)) for r in rows]
resets = [i for i, s in enumerate(segs) if s["rst"]]
if not resets:
    print("none")
    sys.exit(0)
def explain(why):
    print("unexplained: " + why)
    sys.exit(0)
if resets != [len(segs) - 1]:
    explain("a RST that is not the last segment")
rst = segs[-1]
fins = [i for i, s in enumerate(segs) if s["src"] == kernel and s["fin"]]
if len(fins) < 2 or len({segs[i]["seq"] + segs[i]["len"] for i in fins}) != 1:
    explain("no retransmitted kernel FIN before it")
fin_end = segs[fins[0]]["seq"] + segs[fins[0]]["len"] + 1
ours = [i for i, s in enumerate(segs) if s["src"] != kernel]
first_ack = next((i for i in ours if segs[i]["ack"] == fin_end), None)
if first_ack is None or first_ack > fins[-1]:
    explain("synack had not acknowledged the FIN before it was retransmitted")
if ours[-1] < fins[-1] or segs[ours[-1]]["ack"] != fin_end or rst["seq"] != fin_end:
    explain("it does not answer synack's ACK of the retransmitted FIN")
print("explained")
PY
  ) || fail "could not judge the RSTs in $(basename "$1")"
  case $verdict in
    none) ;;
    explained)
      note "$(basename "$1"): the kernel retransmitted its FIN before synack's ACK reached it and" \
        "answered synack's second ACK with RST after closing (RFC 9293 3.10.7.1):"
      tshark -n -r "$1" 2>/dev/null | tail -6
      ;;
    *)
      tshark -n -r "$1" 2>/dev/null | tail -10 >&2
      fail "the kernel sent a RST in $(basename "$1"): ${verdict#unexplained: }"
      ;;
  esac
}

# ---- Linux closes first ----
start_in_ns serve "$SYNACK_CLI" serve "${SYNACK_DEV[@]}" --port 7 --echo \
  --events "$WORK/serve-events.json" --pcap "$WORK/serve.pcap"
server=$LAST_PID
wait_for_log serve "synack serve:"
in_ns python3 "$PEER" close-first "$SYNACK_IP" 7 >"$WORK/close-first.log" 2>&1 \
  || fail "Linux client: $(cat "$WORK/close-first.log")"
port=$(sed -nE 's/.*local_port=([0-9]+).*/\1/p' "$WORK/close-first.log")
# The kernel is in TIME_WAIT once synack's FIN arrived; synack is CLOSED once the kernel's last
# ACK arrived: wait for that, the later of the two.
wait_until 10 "synack's LAST_ACK > CLOSED for port $port" \
  grep -q 'LAST_ACK>CLOSED' <(state_changes "$WORK/serve-events.json" "$KERNEL_IP:$port")
tw=$(in_ns ss -Htan state time-wait "( sport = :$port )")
grep -q "$SYNACK_IP:7" <<<"$tw" || fail "no kernel TIME_WAIT for port $port: '$tw'"
note "Linux closed first: kernel TIME_WAIT $(echo $tw | tr -s ' ')"
changes=$(state_changes "$WORK/serve-events.json" "$KERNEL_IP:$port")
grep -q 'ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSED' <<<"$changes" \
  || fail "synack's side did not go CLOSE_WAIT > LAST_ACK > CLOSED: $changes"
grep -q TIME_WAIT <<<"$changes" && fail "synack entered TIME_WAIT though it closed second"
note "synack (passive closer): $changes"
stop_started "$server" || fail "synack serve exited with an error"
no_resets "$WORK/serve.pcap"

# ---- synack closes first ----
start_in_ns kernel-server python3 "$PEER" serve-until-eof 9000
wait_for_kernel_listen 9000
head -c 100000 /dev/urandom >"$WORK/input.bin"
in_ns "$SYNACK_CLI" connect "${SYNACK_DEV[@]}" --events "$WORK/connect-events.json" \
  --pcap "$WORK/connect.pcap" "$KERNEL_IP:9000" <"$WORK/input.bin" >"$WORK/answer.txt" \
  2>"$WORK/connect.log" || fail "synack connect failed"
[[ $(cat "$WORK/answer.txt") == "100000 $(sha "$WORK/input.bin")" ]] \
  || fail "the server's answer is wrong: $(cat "$WORK/answer.txt")"
changes=$(state_changes "$WORK/connect-events.json" "$KERNEL_IP:9000")
grep -q 'ESTABLISHED>FIN_WAIT_1 FIN_WAIT_1>FIN_WAIT_2 FIN_WAIT_2>TIME_WAIT' <<<"$changes" \
  || fail "synack's side did not go FIN_WAIT_1 > FIN_WAIT_2 > TIME_WAIT: $changes"
note "synack (active closer): $changes"
# synack exits once the kernel's FIN arrived and is acknowledged; the kernel's side ends when that
# ACK arrives (LAST_ACK > CLOSED): wait until it holds nothing for the connection but, if it
# wrongly kept one, TIME_WAIT.
kernel_finished() {
  ! in_ns ss -Htan "( sport = :9000 )" | grep -v -e LISTEN -e TIME-WAIT | grep -q .
}
wait_until 10 "the kernel's side of port 9000 to finish closing" kernel_finished
tw=$(in_ns ss -Htan state time-wait "( sport = :9000 )")
[[ -z $tw ]] || fail "the kernel holds TIME_WAIT though it closed second: $tw"
left=$(in_ns ss -Htan "( sport = :9000 )" | grep -v LISTEN || true)
[[ -z $left ]] || fail "the kernel's side did not finish closing: $left"
note "kernel (passive closer): no TIME_WAIT, nothing left but the listener"
no_resets "$WORK/connect.pcap"
check_capture "$WORK/serve.pcap"
check_capture "$WORK/connect.pcap"
echo PASS
