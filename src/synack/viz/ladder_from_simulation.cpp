#include "synack/viz/ladder_from_simulation.hpp"

#include <algorithm>
#include <map>

#include "synack/viz/segment_label.hpp"

namespace synack::viz {

CapturedFrame capture_frame(const sim::FrameRecord& record) {
  CapturedFrame f;
  f.frame_id = record.frame_id;
  f.sent = record.sent;
  f.delivered = record.delivered;
  f.link = record.link;
  f.direction = record.direction;
  f.fate = record.fate;
  f.duplicate = record.duplicate;
  f.bytes.assign(record.bytes.begin(), record.bytes.end());
  return f;
}

std::function<void(const sim::FrameRecord&)> frame_recorder(std::vector<CapturedFrame>& out) {
  return [&out](const sim::FrameRecord& record) { out.push_back(capture_frame(record)); };
}

std::string short_timer_name(std::string_view reason) {
  if (reason == "retransmission timeout") return "RTO";
  if (reason == "SYN-ACK retransmission timeout") return "SYN-ACK RTO";
  return std::string(reason);
}

namespace {

FourTuple mirrored(const FourTuple& t) {
  return FourTuple{t.remote, t.local};
}

// Listener events carry the listening endpoint and an empty remote.
bool is_listener_tuple(const FourTuple& t) {
  return t.remote == Endpoint{};
}

// Whether a host's event is about the connection `view` (seen from that host).
bool belongs(const TcpEvent& e, const FourTuple& view) {
  if (e.tuple == view) return true;
  return is_listener_tuple(e.tuple) && e.tuple.local.port == view.local.port;
}

std::optional<FourTuple> find_connection(const std::vector<TcpEvent>& left,
                                         const std::vector<TcpEvent>& right) {
  for (const TcpEvent& e : left) {
    if (e.kind == TcpEventKind::kSegmentSent) return e.tuple;
  }
  for (const TcpEvent& e : right) {
    if (e.kind == TcpEventKind::kSegmentSent) return mirrored(e.tuple);
  }
  return std::nullopt;
}

bool same_segment(const SegmentSummary& a, const TcpRepr& header, std::uint32_t length) {
  return a.flags == header.flags && a.seq == header.seq && a.ack == header.ack &&
         a.length == length;
}

bool same_segment(const SegmentSummary& a, const SegmentSummary& b) {
  return a.flags == b.flags && a.seq == b.seq && a.ack == b.ack && a.length == b.length;
}

struct ConnectionFrame {
  const CapturedFrame* frame = nullptr;
  DecodedTcp tcp;
  Side from = Side::left;
  bool matched = false;
};

// One arrow before its label is written (relative numbering needs both ISNs first).
struct PendingArrow {
  Arrow arrow;
  SegmentFacts facts;
  std::size_t wire_ordinal = 0;
};

SegmentFacts facts_of(const SegmentSummary& s) {
  return SegmentFacts{s.flags, s.seq, s.ack, s.length, s.window, std::nullopt};
}

SegmentFacts facts_of(const DecodedTcp& t) {
  return SegmentFacts{t.header.flags,   t.header.seq,    t.header.ack,
                      t.payload_length, t.header.window, t.header.options};
}

void fill_from_frame(PendingArrow& p, const ConnectionFrame& cf,
                     const std::map<std::uint64_t, std::size_t>& ordinals) {
  p.arrow.sent = cf.frame->sent;
  if (auto it = ordinals.find(cf.frame->frame_id); it != ordinals.end() && !cf.frame->duplicate)
    p.wire_ordinal = it->second;
  p.facts = facts_of(cf.tcp);
  if (cf.frame->fate == sim::FrameFate::delivered) {
    p.arrow.arrival = cf.frame->delivered;
  } else {
    p.arrow.arrival.reset();
    p.arrow.annotation = sim::to_string(cf.frame->fate);
  }
}

class SimulationLadderBuilder {
 public:
  SimulationLadderBuilder(const std::vector<TcpEvent>& left, const std::vector<TcpEvent>& right,
                          const std::vector<CapturedFrame>& frames,
                          const SimulationLadderOptions& options, const FourTuple& connection)
      : events_{&left, &right}, frames_(frames), options_(options), conn_(connection) {}

  Ladder build() {
    collect_frames();
    for (Side side : {Side::left, Side::right}) add_marks(side);
    for (Side side : {Side::left, Side::right}) add_sent_segments(side);
    arrivals_from_receive_events();
    add_unmatched_frames();
    finish_labels();
    ladder_.title = options_.title;
    ladder_.left_name = name_for(Side::left, options_.left_name);
    ladder_.right_name = name_for(Side::right, options_.right_name);
    ladder_.sort_by_time();
    return std::move(ladder_);
  }

