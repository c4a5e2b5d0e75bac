// Loss detection and the choice of retransmissions: RFC 6675 with SACK, RFC 6582 without.
#include "synack/tcp/loss_recovery.hpp"

#include <algorithm>

namespace synack {

using namespace tcp_flags;

bool LossRecovery::on_sack_blocks(std::span<const SackBlock> blocks, const SendFlight& flight,
                                  SeqNum ack) {
  if (!sack_ || blocks.empty()) return false;
  // RFC 2883 section 4: the first block reports a duplicate when the cumulative ACK or the
  // second block covers it.
  const SackBlock& first = blocks[0];
  const bool dsack =
      first.left < first.right &&
      (!(ack < first.right) ||
       (blocks.size() > 1 && !(first.left < blocks[1].left) && !(blocks[1].right < first.right)));
  if (dsack) {
    ++counters_.TCPDSACKRecv;
    rack_.on_dsack(flight.una, flight.max);  // RFC 8985 6.2 step 4: reordering, not loss
    blocks = blocks.subspan(1);
  }
  return scoreboard_.add(blocks, flight.una, flight.max);
}

bool LossRecovery::is_duplicate_ack(const TcpRepr& h, std::size_t payload_length,
                                    const SendFlight& flight, std::uint32_t window,
                                    std::uint32_t snd_wnd) {
  return flight.max > flight.una && payload_length == 0 && !h.has(kSyn) && !h.has(kFin) &&
         h.ack == flight.una && window == snd_wnd;
}

void LossRecovery::on_cumulative_ack(Instant now, const SendFlight& flight, std::uint32_t acked,
                                     std::uint32_t flight_before, std::optional<Duration> srtt,
                                     CongestionControl& cc) {
  if (high_rxt_ < flight.una) high_rxt_ = flight.una;
  scoreboard_.acknowledge(flight.una);
  duplicate_acks_ = 0;
  if (tlp_end_ && !(flight.una < *tlp_end_)) {
    const bool repaired = tlp_retransmitted_ && !in_recovery_;
    tlp_end_.reset();
    if (repaired) {
      // RFC 8985 7.4.2: the probe's retransmission was what the receiver needed, so a segment
      // was lost; respond as fast recovery would, in one step.
      ++counters_.TCPLossProbeRecovery;
      cc.on_congestion_event(now, flight_before);
      cc.on_recovery_end();
      return;
    }
  }
  if (!in_recovery_) {
    cc.on_ack(now, acked, flight_before, srtt);
    return;
  }
  if (flight.una >= recovery_point_) {
    // RFC 6582 step 5 / RFC 6675: everything outstanding at the loss is acknowledged.
    in_recovery_ = false;
    cc.on_recovery_end();
    rack_.on_recovery_end();
  } else if (!sack_) {
    // RFC 6582 step 5, partial ACK: resend the next hole at once, deflate by what was
    // acknowledged and add back one segment.
    resend_first_ = true;
    cc.inflate(flight.mss - std::min(acked, cc.cwnd()));
  }
}

void LossRecovery::on_duplicate_ack(Instant now, const SendFlight& flight, CongestionControl& cc) {
  ++duplicate_acks_;
  if (uses_rack()) return;  // RACK decides by time, in on_ack_processed
  if (in_recovery_) {
    // RFC 6582 step 4: each further duplicate means a segment left the network.
    if (!sack_) cc.inflate(flight.mss);
    return;
  }
  // RFC 5681 3.2 (three duplicates) or RFC 6675 IsLost(SND.UNA): more than DupThresh - 1
  // segments' worth of data SACKed above it.
  const bool lost_by_sack =
      sack_ && scoreboard_.sacked_bytes_above(flight.una) > (kDupThresh - 1) * flight.mss;
  if (duplicate_acks_ >= kDupThresh || lost_by_sack) enter_recovery(now, flight, cc);
}

void LossRecovery::enter_recovery(Instant now, const SendFlight& flight, CongestionControl& cc) {
  in_recovery_ = true;
  recovery_point_ = flight.max;
  tlp_end_.reset();  // the probe's episode becomes this recovery
  probe_deadline_ = kNever;
  high_rxt_ = flight.una;
  cc.on_congestion_event(now, flight.flight_size());  // RFC 5681 section 3.2 step 2
  if (sack_) {
    ++counters_.TCPSackRecovery;
  } else {
    ++counters_.TCPRenoRecovery;
    cc.inflate(3 * flight.mss);  // RFC 6582 step 2: the three segments that left
  }
  // RFC 5681 3.2 step 3 / RFC 6675 (4.3): the first lost segment goes out now, whatever pipe is.
  resend_first_ = true;
}

void LossRecovery::on_retransmission_timeout(SeqNum snd_una) {
  // RFC 2018 section 8: after a timeout the SACK information is not trusted (the receiver may
  // have reneged).
  in_recovery_ = false;
  resend_first_ = false;
  duplicate_acks_ = 0;
  scoreboard_.clear();
  high_rxt_ = snd_una;
  rack_.on_retransmission_timeout();
  reorder_deadline_ = probe_deadline_ = kNever;
  tlp_end_.reset();
}

void LossRecovery::on_ack_processed(Instant now, const SendFlight& flight,
                                    std::optional<Duration> srtt, CongestionControl& cc) {
  if (!uses_rack()) return;
  rack_.on_ack(flight.una, scoreboard_, now);
  detect_loss(now, flight, srtt, cc);
}

void LossRecovery::on_reorder_timeout(Instant now, const SendFlight& flight,
                                      std::optional<Duration> srtt, CongestionControl& cc) {
  reorder_deadline_ = kNever;
  if (uses_rack()) detect_loss(now, flight, srtt, cc);
}

void LossRecovery::detect_loss(Instant now, const SendFlight& flight, std::optional<Duration> srtt,
                               CongestionControl& cc) {
  const Rack::Detection d = rack_.detect_loss(now, rack_.reordering_window(in_recovery_, srtt));
  counters_.TCPLostRetransmit += d.lost_retransmissions;
  reorder_deadline_ = d.timeout > Duration{0} ? now + d.timeout : kNever;
  if (!in_recovery_ && rack_.any_lost()) enter_recovery(now, flight, cc);
}

void LossRecovery::schedule_probe(Instant now, const SendFlight& flight,
                                  std::optional<Duration> srtt, Instant rto_deadline) {
  probe_deadline_ = kNever;
  // RFC 8985 7.2: one probe per episode, none during recovery, and only with an RTT estimate.
  if (!uses_rack() || in_recovery_ || tlp_end_ || !srtt || flight.outstanding() == 0) return;
  Duration pto = 2 * *srtt;
  // A single outstanding segment may wait for the receiver's delayed ACK.
  if (flight.outstanding() <= flight.mss) pto += kWorstCaseDelayedAck;
  // RFC 8985 7.2: never later than the RTO; at the RTO's instant the probe goes in its place.
  probe_deadline_ = earliest(now + pto, rto_deadline);
}

void LossRecovery::on_probe_sent(SeqNum snd_max, bool retransmission) {
  probe_deadline_ = kNever;
  tlp_end_ = snd_max;
  tlp_retransmitted_ = retransmission;
  ++counters_.TCPLossProbes;
}

void LossRecovery::on_sent(SeqNum start, SeqNum end, Instant now, bool retransmission) {
  if (uses_rack()) rack_.on_sent(start, end, now, retransmission);
}

std::uint32_t LossRecovery::pipe(const SendFlight& flight) const {
  // RFC 6675 SetPipe(): outstanding bytes, less those SACKed, less the holes below the highest
  // SACKed byte that are taken as lost and not yet resent. Outside SACK recovery it is simply
  // the flight size (NewReno accounts for departures by inflating cwnd instead).
  if (!in_recovery_ || !sack_) return flight.flight_size();
  const SeqNum highest = scoreboard_.highest().value_or(flight.una);
  const std::uint32_t sacked = scoreboard_.sacked_bytes_above(flight.una);
  const std::uint32_t lost =
      uses_rack() ? rack_.lost_bytes()
                  : scoreboard_.unsacked_bytes(seq_max(high_rxt_, flight.una), highest);
  const std::uint32_t gone = sacked + lost;
  return flight.outstanding() > gone ? flight.outstanding() - gone : 0;
}

std::uint32_t LossRecovery::limited_transmit(std::uint32_t mss) const {
  // RFC 3042: the first two duplicate ACKs each let one new segment out, so a small window
  // still produces the three duplicates fast retransmit needs.
  return in_recovery_ ? 0 : static_cast<std::uint32_t>(std::min(duplicate_acks_, 2)) * mss;
}

std::optional<Retransmission> LossRecovery::next_retransmission(const SendFlight& flight,
                                                                std::uint32_t cwnd) {
  if (!in_recovery_) return std::nullopt;
  const SeqNum end = flight.data_end;
  if (!sack_) {
    // RFC 6582: one segment from SND.UNA on entering recovery and after each partial ACK.
    if (!resend_first_) return std::nullopt;
    resend_first_ = false;
    const std::uint32_t length = std::min<std::uint32_t>(
        flight.mss, flight.una < end ? static_cast<std::uint32_t>(end - flight.una) : 0);
    const bool fin = flight.fin_queued && flight.una + length == end && flight.max > end;
    if (length == 0 && !fin) return std::nullopt;
    return Retransmission{flight.una, length, fin, "fast retransmit"};
  }
  // RFC 6675 NextSeg() rule 1: holes below the highest SACKed byte, lowest first, while pipe
  // leaves room (the very first one regardless, (4.3)).
  if (!resend_first_ && pipe(flight) + flight.mss > cwnd) return std::nullopt;
  if (uses_rack()) {
    auto r = next_lost_by_rack(flight);
    if (!r) resend_first_ = false;
    return r;
  }
  const SeqNum highest = scoreboard_.highest().value_or(flight.una + 1);
  const auto hole =
      scoreboard_.next_hole(seq_max(high_rxt_, flight.una), seq_min(highest, flight.max));
  if (hole) {
    const SeqNum start = hole->first;
    const std::uint32_t data_left = start < end ? static_cast<std::uint32_t>(end - start) : 0;
    const std::uint32_t length = std::min<std::uint32_t>(
        {flight.mss, static_cast<std::uint32_t>(hole->second - start), data_left});
    const bool fin = flight.fin_queued && start + length == end && hole->second > end;
    if (length > 0 || fin) return Retransmission{start, length, fin, "SACK retransmit"};
  }
  resend_first_ = false;
  return std::nullopt;
}

std::optional<Retransmission> LossRecovery::next_lost_by_rack(const SendFlight& flight) {
  // RFC 8985 section 6.3: lost segments go again lowest first (RFC 6675 NextSeg() rule 1 with
  // RACK's notion of lost); the part the receiver SACKed meanwhile is skipped.
  const SentSegment* lost = rack_.first_lost();
  if (!lost) return std::nullopt;
  const auto hole = scoreboard_.next_hole(seq_max(lost->start, flight.una), lost->end);
  if (!hole) return std::nullopt;
  const SeqNum end = flight.data_end;
  const SeqNum start = hole->first;
  const std::uint32_t data_left = start < end ? static_cast<std::uint32_t>(end - start) : 0;
  const std::uint32_t length = std::min<std::uint32_t>(
      {flight.mss, static_cast<std::uint32_t>(hole->second - start), data_left});
  const bool fin = flight.fin_queued && start + length == end && hole->second > end;
  if (length == 0 && !fin) return std::nullopt;
  return Retransmission{start, length, fin, "RACK retransmit"};
}

void LossRecovery::on_retransmitted(const Retransmission& r) {
  resend_first_ = false;
  ++counters_.TCPFastRetrans;
  if (sack_) high_rxt_ = r.seq + r.length + (r.with_fin ? 1 : 0);
}

}  // namespace synack
