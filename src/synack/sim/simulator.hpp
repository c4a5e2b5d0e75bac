#pragma once
// A deterministic discrete-event network simulator. Virtual time jumps straight from one event to
// the next (a frame arrival, a node deadline, a scheduled callback), so a minute of simulated
// time costs only as much as the work done in it, and the same seed always gives the same run.
//
// Ordering at one instant: queued events (frame arrivals, callbacks) run first, in the order they
// were scheduled; then every node whose deadline has come is polled, in NodeId order. Arrivals
// before timers means an ACK arriving exactly at its sender's RTO cancels the retransmission.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "synack/core/bytes.hpp"
#include "synack/core/error.hpp"
#include "synack/core/time.hpp"
#include "synack/sim/event_queue.hpp"
#include "synack/sim/fault_rule.hpp"
#include "synack/sim/frame_record.hpp"
#include "synack/sim/impairments.hpp"
#include "synack/sim/link.hpp"
#include "synack/stack/node.hpp"

namespace synack {
class PcapWriter;
}  // namespace synack

namespace synack::sim {

struct SimulatorOptions {
  // A frame copy that would arrive more than this after it was sent is discarded instead
  // (RFC 9293 section 3.4.1 assumes an MSL of 2 minutes; 30 s keeps scenarios short).
  Duration max_segment_lifetime = seconds(30);
  // How far a node is pushed back when its deadline is still due right after a poll that did
  // not clear it (a node bug that would otherwise stall virtual time).
  Duration livelock_backoff = milliseconds(1);
};

struct SimulatorStats {
  std::uint64_t events_processed = 0;
  std::uint64_t polls = 0;
  std::uint64_t livelocks = 0;         // Polls after which the node's deadline was still due.
  std::uint64_t unattached_sends = 0;  // Frames sent on an interface with no link.
};

class Simulator {
 public:
  using FrameObserver = std::function<void(const FrameRecord&)>;

  explicit Simulator(std::uint64_t seed, SimulatorOptions options = {});
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // The node is not owned and must outlive the simulator. Names are for reports and diagrams.
  NodeId add_node(NetworkNode& node, std::string name);
  NetworkNode& node(NodeId id) { return *nodes_.at(id).node; }
  const std::string& node_name(NodeId id) const { return nodes_.at(id).name; }
  std::size_t node_count() const { return nodes_.size(); }

  // Joins (a, iface_a) and (b, iface_b) with a full-duplex link. An unknown node id or an
  // interface already attached is a setup bug: SYNACK_CHECK stops the program (core/error.hpp). The
  // reference stays valid for the simulator's lifetime.
  Link& connect(NodeId a, std::size_t iface_a, NodeId b, std::size_t iface_b,
                const LinkConfig& config = {});
  Link& link(LinkId id) { return *links_.at(id); }
  std::size_t link_count() const { return links_.size(); }

  Instant now() const { return now_; }
  std::uint64_t seed() const { return seed_; }
  const SimulatorOptions& options() const { return options_; }
  const SimulatorStats& stats() const { return stats_; }

  // Processes everything due at or before `until`, then sets the clock to `until`.
  void run_until(Instant until);
  void run_for(Duration duration) { run_until(now_ + duration); }
  // Runs until done() holds (checked before starting and after every event or poll round) or
  // the clock reaches `limit`. Returns whether done() held; the clock stays at the moment it
  // became true.
  bool run_until(const std::function<bool()>& done, Instant limit);
  // Runs until idle() or `limit`; returns idle().
  bool run_until_idle(Instant limit);
  // No pending events and no node has a deadline.
  bool idle() const;

  // Runs `action` at virtual time `at` (not before now), ordered with frame arrivals by
  // scheduling order. Scenarios use this for application calls ("at 2 s, close the socket").
  void schedule_at(Instant at, std::function<void()> action);
  void schedule_after(Duration delay, std::function<void()> action) {
    schedule_at(now_ + delay, std::move(action));
  }

