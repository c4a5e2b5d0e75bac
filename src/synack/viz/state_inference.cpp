#include "synack/viz/state_inference.hpp"

#include "synack/wire/tcp.hpp"

namespace synack::viz {

void TcpStateInference::move(Side side, TcpState to, Instant time,
                             std::vector<InferredState>& out) {
  if (end(side).state == to) return;
  end(side).state = to;
  out.push_back(InferredState{time, side, to});
}

// RFC 9293 section 3.10.7.4, eighth step: what a FIN does in each state.
void TcpStateInference::receive_fin(Side receiver, Instant time, std::vector<InferredState>& out) {
  End& r = end(receiver);
  r.got_peer_fin = true;
  switch (r.state) {
    case TcpState::kSynReceived:
    case TcpState::kEstablished:
      move(receiver, TcpState::kCloseWait, time, out);
      break;
    case TcpState::kFinWait1:
      move(receiver, r.fin_acked ? TcpState::kTimeWait : TcpState::kClosing, time, out);
      break;
    case TcpState::kFinWait2:
      move(receiver, TcpState::kTimeWait, time, out);
      break;
    default:
      break;
  }
}

// RFC 9293 section 3.10.7.4, fifth step: an ACK of our FIN in the closing states.
void TcpStateInference::fin_acknowledged(Side sender, Instant time,
                                         std::vector<InferredState>& out) {
  End& s = end(sender);
  s.fin_acked = true;
  switch (s.state) {
    case TcpState::kFinWait1:
      move(sender, TcpState::kFinWait2, time, out);
      break;
    case TcpState::kClosing:
      move(sender, TcpState::kTimeWait, time, out);
      break;
    case TcpState::kLastAck:
      move(sender, TcpState::kClosed, time, out);
      break;
    default:
      break;
  }
}

void TcpStateInference::syn_acknowledged(Side sender, Instant time,
                                         std::vector<InferredState>& out) {
  end(sender).syn_acked = true;
  if (state(sender) == TcpState::kSynReceived) move(sender, TcpState::kEstablished, time, out);
}

std::vector<InferredState> TcpStateInference::observe(const ObservedSegment& seg) {
  using namespace tcp_flags;
  std::vector<InferredState> out;
  const Side s_side = seg.from;
  const Side p_side = other(seg.from);
  End& s = end(s_side);
  End& p = end(p_side);
  const Instant t = seg.time;

  if ((seg.flags & kRst) != 0) {
    move(s_side, TcpState::kClosed, t, out);
    move(p_side, TcpState::kClosed, t, out);
    return out;
  }
  // In-order delivery: a FIN this side sent earlier reached the peer before this segment.
  if (s.fin_end && !p.got_peer_fin) receive_fin(p_side, t, out);

  if ((seg.flags & kSyn) != 0) {
    s.isn = seg.seq;
    if ((seg.flags & kAck) == 0) {
      if (s.state == TcpState::kClosed) move(s_side, TcpState::kSynSent, t, out);
    } else if (s.state == TcpState::kClosed || s.state == TcpState::kListen ||
               s.state == TcpState::kSynSent) {
      // Its SYN-ACK proves it received the SYN.
      s.got_peer_syn = true;
      move(s_side, TcpState::kSynReceived, t, out);
    }
  } else if (s.state == TcpState::kClosed && !s.isn && !p.isn) {
    // The capture began mid-connection: this side is evidently synchronized.
    move(s_side, TcpState::kEstablished, t, out);
  }

  if ((seg.flags & kAck) != 0) {
    if (p.isn && !p.syn_acked && seg.ack >= *p.isn + 1) {
      // Acknowledging the peer's SYN: a SYN_SENT side completes its handshake with this ACK.
      if (s.state == TcpState::kSynSent) move(s_side, TcpState::kEstablished, t, out);
      syn_acknowledged(p_side, t, out);
    }
    if (p.fin_end && !p.fin_acked && seg.ack >= *p.fin_end) {
      if (!s.got_peer_fin) receive_fin(s_side, t, out);
      fin_acknowledged(p_side, t, out);
    }
  }

  if ((seg.flags & kFin) != 0 && !s.fin_end) {
    s.fin_end = seg.seq + seg.length + 1;
    if (s.state == TcpState::kEstablished || s.state == TcpState::kSynReceived) {
      move(s_side, TcpState::kFinWait1, t, out);
    } else if (s.state == TcpState::kCloseWait) {
      move(s_side, TcpState::kLastAck, t, out);
    }
  }
  return out;
}

}  // namespace synack::viz