 private:
  const std::vector<TcpEvent>& events(Side s) const { return *events_[index(s)]; }
  static std::size_t index(Side s) { return s == Side::left ? 0 : 1; }
  FourTuple view(Side s) const { return s == Side::left ? conn_ : mirrored(conn_); }
  const Endpoint& endpoint(Side s) const { return s == Side::left ? conn_.local : conn_.remote; }

  void collect_frames() {
    std::vector<const CapturedFrame*> sorted;
    for (const CapturedFrame& f : frames_) {
      if (!options_.link || f.link == *options_.link) sorted.push_back(&f);
    }
    // Observers hear of frames in arrival order; ids number them in send order.
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
      return std::pair{a->frame_id, a->duplicate} < std::pair{b->frame_id, b->duplicate};
    });
    std::map<std::pair<sim::LinkId, sim::Direction>, std::size_t> sent_on;
    for (const CapturedFrame* f : sorted) {
      if (!f->duplicate) ordinals_[f->frame_id] = ++sent_on[{f->link, f->direction}];
    }
    for (const CapturedFrame* f : sorted) {
      DecodedFrame decoded = decode_frame(as_bytes(f->bytes), options_.frame_format);
      if (auto* tcp = std::get_if<DecodedTcp>(&decoded)) {
        if (tcp->src == conn_.local && tcp->dst == conn_.remote) {
          conn_frames_.push_back({f, *tcp, Side::left, false});
        } else if (tcp->src == conn_.remote && tcp->dst == conn_.local) {
          conn_frames_.push_back({f, *tcp, Side::right, false});
        }
      } else if (auto* arp = std::get_if<ArpRepr>(&decoded); arp && options_.show_arp) {
        add_arp_note(*f, *arp);
      }
    }
  }

  void add_arp_note(const CapturedFrame& f, const ArpRepr& arp) {
    std::optional<Side> side;
    if (IpAddress::v4(arp.sender_ip) == conn_.local.address) side = Side::left;
    if (IpAddress::v4(arp.sender_ip) == conn_.remote.address) side = Side::right;
    const std::string text =
        arp.operation == ArpOperation::kRequest
            ? "ARP who-has " + arp.target_ip.to_string() + " tell " + arp.sender_ip.to_string()
            : "ARP " + arp.sender_ip.to_string() + " is-at " + arp.sender_mac.to_string();
    ladder_.notes.push_back(Note{f.sent, side, text});
  }

  void add_marks(Side side) {
    for (const TcpEvent& e : events(side)) {
      if (!belongs(e, view(side))) continue;
      switch (e.kind) {
        case TcpEventKind::kStateChange:
          ladder_.states.push_back(StateMark{e.time, side, std::string(to_string(e.to))});
          break;
        case TcpEventKind::kTimerFired:
          ladder_.timers.push_back(TimerMark{e.time, side, short_timer_name(e.reason)});
          break;
        case TcpEventKind::kSegmentDropped:
          if (options_.show_drops) {
            ladder_.notes.push_back(Note{e.time, side, "drop: " + std::string(e.reason)});
          }
          break;
        default:
          break;
      }
    }
  }

  void add_sent_segments(Side side) {
    for (const TcpEvent& e : events(side)) {
      if (e.kind != TcpEventKind::kSegmentSent || e.tuple != view(side)) continue;
      PendingArrow p;
      p.arrow.from = side;
      p.arrow.sent = e.time;
      p.arrow.retransmission = e.segment.retransmission;
      p.facts = facts_of(e.segment);
      if (ConnectionFrame* cf = match_frame(side, e)) {
        fill_from_frame(p, *cf, ordinals_);
        arrow_of_frame_[cf->frame->frame_id] = pending_.size();
      } else if (conn_frames_.empty()) {
        unframed_.push_back({pending_.size(), e.segment});
      } else {
        p.arrow.annotation = "not on the wire";
      }
      pending_.push_back(std::move(p));
    }
  }

  ConnectionFrame* match_frame(Side side, const TcpEvent& e) {
    for (ConnectionFrame& cf : conn_frames_) {
      if (cf.matched || cf.frame->duplicate || cf.from != side) continue;
      if (cf.frame->sent < e.time) continue;
      if (!same_segment(e.segment, cf.tcp.header, cf.tcp.payload_length)) continue;
      cf.matched = true;
      return &cf;
    }
    return nullptr;
  }

  // Without frames, each receive event of the peer is paired with a copy sent no later; among
  // identical copies the latest one sent, since the earlier copy of a retransmitted segment is
  // usually the one that was lost. Copies left unpaired never arrived.
  void arrivals_from_receive_events() {
    std::vector<bool> paired(unframed_.size(), false);
    for (Side receiver : {Side::left, Side::right}) {
      for (const TcpEvent& e : events(receiver)) {
        if (e.kind != TcpEventKind::kSegmentReceived || e.tuple != view(receiver)) continue;
        std::optional<std::size_t> best;
        for (std::size_t i = 0; i < unframed_.size(); ++i) {
          const Arrow& a = pending_[unframed_[i].arrow].arrow;
          if (paired[i] || a.from == receiver || a.sent > e.time) continue;
          if (!same_segment(unframed_[i].segment, e.segment)) continue;
          best = i;
        }
        if (!best) continue;
        paired[*best] = true;
        pending_[unframed_[*best].arrow].arrow.arrival = e.time;
      }
    }
  }

