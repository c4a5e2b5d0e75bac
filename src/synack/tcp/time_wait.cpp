#include "synack/tcp/time_wait.hpp"

#include <algorithm>

#include "synack/tcp/hash_domains.hpp"

namespace synack {

using namespace tcp_flags;

namespace {
// stamp() keeps every live expiry within kMaxTicksBehind of the latest one.
constexpr std::int64_t kMaxTicksBehind = std::int64_t{1} << 31;
constexpr std::int64_t kMaxDurationTicks = std::int64_t{1} << 30;

int tick_shift_for(Duration time_wait) {
  int shift = 0;
  while ((std::max<std::int64_t>(to_micros(time_wait), 0) >> shift) >= kMaxDurationTicks) ++shift;
  return shift;
}
}  // namespace

TimeWaitTable::TimeWaitTable(TcpContext& ctx, std::size_t capacity)
    : ctx_(ctx),
      capacity_(capacity),
      tick_shift_(tick_shift_for(ctx.time_wait_duration())),
      ipv4_(
          KeyedTupleHash{KeyedTupleHash::derive_key(ctx.secrets.isn_key, hash_domain::kTimeWait)}),
      others_(
          KeyedTupleHash{KeyedTupleHash::derive_key(ctx.secrets.isn_key, hash_domain::kTimeWait)}) {
}

void TimeWaitTable::on_duration_changed() {
  if (size() == 0) tick_shift_ = tick_shift_for(ctx_.time_wait_duration());
}

bool TimeWaitTable::insert(Instant now, const TimeWaitEntry& entry) {
  if (size() >= capacity_) {
    ++ctx_.counters.TCPTimeWaitOverflow;
    ctx_.trace_state(now, entry.tuple, TcpState::kTimeWait, TcpState::kClosed,
                     "TIME_WAIT table full");
    return false;
  }
  const TimeWaitState state{entry.snd_nxt,   entry.rcv_nxt,
                            entry.ts_recent, stamp(now + ctx_.time_wait_duration()),
                            entry.window,    entry.timestamps};
  if (const auto key = Ipv4TupleKey::pack(entry.tuple)) {
    ipv4_.push_back(*key, state);
  } else {
    others_.push_back(entry.tuple, state);
  }
  ++ctx_.counters.TWCreated;
  ctx_.counters.CurrTimeWait = size();
  return true;
}

TimeWaitTable::Outcome TimeWaitTable::on_segment(Instant now, const InboundSegment& seg) {
  TimeWaitState* entry = find_state(seg.tuple);
  if (!entry) return {};  // precondition broken: nothing to do
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
      entry->timestamps && h.options.timestamps &&
      static_cast<std::int32_t>(h.options.timestamps->value - entry->ts_recent) > 0;
  if (h.has(kSyn) && !h.has(kAck)) {
    // RFC 6191 (and RFC 9293 3.6.1 for the sequence test): a SYN that cannot be confused with
    // the old connection - its sequence number is beyond everything the old one used, or its
    // timestamp is newer - may start a new incarnation now.
    const bool timestamps_usable = entry->timestamps && h.options.timestamps;
    if ((timestamps_usable && newer_timestamp) || (!timestamps_usable && h.seq > entry->rcv_nxt)) {
      ++ctx_.counters.TWRecycled;
      const Outcome out{true, entry->snd_nxt};
      remove(now, seg.tuple, "new SYN accepted (RFC 6191)");
      return out;
    }
    send_ack(now, seg.tuple, *entry, "ACK for old SYN in TIME_WAIT");
    return {};
  }
  // PAWS (RFC 7323 section 5): an older timestamp is an old duplicate.
  if (entry->timestamps && h.options.timestamps &&
      static_cast<std::int32_t>(h.options.timestamps->value - entry->ts_recent) < 0) {
    ++ctx_.counters.PAWSEstabRejected;
    send_ack(now, seg.tuple, *entry, "ACK for PAWS-rejected segment in TIME_WAIT");
    return {};
  }
  const SeqNum seg_end = h.seq + static_cast<std::uint32_t>(seg.payload.size());
  if (h.has(kFin) && seg_end + 1 == entry->rcv_nxt) {
    // The peer did not get our last ACK and retransmitted its FIN: acknowledge it again and
    // restart the 2 MSL timer (RFC 9293 3.10.7.4, TIME_WAIT).
    if (newer_timestamp) entry->ts_recent = h.options.timestamps->value;
    entry = restart(now, seg.tuple);
    send_ack(now, seg.tuple, *entry, "ACK of retransmitted FIN");
    return {};
  }
  if (seg.payload.empty() && !h.has(kFin) && h.seq == entry->rcv_nxt) {
    return {};  // a duplicate pure ACK: nothing to say
  }
  send_ack(now, seg.tuple, *entry, "ACK for segment in TIME_WAIT");
  return {};
}

void TimeWaitTable::send_ack(Instant now, const FourTuple& tuple, const TimeWaitState& entry,
                             std::string_view reason) {
  TcpRepr h;
  h.src_port = tuple.local.port;
  h.dst_port = tuple.remote.port;
  h.seq = entry.snd_nxt;
  h.ack = entry.rcv_nxt;
  h.flags = kAck;
  h.window = entry.window;
  if (entry.timestamps) {
    const std::uint32_t tsval = TcpContext::timestamp_clock(now) + ctx_.timestamp_offset(tuple);
    h.options.timestamps = TcpTimestamps{tsval, entry.ts_recent};
  }
  ctx_.send(now, tuple, h, {}, reason);
}

TimeWaitState* TimeWaitTable::restart(Instant now, const FourTuple& tuple) {
  // Stamp first: stamping may rewrite other entries' ticks but never moves an entry.
  const std::uint32_t tick = stamp(now + ctx_.time_wait_duration());
  TimeWaitState* entry = nullptr;
  if (const auto key = Ipv4TupleKey::pack(tuple)) {
    entry = ipv4_.move_to_back(*key);
  } else {
    entry = others_.move_to_back(tuple);
  }
  entry->expiry_tick = tick;
  return entry;
}

void TimeWaitTable::poll(Instant now) {
  for (;;) {
    const bool ipv4_due = !ipv4_.empty() && expiry_of(ipv4_.front().value) <= now;
    const bool other_due = !others_.empty() && expiry_of(others_.front().value) <= now;
    if (!ipv4_due && !other_due) return;
    const bool take_ipv4 = ipv4_due && (!other_due || expiry_of(ipv4_.front().value) <=
                                                          expiry_of(others_.front().value));
    const FourTuple tuple = take_ipv4 ? ipv4_.front().key.unpack() : others_.front().key;
    ++ctx_.counters.TWExpired;
    ctx_.trace_timer(now, tuple, "2MSL timer");
    remove(now, tuple, "2MSL elapsed");
  }
}

Instant TimeWaitTable::next_deadline() const {
  Instant next = kNever;
  if (!ipv4_.empty()) next = expiry_of(ipv4_.front().value);
  if (!others_.empty()) next = earliest(next, expiry_of(others_.front().value));
  return next;
}

bool TimeWaitTable::contains(const FourTuple& tuple) const {
  return find_state(tuple) != nullptr;
}

std::optional<TimeWaitEntry> TimeWaitTable::find(const FourTuple& tuple) const {
  const TimeWaitState* s = find_state(tuple);
  if (!s) return std::nullopt;
  return TimeWaitEntry{tuple,        s->snd_nxt, s->rcv_nxt,   expiry_of(*s),
                       s->ts_recent, s->window,  s->timestamps};
}

const TimeWaitState* TimeWaitTable::find_state(const FourTuple& tuple) const {
  if (const auto key = Ipv4TupleKey::pack(tuple)) return ipv4_.find(*key);
  return others_.find(tuple);
}

void TimeWaitTable::remove(Instant now, const FourTuple& tuple, std::string_view reason) {
  ctx_.trace_state(now, tuple, TcpState::kTimeWait, TcpState::kClosed, reason);
  if (const auto key = Ipv4TupleKey::pack(tuple)) {
    ipv4_.erase(*key);
  } else {
    others_.erase(tuple);
  }
  ctx_.counters.CurrTimeWait = size();
}

std::uint32_t TimeWaitTable::stamp(Instant expiry) {
  // Ticks round up, so an entry never expires early.
  const std::int64_t unit = std::int64_t{1} << tick_shift_;
  const std::int64_t tick = (to_micros(expiry) + unit - 1) >> tick_shift_;
  if (!ipv4_.empty() || !others_.empty()) {
    // An entry nobody polled for half the tick range is long overdue (2 MSL is under a quarter
    // of the range); it is re-stamped as still overdue, just less so, so that reading its tick
    // against the new latest cannot wrap. Its expiry remains in the past: poll() frees it.
    const std::int64_t overdue_floor = tick - kMaxDurationTicks - 1;
    const auto clamp = [&](const auto&, TimeWaitState& s) {
      if (latest_tick_ - ticks_behind_latest(s) >= tick - kMaxTicksBehind + 1) return false;
      s.expiry_tick = static_cast<std::uint32_t>(overdue_floor);
      return true;
    };
    // Oldest first, so the walk ends at the first entry that is recent enough: O(1) normally.
    ipv4_.for_each_from_front(clamp);
    others_.for_each_from_front(clamp);
    latest_tick_ = std::max(latest_tick_, tick);
  } else {
    latest_tick_ = tick;
  }
  return static_cast<std::uint32_t>(tick);
}

Instant TimeWaitTable::expiry_of(const TimeWaitState& state) const {
  return from_micros((latest_tick_ - ticks_behind_latest(state)) *
                     (std::int64_t{1} << tick_shift_));
}

}  // namespace synack
