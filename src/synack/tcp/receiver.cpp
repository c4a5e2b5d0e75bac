// The receiving half: acceptability, trimming, in-order and out-of-order arrival, the advertised
// window and when ACKs are due.
#include "synack/tcp/receiver.hpp"

#include <algorithm>

namespace synack {

TcpReceiver::TcpReceiver(TcpContext& ctx, const FourTuple& tuple, std::size_t buffer,
                         std::uint16_t our_mss, std::uint8_t receive_shift)
    : ctx_(ctx), tuple_(tuple), our_mss_(our_mss), receive_shift_(receive_shift), buffer_(buffer) {}

void TcpReceiver::on_syn(SeqNum irs) {
  irs_ = irs;
  rcv_nxt_ = irs + 1;
  rcv_adv_ = rcv_nxt_ + std::min<std::uint32_t>(window(), 65535);
}

void TcpReceiver::on_passive_open(SeqNum irs) {
  irs_ = irs;
  rcv_nxt_ = irs + 1;
  rcv_adv_ =
      rcv_nxt_ + static_cast<std::uint32_t>(std::min<std::size_t>(buffer_.capacity(), 65535));
  last_ack_sent_ = rcv_nxt_;
}

void TcpReceiver::negotiated(std::uint8_t receive_shift, std::uint32_t ts_recent) {
  receive_shift_ = receive_shift;
  ts_recent_ = ts_recent;
}

bool TcpReceiver::acceptable(const InboundSegment& seg) const {
  const std::uint32_t length = seg.sequence_length();
  const std::uint32_t free = window();
  const SeqNum seq = seg.header.seq;
  // The four cases of RFC 9293 section 3.10.7.4. A segment exactly at RCV.NXT is always let
  // through so that its ACK, RST or FIN can be processed with a zero window (the text that does
  // not fit is trimmed later).
  if (seq == rcv_nxt_) return true;
  if (free == 0) return false;
  const SeqNum window_end = rcv_nxt_ + free;
  if (length == 0) return seq_in_range(seq, rcv_nxt_, window_end);
  return seq_in_range(seq, rcv_nxt_, window_end) ||
         seq_in_range(seq + (length - 1), rcv_nxt_, window_end);
}

void TcpReceiver::remember_timestamp(const InboundSegment& seg) {
  if (!seg.header.options.timestamps) return;
  if (seg.header.seq <= last_ack_sent_) ts_recent_ = seg.header.options.timestamps->value;
}

std::optional<ReceivedText> TcpReceiver::trim(Instant now, const InboundSegment& seg) {
  ReceivedText r{seg.header.seq, seg.payload, seg.header.has(tcp_flags::kFin)};
  if (r.seq < rcv_nxt_) {  // trim what we already have
    const std::size_t skip = std::min<std::size_t>(rcv_nxt_ - r.seq, r.text.size());
    // RFC 2883 section 4: report the duplicated part with a D-SACK block.
    if (skip > 0) dsack_ = SackBlock{r.seq, r.seq + static_cast<std::uint32_t>(skip)};
    r.text = r.text.subspan(skip);
    r.seq += static_cast<std::uint32_t>(skip);
    if (r.text.empty() && r.seq < rcv_nxt_) r.fin = false;  // an old FIN we already counted
  }
  // Trim what lies beyond the window: it cannot be kept (3.10.7.4 seventh).
  const std::uint32_t free = window();
  const std::uint32_t offset = static_cast<std::uint32_t>(r.seq - rcv_nxt_);
  if (offset >= free && !r.text.empty()) {
    ++ctx_.counters.TCPRcvQDrop;
    schedule_ack(now, true);
    return std::nullopt;
  }
  if (offset + r.text.size() > free) {
    ++ctx_.counters.TCPRcvQDrop;
    r.text = r.text.first(free - offset);
    r.fin = false;
  }
  return r;
}

bool TcpReceiver::accept(Instant now, const ReceivedText& r) {
  if (r.seq != rcv_nxt_) {
    accept_out_of_order(now, r.seq, r.text, r.fin);
    return false;
  }
  const bool filled_hole = !reassembly_.empty();
  accept_in_order(r.text);
  if (r.fin && rcv_nxt_ == r.seq + static_cast<std::uint32_t>(r.text.size())) {
    reassembly_.set_fin(rcv_nxt_);
  }
  if (reassembly_.fin() && *reassembly_.fin() == rcv_nxt_) {
    reassembly_.clear_fin();
    return true;
  }
  if (!r.text.empty()) {
    ++unacked_segments_;
    // RFC 5681 section 4.2: ACK at once when the segment fills (part of) a hole, and at least
    // every second full-sized segment; otherwise delay.
    schedule_ack(now, filled_hole || unacked_segments_ >= 2);
  }
  return false;
}

void TcpReceiver::accept_fin() {
  rcv_nxt_ += 1;
  fin_received_ = true;
}

void TcpReceiver::note_old_duplicate(const InboundSegment& seg) {
  const SeqNum end = seg.header.seq + static_cast<std::uint32_t>(seg.payload.size());
  // Only text within the last window's worth below RCV.NXT: anything else is not a duplicate
  // of ours but garbage, and is not echoed.
  if (seg.payload.empty() || rcv_nxt_ < end ||
      static_cast<std::uint32_t>(rcv_nxt_ - seg.header.seq) > buffer_.capacity()) {
    return;
  }
  dsack_ = SackBlock{seg.header.seq, end};
}

void TcpReceiver::accept_in_order(Bytes text) {
  buffer_.push(text);  // fits: trimmed to the window
  rcv_nxt_ += static_cast<std::uint32_t>(text.size());
  const SeqNum contiguous = reassembly_.advance(rcv_nxt_);
  if (contiguous > rcv_nxt_) {
    buffer_.commit(static_cast<std::uint32_t>(contiguous - rcv_nxt_));
    rcv_nxt_ = contiguous;
  }
}

void TcpReceiver::accept_out_of_order(Instant now, SeqNum seq, Bytes text, bool fin) {
  // Kept in the receive buffer at its offset; RFC 5681 section 4.2: ACK out-of-order data at
  // once (the duplicate ACK, with SACK blocks, tells the sender about the hole).
  schedule_ack(now, true);
  if (text.empty()) return;
  const SeqNum end = seq + static_cast<std::uint32_t>(text.size());
  if (reassembly_.holds(seq, end)) dsack_ = SackBlock{seq, end};  // RFC 2883: a duplicate
  if (!reassembly_.add(seq, seq + static_cast<std::uint32_t>(text.size()))) {
    ++ctx_.counters.TCPOFODrop;
    ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, tuple_, TcpRepr{}, text.size(),
                       "out-of-order ranges full");
    return;
  }
  ++ctx_.counters.TCPOFOQueue;
  buffer_.write_beyond(static_cast<std::uint32_t>(seq - rcv_nxt_), text);
  if (fin) reassembly_.set_fin(seq + static_cast<std::uint32_t>(text.size()));
}

