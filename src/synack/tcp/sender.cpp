// The sending half: sequence space, segment planning, RTT sampling and the sender's timers.
#include "synack/tcp/sender.hpp"

#include <algorithm>

namespace synack {

using namespace tcp_flags;

TcpSender::TcpSender(TcpContext& ctx, SegmentOutput& out, LossRecovery& recovery,
                     const TcpSocketOptions& options, SeqNum iss, std::uint16_t our_mss)
    : ctx_(ctx),
      out_(out),
      recovery_(recovery),
      options_(options),
      iss_(iss),
      snd_una_(iss),
      snd_nxt_(iss),
      snd_max_(iss),
      our_mss_(our_mss),
      mss_(536),
      buffer_(options.send_buffer),
      buffer_seq_(iss + 1),
      cc_(make_congestion_control(options.congestion, our_mss)),
      rtt_(ctx.config.rto_initial, ctx.config.rto_min, ctx.config.rto_max),
      retransmitted_below_(iss) {}

void TcpSender::negotiated(std::uint16_t peer_mss, bool timestamps) {
  // RFC 9293 3.7.1 and RFC 6691: the effective send MSS leaves room for the options we put on
  // every segment (timestamps: 12 bytes with padding).
  mss_ = static_cast<std::uint16_t>(std::min(peer_mss, our_mss_) - (timestamps ? 12 : 0));
  cc_ = make_congestion_control(options_.congestion, mss_);
}

void TcpSender::set_congestion(CongestionAlgorithm algorithm) {
  // Like Linux's TCP_CONGESTION on a live socket, the new algorithm starts afresh, keeping the
  // current window so the change does not burst.
  const std::uint32_t cwnd = cc_->cwnd();
  cc_ = make_congestion_control(algorithm, mss_);
  cc_->on_retransmission_timeout(cwnd * 2);
  cc_->inflate(cwnd - cc_->cwnd());
}

void TcpSender::on_syn_sent(Instant now, bool retransmission) {
  if (!retransmission) {
    rtt_probe_seq_ = iss_;
    rtt_probe_sent_ = now;
  }
  syn_sent_ = true;
  snd_nxt_ = iss_ + 1;
  snd_max_ = seq_max(snd_max_, snd_nxt_);
}

void TcpSender::on_syn_acked(Instant now, SeqNum ack) {
  if (rtt_probe_seq_) rtt_.add_sample(now - rtt_probe_sent_);
  rtt_probe_seq_.reset();
  snd_una_ = ack;
  retransmit_deadline_ = kNever;
  retransmit_count_ = 0;
}

void TcpSender::restart_handshake() {
  snd_nxt_ = iss_;
  syn_sent_ = false;
  retransmit_deadline_ = kNever;
  retransmit_count_ = 0;
}

void TcpSender::take_syn_window(const TcpRepr& syn) {
  snd_wnd_ = max_snd_wnd_ = syn.window;
  snd_wl1_ = syn.seq;
  snd_wl2_ = syn.ack;
}

void TcpSender::on_passive_open(Instant now, SeqNum irs, std::optional<Duration> syn_rtt) {
  (void)now;
  snd_una_ = snd_nxt_ = snd_max_ = iss_ + 1;
  syn_sent_ = true;
  expect_first_window(irs);
  if (syn_rtt) rtt_.add_sample(*syn_rtt);
}

void TcpSender::expect_first_window(SeqNum irs) {
  snd_wl1_ = irs;
  snd_wl2_ = iss_;
}

TcpSender::Acknowledged TcpSender::acknowledge(Instant now, const InboundSegment& seg,
                                               std::optional<std::uint32_t> tsval_now) {
  const SeqNum ack = seg.header.ack;
  const SeqNum previous_una = snd_una_;
  Acknowledged a;
  a.flight = flight_size();
  a.bytes = static_cast<std::uint32_t>(ack - snd_una_);
  if (snd_una_ == iss_) --a.bytes;  // the SYN's sequence number is not a byte in the buffer
  const std::size_t data_acked = std::min<std::size_t>(a.bytes, buffer_.size());
  buffer_.discard(data_acked);
  buffer_seq_ += static_cast<std::uint32_t>(data_acked);
  snd_una_ = ack;
  if (snd_nxt_ < snd_una_) snd_nxt_ = snd_una_;
  if (const auto sample = rtt_sample(now, seg, previous_una, tsval_now)) rtt_.add_sample(*sample);
  retransmit_count_ = 0;
  return a;
}

std::optional<Duration> TcpSender::rtt_sample(Instant now, const InboundSegment& seg,
                                              SeqNum previous_una,
                                              std::optional<std::uint32_t> tsval_now) {
  // RFC 7323 section 4.2: with timestamps an ACK of new data measures the round trip. But an
  // ACK for a retransmitted range may echo the timestamp of a much older segment (the receiver
  // answers duplicates with its older TS.Recent), which would inflate SRTT for minutes under
  // heavy loss; like Linux, take no timestamp sample for data sent before the last
  // retransmission.
  if (tsval_now && seg.header.options.timestamps && seg.header.options.timestamps->echo != 0) {
    if (previous_una < retransmitted_below_) return std::nullopt;
    rtt_probe_seq_.reset();
    const auto elapsed =
        static_cast<std::int32_t>(*tsval_now - seg.header.options.timestamps->echo);
    if (elapsed >= 0) return milliseconds(elapsed);
    return std::nullopt;
  }
  // RFC 6298 section 3 (Karn): only a segment sent once gives a sample.
  if (rtt_probe_seq_ && seg.header.ack > *rtt_probe_seq_) {
    rtt_probe_seq_.reset();
    return now - rtt_probe_sent_;
  }
  return std::nullopt;
}

void TcpSender::restart_retransmission_timer(Instant now) {
  retransmit_deadline_ = kNever;
  arm_retransmission_timer(now);
}

void TcpSender::update_window(const TcpRepr& h, std::uint8_t send_shift) {
  if (snd_wl1_ < h.seq || (snd_wl1_ == h.seq && snd_wl2_ <= h.ack)) {
    snd_wnd_ = static_cast<std::uint32_t>(h.window) << send_shift;
    snd_wl1_ = h.seq;
    snd_wl2_ = h.ack;
    max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
  }
}

TcpSender::SegmentPlan TcpSender::plan_segment() const {
  const SeqNum end = data_end();
  const bool fin_unsent = fin_queued_ && snd_nxt_ <= end;
  const SeqNum next = recovery_.skip_sacked(snd_nxt_);
  const std::uint32_t unsent = next < end ? static_cast<std::uint32_t>(end - next) : 0;
  // The peer's window counts from SND.UNA; congestion control limits what is in the network.
  const std::uint32_t in_window = static_cast<std::uint32_t>(next - snd_una_);
  const std::uint32_t by_peer = snd_wnd_ > in_window ? snd_wnd_ - in_window : 0;
  const std::uint32_t in_pipe = recovery_.pipe(flight());
  const std::uint32_t allowed = cc_->cwnd() + recovery_.limited_transmit(mss_);
  const std::uint32_t by_cc = allowed > in_pipe ? allowed - in_pipe : 0;
  SegmentPlan plan;
  plan.length = std::min({unsent, by_peer, by_cc, std::uint32_t{mss_}});
  plan.with_fin = fin_unsent && plan.length == unsent && (plan.length > 0 || by_cc > 0);
  plan.ready = plan.length > 0 || plan.with_fin;
  if (plan.ready && !plan.with_fin && plan.length < mss_) {
    // Sender silly-window avoidance (RFC 9293 3.8.6.2.1): no small segment while more data
    // waits, unless it is at least half the largest window the peer offered. Nagle (3.7.4): no
    // small segment while data is unacknowledged.
    if (plan.length < unsent && plan.length < max_snd_wnd_ / 2) plan.ready = false;
    if (!options_.no_delay && flight_size() > 0) plan.ready = false;
  }
  return plan;
}

void TcpSender::transmit(Instant now) {
  while (const auto r = recovery_.next_retransmission(flight(), cc_->cwnd())) {
    recovery_.on_retransmitted(*r);
    send_segment_at(now, r->seq, r->length, r->with_fin, true, r->reason);
    // After a timeout SND.NXT walks the old data again: do not send this range twice.
    const SeqNum resent_end = r->seq + r->length + (r->with_fin ? 1 : 0);
    if (!(snd_nxt_ < r->seq) && snd_nxt_ < resent_end) snd_nxt_ = resent_end;
  }
  const SeqNum max_before = snd_max_;
  while (send_data_segment(now)) {
  }
  arm_persist_timer(now);
  // RFC 8985 7.2: new data (re)arms the probe timeout.
  if (snd_max_ != max_before) {
    recovery_.schedule_probe(now, flight(), rtt_.srtt(), retransmit_deadline_);
  }
}

void TcpSender::send_loss_probe(Instant now) {
  const SeqNum end = data_end();
  const std::uint32_t in_window = static_cast<std::uint32_t>(snd_nxt_ - snd_una_);
  const std::uint32_t by_peer = snd_wnd_ > in_window ? snd_wnd_ - in_window : 0;
  const std::uint32_t unsent = end > snd_nxt_ ? static_cast<std::uint32_t>(end - snd_nxt_) : 0;
  if (unsent > 0 && by_peer > 0 && snd_nxt_ == snd_max_) {
    const std::uint32_t length = std::min({unsent, by_peer, std::uint32_t{mss_}});
    const bool fin = fin_queued_ && length == unsent;
    send_segment_at(now, snd_nxt_, length, fin, false, "tail loss probe (new data)");
    snd_nxt_ += length + (fin ? 1 : 0);
    snd_max_ = seq_max(snd_max_, snd_nxt_);
    recovery_.on_probe_sent(snd_max_, false);
  } else if (const SentSegment* last = recovery_.rack().last_outstanding()) {
    const SeqNum start = seq_max(last->start, snd_una_);
    const std::uint32_t data_left = start < end ? static_cast<std::uint32_t>(end - start) : 0;
    const std::uint32_t length = std::min<std::uint32_t>(
        {std::uint32_t{mss_}, static_cast<std::uint32_t>(last->end - start), data_left});
    const bool fin = fin_queued_ && start + length == end && last->end > end;
    if (length == 0 && !fin) return;
    send_segment_at(now, start, length, fin, true, "tail loss probe");
    recovery_.on_probe_sent(snd_max_, true);
  } else {
    return;
  }
  restart_retransmission_timer(now);
}

bool TcpSender::send_data_segment(Instant now) {
  const SegmentPlan plan = plan_segment();
  if (!plan.ready) return false;
  snd_nxt_ = recovery_.skip_sacked(snd_nxt_);
  const bool retransmission = snd_nxt_ < snd_max_;
  send_segment_at(
      now, snd_nxt_, plan.length, plan.with_fin, retransmission,
      plan.with_fin ? "FIN" : (retransmission ? "data (resent after timeout)" : "data"));
  snd_nxt_ += plan.length + (plan.with_fin ? 1 : 0);
  snd_max_ = seq_max(snd_max_, snd_nxt_);
  arm_retransmission_timer(now);
  return plan.length > 0 && !plan.with_fin;
}

void TcpSender::send_segment_at(Instant now, SeqNum seq, std::uint32_t length, bool with_fin,
                                bool retransmission, std::string_view reason) {
  std::uint8_t flags = kAck;
  if (with_fin) flags |= kFin;
  if (length > 0 && seq + length == data_end()) flags |= kPsh;
  const TcpRepr h = out_.header(flags, seq);
  const SplitBytes payload = buffer_.peek(seq - buffer_seq_, length);
  if (!retransmission && !rtt_probe_seq_ && length > 0) {
    rtt_probe_seq_ = seq;
    rtt_probe_sent_ = now;
  }
  if (retransmission) {
    if (rtt_probe_seq_ && !(*rtt_probe_seq_ < seq)) rtt_probe_seq_.reset();
    retransmitted_below_ = snd_max_;
  }
  out_.emit(h, payload, reason, retransmission, true);
  recovery_.on_sent(seq, seq + length + (with_fin ? 1 : 0), now, retransmission);
  arm_retransmission_timer(now);  // (for new data the caller arms it once SND.MAX has moved)
}

void TcpSender::send_probe(Instant now, std::string_view reason) {
  (void)now;
  const TcpRepr h = out_.header(kAck, snd_una_ - 1);
  out_.emit(h, {}, reason, false, false);
}

void TcpSender::arm_retransmission_timer(Instant now) {
  // RFC 6298 section 5.1: start the timer when data (or SYN/FIN) is outstanding and it is off.
  if (retransmit_deadline_ == kNever && snd_max_ > snd_una_) {
    retransmit_deadline_ = now + rtt_.rto();
  }
}

bool TcpSender::on_retransmission_timeout(int limit) {
  retransmit_deadline_ = kNever;
  ++retransmit_count_;
  if (retransmit_count_ > limit) return false;
  rtt_.back_off();         // RFC 6298 section 5.5
  rtt_probe_seq_.reset();  // Karn: never time a retransmitted segment
  return true;
}

void TcpSender::go_back(Instant now) {
  // Go back to the oldest unacknowledged byte (RFC 6298 section 5.4) and resend from there.
  snd_nxt_ = snd_una_;
  send_data_segment(now);
  arm_retransmission_timer(now);
}

void TcpSender::arm_persist_timer(Instant now) {
  // RFC 9293 3.8.6.1: with data waiting, nothing in flight and a window too small to send into
  // (zero, or held back by silly-window avoidance), probe the peer so a lost window update
  // cannot deadlock the connection.
  const bool waiting = data_end() > snd_nxt_ || (fin_queued_ && snd_max_ <= data_end());
  if (waiting && snd_max_ == snd_una_ && !plan_segment().ready) {
    if (persist_deadline_ == kNever) {
      const Duration interval = std::min(
          rtt_.rto() * (std::int64_t{1} << std::min(persist_backoff_, 20)), ctx_.config.rto_max);
      persist_deadline_ = now + interval;
    }
  } else {
    persist_deadline_ = kNever;
    persist_backoff_ = 0;
  }
}

void TcpSender::on_persist_timeout(Instant now) {
  persist_deadline_ = kNever;
  ++ctx_.counters.TCPWinProbe;
  ++persist_backoff_;
  send_probe(now, "zero window probe");
  arm_persist_timer(now);
}

}  // namespace synack