  // Observers see one FrameRecord per frame copy: drops when the frame is sent (expired copies
  // too), deliveries when they arrive.
  void on_frame(FrameObserver observer) { observers_.push_back(std::move(observer)); }

  // What a capture sees: each frame and the virtual time it was sent or delivered.
  using FrameTap = std::function<void(Instant time, Bytes frame)>;
  // Hands both directions of a link to `tap`, each frame at the moment its sender transmits it
  // and as it sent it (before loss, corruption or any drop), like tcpdump on the sending
  // interface.
  void tap_link(LinkId link, FrameTap tap);
  // Hands what one node interface sends (when sent) and receives (when delivered, as delivered)
  // to `tap`, like tcpdump on that host. ENOTCONN if the interface is not connected.
  Status tap_interface(NodeId node, std::size_t iface, FrameTap tap);
  // tap_link and tap_interface into a capture file (pcap/pcap_writer.hpp); the error is the
  // file's (ENOENT, EACCES, ...) or ENOTCONN.
  Status capture_link(LinkId link, const std::string& path);
  Status capture_interface(NodeId node, std::size_t iface, const std::string& path);
  // Flushes and closes every capture file so it can be read while the simulator lives, and
  // removes every tap.
  void close_captures();

 private:
  struct NodeEntry {
    NetworkNode* node = nullptr;
    std::string name;
    std::vector<std::optional<std::pair<LinkId, Direction>>> ports;  // By interface.
    // Livelock guard: the node is not polled again before this instant unless it gets input.
    Instant not_before = kEpoch;
  };
  struct PendingArrival {
    LinkId link = 0;
    Direction direction = Direction::a_to_b;
    std::uint64_t frame_id = 0;
    Instant sent;
    bool corrupted = false;
    bool duplicate = false;
    bool reordered = false;
    ByteVector bytes;
  };
  using PendingEvent = std::variant<PendingArrival, std::function<void()>>;
  struct Capture {
    bool whole_link = false;
    LinkId link = 0;
    Endpoint endpoint;
    FrameTap tap;
  };
  class NodeOutput;

  // Processes the next event or poll round due at or before `limit`; false if none is.
  bool step(Instant limit);
  Instant next_node_time() const;
  void poll_due_nodes();
  void process_event(std::size_t slot);
  void deliver(PendingArrival& arrival);
  void transmit(NodeId from, std::size_t iface, Bytes frame);
  void schedule_copy(Link& link, Direction d, std::uint64_t frame_id, const TransmitResult& r,
                     const WireCopy& copy, const ByteVector& wire_bytes);
  void report(const FrameRecord& record);
  void capture_sent(LinkId link, Endpoint from, Bytes frame);
  void capture_received(Endpoint to, Bytes frame);
  // A writer for `path` with the link type of `link`, kept open until close_captures().
  Result<PcapWriter*> open_capture_file(LinkId link, const std::string& path);
  Result<LinkId> link_of(NodeId node, std::size_t iface) const;
  void clear_livelock_guards();
  std::size_t store_event(PendingEvent event);
  ByteVector take_buffer();

  std::uint64_t seed_;
  SimulatorOptions options_;
  Instant now_ = kEpoch;
  SimulatorStats stats_;
  std::uint64_t next_frame_id_ = 1;
  std::vector<NodeEntry> nodes_;
  std::vector<std::unique_ptr<Link>> links_;
  // The queue holds slot numbers; the events themselves live in `slots_`, reused via
  // `free_slots_`, and frame buffers are recycled through `spare_buffers_`.
  EventQueue<std::size_t> events_;
  std::vector<PendingEvent> slots_;
  std::vector<std::size_t> free_slots_;
  std::vector<ByteVector> spare_buffers_;
  std::vector<FrameObserver> observers_;
  std::vector<Capture> captures_;
  std::vector<std::unique_ptr<PcapWriter>> capture_files_;
};

}  // namespace synack::sim
