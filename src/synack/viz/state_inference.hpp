#pragma once
// Infers both ends' TCP states (RFC 9293 section 3.3.2) from the segments of one connection as
// seen at a single capture point.
//
// A side's state changes when a segment shows the change: its own SYN, SYN-ACK or FIN; its ACK
// of the peer's SYN or FIN (proof it received them); the peer's ACK of its SYN or FIN. Links
// deliver in order, so when a segment reaches a host every earlier segment in the same
// direction has too: a FIN is taken as received by the peer no later than the next segment
// after it. That ordering is what tells a simultaneous close (each FIN sent before the other
// arrived: both sides go through CLOSING) from an ordinary one. TIME_WAIT's end, and states of
// hosts that never send, are invisible to a capture.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "synack/core/seq_num.hpp"
#include "synack/core/time.hpp"
#include "synack/tcp/state.hpp"
#include "synack/viz/ladder.hpp"

namespace synack::viz {

struct ObservedSegment {
  Instant time;
  Side from = Side::left;
  std::uint8_t flags = 0;
  SeqNum seq;
  SeqNum ack;
  std::uint32_t length = 0;
};

struct InferredState {
  Instant time;
  Side side = Side::left;
  TcpState state = TcpState::kClosed;
};

class TcpStateInference {
 public:
  // Feed segments in capture order; returns the state changes this segment revealed.
  std::vector<InferredState> observe(const ObservedSegment& segment);

  TcpState state(Side side) const { return end(side).state; }

 private:
  struct End {
    TcpState state = TcpState::kClosed;
    std::optional<SeqNum> isn;
    std::optional<SeqNum> fin_end;  // Sequence number just past this side's FIN.
    bool syn_acked = false;
    bool fin_acked = false;
    bool got_peer_syn = false;
    bool got_peer_fin = false;
  };

  End& end(Side s) { return ends_[s == Side::left ? 0 : 1]; }
  const End& end(Side s) const { return ends_[s == Side::left ? 0 : 1]; }
  void move(Side side, TcpState to, Instant time, std::vector<InferredState>& out);
  void receive_fin(Side receiver, Instant time, std::vector<InferredState>& out);
  void fin_acknowledged(Side sender, Instant time, std::vector<InferredState>& out);
  void syn_acknowledged(Side sender, Instant time, std::vector<InferredState>& out);

  End ends_[2];
};

}  // namespace synack::viz
