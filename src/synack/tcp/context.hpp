#pragma once
// What every connection, listener and TIME_WAIT entry of one stack shares: settings, counters,
// the event callback, the secrets and the segment output. Sending goes through here so that
// every segment is counted and traced the same way.
#include <string_view>

#include "synack/tcp/config.hpp"
#include "synack/tcp/counters.hpp"
#include "synack/tcp/demonstration.hpp"
#include "synack/tcp/events.hpp"
#include "synack/tcp/isn.hpp"
#include "synack/tcp/segment.hpp"

namespace synack {

struct TcpSecrets {
  SecretKey isn_key;        // RFC 6528 F()
  SecretKey timestamp_key;  // per-connection timestamp offsets (RFC 7323 section 5.4)
  SecretKey cookie_key;     // SYN cookies (RFC 4987)
};

class TcpContext {
 public:
  TcpContext(const TcpConfig& config, const TcpSecrets& secrets, SegmentSink& sink)
      : config(config), secrets(secrets), isn(secrets.isn_key), sink_(sink) {}

  const TcpConfig config;
  const TcpSecrets secrets;
  const IsnGenerator isn;
  TcpCounters counters;
  TcpEventCallback on_event;
  // Production behaviour unless the owner explicitly switched a demonstration on.
  DemonstrationSettings demonstration;

  // The ISN for a new connection: RFC 6528, unless a demonstration fixed it.
  SeqNum initial_sequence(Instant now, const FourTuple& tuple) const {
    return demonstration.fixed_isn ? SeqNum{*demonstration.fixed_isn} : isn.generate(now, tuple);
  }
  // How long TIME_WAIT lasts: 2 MSL (RFC 9293 section 3.6.1), unless a demonstration shortens it.
  Duration time_wait_duration() const {
    return demonstration.time_wait_length.value_or(2 * config.msl);
  }

  // Sends one segment: counts it (OutSegs or RetransSegs, OutRsts), traces it, hands it on.
  void send(Instant now, const FourTuple& tuple, const TcpRepr& header, const SplitBytes& payload,
            std::string_view reason, bool retransmission = false);
  // Traces an arriving or dropped segment.
  void trace_segment(Instant now, TcpEventKind kind, const FourTuple& tuple, const TcpRepr& header,
                     std::size_t payload_length, std::string_view reason) const;
  void trace_state(Instant now, const FourTuple& tuple, TcpState from, TcpState to,
                   std::string_view reason) const;
  void trace_timer(Instant now, const FourTuple& tuple, std::string_view which) const;

  // The RFC 7323 timestamp clock: milliseconds, offset per 4-tuple so that values do not reveal
  // uptime or relate connections.
  std::uint32_t timestamp_offset(const FourTuple& tuple) const;
  static std::uint32_t timestamp_clock(Instant now) {
    return static_cast<std::uint32_t>(to_micros(now) / 1000);
  }

  // RFC 5961 section 7: whether one more challenge ACK may be sent in this second; counts
  // TCPACKSkippedChallenge when not. The limit is per stack, like Linux's.
  bool take_challenge_ack(Instant now);
  // The number of challenge ACKs allowed in second `second` (config.challenge_ack_limit 0:
  // unlimited): a keyed-hash draw from [limit/2, limit*3/2), unpredictable without the secret.
  std::uint32_t challenge_ack_budget(std::int64_t second) const;

 private:
  SegmentSink& sink_;
  std::int64_t challenge_second_ = -1;
  std::uint32_t challenge_acks_left_ = 0;
};

}  // namespace synack
