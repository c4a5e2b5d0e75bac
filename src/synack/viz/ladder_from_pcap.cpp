#include "synack/viz/ladder_from_pcap.hpp"

#include <cerrno>
#include <map>
#include <optional>
#include <utility>

#include "synack/viz/frame_decoder.hpp"
#include "synack/viz/segment_label.hpp"
#include "synack/viz/state_inference.hpp"

namespace synack::viz {

namespace {

struct CapturedSegment {
  Instant time;
  DecodedTcp tcp;
};

struct Conversation {
  std::vector<CapturedSegment> segments;
};

// A connection's key is its two endpoints in a fixed order, whichever way a packet goes.
using ConversationKey = std::pair<Endpoint, Endpoint>;

ConversationKey key_of(const DecodedTcp& t) {
  return t.src < t.dst ? ConversationKey{t.src, t.dst} : ConversationKey{t.dst, t.src};
}

bool is_bare_syn(const DecodedTcp& t) {
  return t.header.has(tcp_flags::kSyn) && !t.header.has(tcp_flags::kAck);
}

Ladder ladder_of(const Conversation& c, const PcapLadderOptions& options) {
  // Left is the host that sent the first bare SYN, or else the first packet.
  Endpoint left = c.segments.front().tcp.src;
  Endpoint right = c.segments.front().tcp.dst;
  bool saw_syn = false;
  for (const CapturedSegment& s : c.segments) {
    if (is_bare_syn(s.tcp)) {
      left = s.tcp.src;
      right = s.tcp.dst;
      saw_syn = true;
      break;
    }
  }
  auto side_of = [&](const DecodedTcp& t) { return t.src == left ? Side::left : Side::right; };

  // Relative numbering counts from each side's SYN, or from its first sequence number seen.
  std::optional<SeqNum> bases[2];
  if (options.relative_seq) {
    for (const CapturedSegment& s : c.segments) {
      auto& base = bases[side_of(s.tcp) == Side::left ? 0 : 1];
      if (s.tcp.header.has(tcp_flags::kSyn)) {
        base = s.tcp.header.seq;
      } else if (!base) {
        base = s.tcp.header.seq;
      }
    }
  }

  Ladder ladder;
  ladder.capture_times_only = true;
  ladder.left_name = (saw_syn ? "client " : "host ") + left.to_string();
  ladder.right_name = (saw_syn ? "server " : "host ") + right.to_string();
  TcpStateInference inference;
  for (const CapturedSegment& s : c.segments) {
    const Side from = side_of(s.tcp);
    const TcpRepr& h = s.tcp.header;
    const SegmentFacts facts{h.flags, h.seq, h.ack, s.tcp.payload_length, h.window, h.options};
    const SeqBases seq_bases{bases[from == Side::left ? 0 : 1], bases[from == Side::left ? 1 : 0]};
    ladder.arrows.push_back(
        Arrow{s.time, s.time, from, segment_label(facts, seq_bases), false, "", std::nullopt});
    for (const InferredState& st : inference.observe(
             ObservedSegment{s.time, from, h.flags, h.seq, h.ack, s.tcp.payload_length})) {
      ladder.states.push_back(StateMark{st.time, st.side, std::string(to_string(st.state))});
    }
  }
  return ladder;
}

}  // namespace

std::vector<Ladder> ladders_from_capture(const PcapFile& capture,
                                         const PcapLadderOptions& options) {
  const FrameFormat format =
      capture.link_type == PcapLinkType::raw_ip ? FrameFormat::raw_ip : FrameFormat::ethernet;
  std::map<ConversationKey, std::size_t> index;
  std::vector<Conversation> conversations;
  for (const PcapPacket& packet : capture.packets) {
    DecodedFrame decoded = decode_frame(as_bytes(packet.bytes), format);
    auto* tcp = std::get_if<DecodedTcp>(&decoded);
    if (tcp == nullptr) continue;
    auto [it, added] = index.try_emplace(key_of(*tcp), conversations.size());
    if (added) conversations.emplace_back();
    conversations[it->second].segments.push_back(CapturedSegment{packet.time, *tcp});
  }
  std::vector<Ladder> ladders;
  ladders.reserve(conversations.size());
  for (const Conversation& c : conversations) ladders.push_back(ladder_of(c, options));
  return ladders;
}

Result<std::vector<Ladder>> ladders_from_pcap(const std::string& path,
                                              const PcapLadderOptions& options) {
  auto capture = read_pcap(path);
  if (!capture) return Unexpected{capture.error()};
  if (capture->link_type == PcapLinkType::unknown) {
    return Unexpected{Error{EPROTONOSUPPORT, path + ": link type (DLT " +
                                                 std::to_string(capture->datalink) +
                                                 ") is neither Ethernet nor raw IP"}};
  }
  return ladders_from_capture(*capture, options);
}

}  // namespace synack::viz