  // Duplicated copies, and frames no event accounts for (a stack answering for a connection it
  // no longer has, say), still crossed the wire: draw them too.
  void add_unmatched_frames() {
    for (const ConnectionFrame& cf : conn_frames_) {
      if (cf.matched) continue;
      PendingArrow p;
      p.arrow.from = cf.from;
      fill_from_frame(p, cf, ordinals_);
      if (cf.frame->duplicate) {
        auto it = arrow_of_frame_.find(cf.frame->frame_id);
        if (it != arrow_of_frame_.end()) {
          p.arrow.retransmission = pending_[it->second].arrow.retransmission;
        }
        p.arrow.annotation =
            p.arrow.annotation.empty() ? "duplicate" : "duplicate, " + p.arrow.annotation;
      }
      pending_.push_back(std::move(p));
    }
  }

  std::optional<SeqNum> isn(Side side) const {
    for (const PendingArrow& p : pending_) {
      if (p.arrow.from == side && (p.facts.flags & tcp_flags::kSyn) != 0) return p.facts.seq;
    }
    return std::nullopt;
  }

  void finish_labels() {
    std::optional<SeqNum> isns[2];
    if (options_.relative_seq) {
      isns[0] = isn(Side::left);
      isns[1] = isn(Side::right);
    }
    for (PendingArrow& p : pending_) {
      const SeqBases bases{isns[index(p.arrow.from)], isns[index(other(p.arrow.from))]};
      p.arrow.label = segment_label(p.facts, bases);
      p.arrow.details = details_of(p, bases);
      ladder_.arrows.push_back(std::move(p.arrow));
    }
  }

  static SegmentDetails details_of(const PendingArrow& p, const SeqBases& bases) {
    SegmentDetails d;
    d.flags = p.facts.flags;
    d.seq = p.facts.seq.raw();
    d.ack = p.facts.ack.raw();
    if (bases.sender) d.seq_relative = p.facts.seq.raw() - bases.sender->raw();
    if (bases.receiver && (p.facts.flags & tcp_flags::kAck) != 0)
      d.ack_relative = p.facts.ack.raw() - bases.receiver->raw();
    d.length = p.facts.length;
    d.window = p.facts.window;
    if (p.facts.options) d.options = options_text(*p.facts.options, bases.receiver);
    d.wire_ordinal = p.wire_ordinal;
    return d;
  }

  // "client" for the side whose first segment is a bare SYN, "server" for the one answering
  // with SYN-ACK.
  std::string name_for(Side side, const std::string& given) const {
    if (!given.empty()) return given;
    std::string role = "host";
    for (const PendingArrow& p : pending_) {
      if (p.arrow.from != side) continue;
      if (p.facts.flags == tcp_flags::kSyn) role = "client";
      if (p.facts.flags == (tcp_flags::kSyn | tcp_flags::kAck)) role = "server";
      break;
    }
    return role + " " + endpoint(side).to_string();
  }

  const std::vector<TcpEvent>* events_[2];
  const std::vector<CapturedFrame>& frames_;
  const SimulationLadderOptions& options_;
  FourTuple conn_;
  std::vector<ConnectionFrame> conn_frames_;
  std::vector<PendingArrow> pending_;
  std::map<std::uint64_t, std::size_t> arrow_of_frame_;
  std::map<std::uint64_t, std::size_t> ordinals_;  // Frame id -> its sender's n-th frame.
  struct Unframed {
    std::size_t arrow = 0;  // Index into pending_.
    SegmentSummary segment;
  };
  std::vector<Unframed> unframed_;
  Ladder ladder_;
};

}  // namespace

Ladder ladder_from_simulation(const std::vector<TcpEvent>& left_events,
                              const std::vector<TcpEvent>& right_events,
                              const std::vector<CapturedFrame>& frames,
                              const SimulationLadderOptions& options) {
  const std::optional<FourTuple> connection =
      options.connection ? options.connection : find_connection(left_events, right_events);
  if (!connection) {
    Ladder empty;
    empty.title = options.title;
    empty.left_name = options.left_name.empty() ? "left" : options.left_name;
    empty.right_name = options.right_name.empty() ? "right" : options.right_name;
    return empty;
  }
  return SimulationLadderBuilder(left_events, right_events, frames, options, *connection).build();
}

}  // namespace synack::viz
