#include "synack/tcp/time_wait.hpp"

namespace synack {

using namespace tcp_flags;

bool TimeWaitTable::insert(Instant now, const TimeWaitEntry& entry) {
  if (entries_.size() >= capacity_) {
    ++ctx_.counters.TCPTimeWaitOverflow;
    ctx_.trace_state(now, entry.tuple, TcpState::kTimeWait, TcpState::kClosed,
                     "TIME_WAIT table full");
    return false;
  }
  auto [it, inserted] = entries_.insert_or_assign(entry.tuple, entry);
  (void)inserted;
  it->second.expires = now + ctx_.config.time_wait_duration();
  expiries_.emplace_back(it->second.expires, entry.tuple);
  return true;
}

TimeWaitTable::Outcome TimeWaitTable::on_segment(Instant now, const InboundSegment& seg) {
  TimeWaitEntry& entry = entries_.at(seg.tuple);
  const TcpRepr& h = seg.header;
  if (h.has(kRst)) {
    // RFC 1337 (TIME-WAIT assassination): an RST here would end TIME_WAIT early and let old
    // duplicates through, so it is ignored unless the setting says otherwise.
    if (ctx_.config.rfc1337) {
      ctx_.trace_segment(now, TcpEventKind::kSegmentDropped, seg.tuple, h, 0,
                         "RST ignored in TIME_WAIT (RFC 1337)");
    } else {
      ++ctx_.counters.TWKilled;
      remove(now, seg.tuple, "RST in TIME_WAIT");
    }
    return {};
  }
  const bool newer_timestamp =
      entry.timestamps && h.options.timestamps &&
      static_cast<std::int32_t>(h.options.timestamps->value - entry.ts_recent) > 0;
  if (h.has(kSyn) && !h.has(kAck)) {
    // RFC 6191 (and RFC 9293 3.6.1 for the sequence test): a SYN that cannot be confused with
    // the old connection - its sequence number is beyond everything the old one used, or its
    // timestamp is newer - may start a new incarnation now.
    const bool timestamps_usable = entry.timestamps && h.options.timestamps;
    if ((timestamps_usable && newer_timestamp) || (!timestamps_usable && h.seq > entry.rcv_nxt)) {
      ++ctx_.counters.TWRecycled;
      const Outcome out{true, entry.snd_nxt};
      remove(now, seg.tuple, "new SYN accepted (RFC 6191)");
      return out;
    }
    send_ack(now, entry, "ACK for old SYN in TIME_WAIT");
    return {};
  }
  // PAWS (RFC 7323 section 5): an older timestamp is an old duplicate.
  if (entry.timestamps && h.options.timestamps &&
      static_cast<std::int32_t>(h.options.timestamps->value - entry.ts_recent) < 0) {
    ++ctx_.counters.PAWSEstabRejected;
    send_ack(now, entry, "ACK for PAWS-rejected segment in TIME_WAIT");
    return {};
  }
  const SeqNum seg_end = h.seq + static_cast<std::uint32_t>(seg.payload.size());
  if (h.has(kFin) && seg_end + 1 == entry.rcv_nxt) {
    // The peer did not get our last ACK and retransmitted its FIN: acknowledge it again and
    // restart the 2 MSL timer (RFC 9293 3.10.7.4, TIME_WAIT).
    if (newer_timestamp) entry.ts_recent = h.options.timestamps->value;
    restart(now, entry);
    send_ack(now, entry, "ACK of retransmitted FIN");
    return {};
  }
  if (seg.payload.empty() && !h.has(kFin) && h.seq == entry.rcv_nxt) {
    return {};  // a duplicate pure ACK: nothing to say
  }
  send_ack(now, entry, "ACK for segment in TIME_WAIT");
  return {};
}

void TimeWaitTable::send_ack(Instant now, const TimeWaitEntry& entry, std::string_view reason) {
  TcpRepr h;
  h.src_port = entry.tuple.local.port;
  h.dst_port = entry.tuple.remote.port;
  h.seq = entry.snd_nxt;
  h.ack = entry.rcv_nxt;
  h.flags = kAck;
  h.window = entry.window;
  if (entry.timestamps) {
    const std::uint32_t tsval =
        TcpContext::timestamp_clock(now) + ctx_.timestamp_offset(entry.tuple);
    h.options.timestamps = TcpTimestamps{tsval, entry.ts_recent};
  }
  ctx_.send(now, entry.tuple, h, {}, reason);
}

void TimeWaitTable::restart(Instant now, TimeWaitEntry& entry) {
  entry.expires = now + ctx_.config.time_wait_duration();
  expiries_.emplace_back(entry.expires, entry.tuple);
}

void TimeWaitTable::poll(Instant now) {
  while (!expiries_.empty() && expiries_.front().first <= now) {
    const auto [when, tuple] = expiries_.front();
    expiries_.pop_front();
    auto it = entries_.find(tuple);
    if (it == entries_.end() || it->second.expires != when) continue;  // restarted or removed
    ++ctx_.counters.TWExpired;
    ctx_.trace_timer(now, tuple, "2MSL timer");
    remove(now, tuple, "2MSL elapsed");
  }
}

Instant TimeWaitTable::next_deadline() const {
  // Skipping stale fronts here would need mutation; a stale front only costs one early poll.
  return expiries_.empty() ? kNever : expiries_.front().first;
}

const TimeWaitEntry* TimeWaitTable::find(const FourTuple& tuple) const {
  auto it = entries_.find(tuple);
  return it == entries_.end() ? nullptr : &it->second;
}

void TimeWaitTable::remove(Instant now, const FourTuple& tuple, std::string_view reason) {
  ctx_.trace_state(now, tuple, TcpState::kTimeWait, TcpState::kClosed, reason);
  entries_.erase(tuple);
}

}  // namespace synack