std::size_t TcpReceiver::read(MutableBytes out) {
  const std::size_t n = buffer_.pop_into(out);
  // Reading can open the window: window_update_due() decides at the next transmission round.
  if (n > 0) read_since_update_check_ = true;
  return n;
}

void TcpReceiver::schedule_ack(Instant now, bool immediately) {
  if (immediately) {
    request_ack("ACK");
    return;
  }
  if (delayed_ack_deadline_ == kNever) delayed_ack_deadline_ = now + ctx_.config.delayed_ack;
}

void TcpReceiver::on_delayed_ack_deadline(Instant now) {
  if (delayed_ack_deadline_ <= now) request_ack("delayed ACK");
}

void TcpReceiver::on_ack_sent() {
  dsack_.reset();
  last_ack_sent_ = rcv_nxt_;
  ack_now_ = false;
  unacked_segments_ = 0;
  delayed_ack_deadline_ = kNever;
}

void TcpReceiver::on_syn_ack_sent() {
  last_ack_sent_ = rcv_nxt_;
  ack_now_ = false;
}

std::uint16_t TcpReceiver::advertised_window() {
  // Receiver silly-window avoidance (RFC 9293 3.8.6.2.2): move the right edge only by at least
  // min(buffer / 2, MSS), so a slowly reading application does not invite tiny segments; and
  // never move it left (3.8.6: a window must not shrink), which scaling could otherwise do.
  const std::uint8_t shift = receive_shift_;
  const std::uint32_t free = window();
  const std::uint32_t step =
      std::min<std::uint32_t>(static_cast<std::uint32_t>(buffer_.capacity() / 2), our_mss_);
  const SeqNum possible_edge = rcv_nxt_ + free;
  if (possible_edge >= rcv_adv_ + step ||
      (possible_edge > rcv_adv_ && free == buffer_.capacity())) {
    rcv_adv_ = possible_edge;
  }
  const std::uint32_t offered =
      rcv_adv_ > rcv_nxt_ ? static_cast<std::uint32_t>(rcv_adv_ - rcv_nxt_) : 0;
  // Round up so the scaled window still covers the edge; what the peer sends beyond our free
  // space is trimmed and acknowledged, never lost.
  return static_cast<std::uint16_t>(
      std::min<std::uint32_t>((offered + (1u << shift) - 1) >> shift, 65535));
}

std::uint8_t TcpReceiver::sack_blocks(TcpOptions& options) const {
  std::size_t n = 0;
  if (dsack_) options.sack_blocks[n++] = *dsack_;
  if (!reassembly_.empty()) {
    n += reassembly_.sack_blocks({options.sack_blocks.data() + n, options.sack_blocks.size() - n});
  }
  return static_cast<std::uint8_t>(n);
}

bool TcpReceiver::window_update_due() const {
  // Only reading frees space, so only a read can make an update worthwhile (Linux checks in
  // tcp_cleanup_rbuf after each read the same way).
  if (!read_since_update_check_) return false;
  // Receiver silly-window avoidance (RFC 9293 3.8.6.2.2): announce a larger window only when it
  // grew by min(buffer / 2, MSS), and (like Linux) only when the advertised remainder is
  // less than half of what we could offer, so bulk transfers do not get an update per read.
  const std::uint32_t offered =
      rcv_adv_ > rcv_nxt_ ? static_cast<std::uint32_t>(rcv_adv_ - rcv_nxt_) : 0;
  const std::uint32_t possible = window();
  const std::uint32_t threshold =
      std::min<std::uint32_t>(static_cast<std::uint32_t>(buffer_.capacity() / 2), our_mss_);
  return possible >= offered + threshold && possible >= 2 * offered;
}

}  // namespace synack
