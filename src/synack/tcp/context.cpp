#include "synack/tcp/context.hpp"

namespace synack {

namespace {
SegmentSummary summarize(const TcpRepr& header, std::size_t payload_length, bool retransmission) {
  return SegmentSummary{header.flags,  header.seq,
                        header.ack,    static_cast<std::uint32_t>(payload_length),
                        header.window, retransmission};
}
}  // namespace

void TcpContext::send(Instant now, const FourTuple& tuple, const TcpRepr& header,
                      const SplitBytes& payload, std::string_view reason, bool retransmission) {
  if (retransmission) {
    ++counters.RetransSegs;
  } else {
    ++counters.OutSegs;
  }
  if (header.has(tcp_flags::kRst)) ++counters.OutRsts;
  if (on_event) {
    TcpEvent e;
    e.time = now;
    e.kind = TcpEventKind::kSegmentSent;
    e.tuple = tuple;
    e.segment = summarize(header, payload.size(), retransmission);
    e.reason = reason;
    on_event(e);
  }
  sink_.send_segment(tuple, header, payload);
}

void TcpContext::trace_segment(Instant now, TcpEventKind kind, const FourTuple& tuple,
                               const TcpRepr& header, std::size_t payload_length,
                               std::string_view reason) const {
  if (!on_event) return;
  TcpEvent e;
  e.time = now;
  e.kind = kind;
  e.tuple = tuple;
  e.segment = summarize(header, payload_length, false);
  e.reason = reason;
  on_event(e);
}

void TcpContext::trace_state(Instant now, const FourTuple& tuple, TcpState from, TcpState to,
                             std::string_view reason) const {
  if (!on_event) return;
  TcpEvent e;
  e.time = now;
  e.kind = TcpEventKind::kStateChange;
  e.tuple = tuple;
  e.from = from;
  e.to = to;
  e.reason = reason;
  on_event(e);
}

void TcpContext::trace_timer(Instant now, const FourTuple& tuple, std::string_view which) const {
  if (!on_event) return;
  TcpEvent e;
  e.time = now;
  e.kind = TcpEventKind::kTimerFired;
  e.tuple = tuple;
  e.reason = which;
  on_event(e);
}

bool TcpContext::take_challenge_ack(Instant now) {
  if (config.challenge_ack_limit == 0) return true;
  const std::int64_t second = to_micros(now) / 1'000'000;
  if (second != challenge_second_) {
    challenge_second_ = second;
    challenge_acks_left_ = challenge_ack_budget(second);
  }
  if (challenge_acks_left_ == 0) {
    ++counters.TCPACKSkippedChallenge;
    return false;
  }
  --challenge_acks_left_;
  return true;
}

std::uint32_t TcpContext::challenge_ack_budget(std::int64_t second) const {
  const std::uint32_t limit = config.challenge_ack_limit;
  if (limit == 0) return UINT32_MAX;
  // A keyed hash of the second stands in for Linux's prandom draw: reproducible under fixed
  // secrets (tests, the simulator), unpredictable to anyone without them.
  const std::uint64_t draw =
      keyed_tuple_hash(secrets.timestamp_key, FourTuple{}, static_cast<std::uint32_t>(second));
  return limit / 2 + static_cast<std::uint32_t>(draw % limit);
}

std::uint32_t TcpContext::timestamp_offset(const FourTuple& tuple) const {
  return static_cast<std::uint32_t>(keyed_tuple_hash(secrets.timestamp_key, tuple));
}

}  // namespace synack
