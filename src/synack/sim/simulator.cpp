#include "synack/sim/simulator.hpp"

#include <algorithm>
#include <cerrno>
#include <string>

#include "synack/pcap/pcap_writer.hpp"

namespace synack::sim {

// Routes a node's sends into the simulator, tagged with the sending node.
class Simulator::NodeOutput final : public FrameOutput {
 public:
  NodeOutput(Simulator& simulator, NodeId node) : simulator_(simulator), node_(node) {}
  void send_frame(std::size_t iface, Bytes frame) override {
    simulator_.transmit(node_, iface, frame);
  }

 private:
  Simulator& simulator_;
  NodeId node_;
};

Simulator::Simulator(std::uint64_t seed, SimulatorOptions options)
    : seed_(seed), options_(options) {}

Simulator::~Simulator() {
  close_captures();
}

NodeId Simulator::add_node(NetworkNode& node, std::string name) {
  nodes_.push_back(NodeEntry{&node, std::move(name), {}, kEpoch});
  return nodes_.size() - 1;
}

Link& Simulator::connect(NodeId a, std::size_t iface_a, NodeId b, std::size_t iface_b,
                         const LinkConfig& config) {
  SYNACK_CHECK(a < nodes_.size() && b < nodes_.size(), "Simulator::connect: unknown node");
  auto port = [this](NodeId node, std::size_t iface) -> auto& {
    auto& ports = nodes_[node].ports;
    if (ports.size() <= iface) ports.resize(iface + 1);
    return ports[iface];
  };
  SYNACK_CHECK(!port(a, iface_a) && !port(b, iface_b) && !(a == b && iface_a == iface_b),
               "Simulator::connect: interface already connected");
  const LinkId id = links_.size();
  links_.push_back(
      std::make_unique<Link>(id, Endpoint{a, iface_a}, Endpoint{b, iface_b}, config, seed_));
  port(a, iface_a) = std::pair{id, Direction::a_to_b};
  port(b, iface_b) = std::pair{id, Direction::b_to_a};
  return *links_.back();
}

void Simulator::run_until(Instant until) {
  clear_livelock_guards();
  while (step(until)) {
  }
  now_ = std::max(now_, until);
}

bool Simulator::run_until(const std::function<bool()>& done, Instant limit) {
  clear_livelock_guards();
  if (done()) return true;
  while (step(limit)) {
    if (done()) return true;
  }
  now_ = std::max(now_, limit);
  return done();
}

bool Simulator::run_until_idle(Instant limit) {
  return run_until([this] { return idle(); }, limit);
}

bool Simulator::idle() const {
  if (!events_.empty()) return false;
  return std::all_of(nodes_.begin(), nodes_.end(),
                     [](const NodeEntry& entry) { return entry.node->next_deadline() == kNever; });
}

void Simulator::schedule_at(Instant at, std::function<void()> action) {
  events_.push(std::max(at, now_), store_event(std::move(action)));
}

bool Simulator::step(Instant limit) {
  const Instant event_time = events_.next_time();
  const Instant node_time = next_node_time();
  const Instant next = earliest(event_time, node_time);
  if (next == kNever || next > limit) return false;
  now_ = std::max(now_, next);
  if (event_time <= node_time) {
    ++stats_.events_processed;
    process_event(events_.pop().payload);
  } else {
    poll_due_nodes();
  }
  return true;
}

// Re-read every node's deadline on every step: application code may have poked a node between
// runs, or a frame may have given it work, and nodes do not announce deadline changes.
Instant Simulator::next_node_time() const {
  Instant next = kNever;
  for (const NodeEntry& entry : nodes_) {
    const Instant deadline = entry.node->next_deadline();
    if (deadline == kNever) continue;
    next = earliest(next, std::max({deadline, entry.not_before, now_}));
  }
  return next;
}

void Simulator::poll_due_nodes() {
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    NodeEntry& entry = nodes_[id];
    if (entry.node->next_deadline() > now_ || entry.not_before > now_) continue;
    ++stats_.polls;
    NodeOutput out{*this, id};
    entry.node->poll(now_, out);
    if (entry.node->next_deadline() <= now_) {
      // Still due after being polled: polling again at this instant would spin forever.
      ++stats_.livelocks;
      entry.not_before = now_ + options_.livelock_backoff;
    }
  }
}

void Simulator::process_event(std::size_t slot) {
  PendingEvent event = std::move(slots_[slot]);
  free_slots_.push_back(slot);
  if (auto* arrival = std::get_if<PendingArrival>(&event)) {
    deliver(*arrival);
    spare_buffers_.push_back(std::move(arrival->bytes));
  } else {
    // Application code may call into any node, so every node deserves a fresh poll.
    clear_livelock_guards();
    std::get<std::function<void()>>(event)();
  }
}

void Simulator::deliver(PendingArrival& arrival) {
  Link& link = *links_[arrival.link];
  const Endpoint to = link.destination(arrival.direction);
  const Bytes bytes = as_bytes(arrival.bytes);
  link.count_delivery(arrival.direction, bytes.size());
  capture_received(to, bytes);
  FrameRecord record;
  record.frame_id = arrival.frame_id;
  record.sent = arrival.sent;
  record.delivered = now_;
  record.link = arrival.link;
  record.direction = arrival.direction;
  record.from = link.source(arrival.direction);
  record.to = to;
  record.bytes = bytes;
  record.fate = FrameFate::delivered;
  record.corrupted = arrival.corrupted;
  record.duplicate = arrival.duplicate;
  record.reordered = arrival.reordered;
  report(record);

  NodeEntry& entry = nodes_[to.node];
  entry.not_before = kEpoch;
  NodeOutput out{*this, to.node};
  entry.node->receive_frame(now_, to.iface, bytes, out);
}

void Simulator::transmit(NodeId from, std::size_t iface, Bytes frame) {
  const auto& ports = nodes_[from].ports;
  if (iface >= ports.size() || !ports[iface]) {
    ++stats_.unattached_sends;
    return;
  }
  const auto [link_id, direction] = *ports[iface];
  Link& link = *links_[link_id];
  capture_sent(link_id, Endpoint{from, iface}, frame);

  ByteVector wire_bytes = take_buffer();
  const TransmitResult result =
      link.transmit(direction, now_, frame, wire_bytes, options_.max_segment_lifetime);
  const std::uint64_t frame_id = next_frame_id_++;
  FrameRecord record;
  record.frame_id = frame_id;
  record.sent = now_;
  record.link = link_id;
  record.direction = direction;
  record.from = link.source(direction);
  record.to = link.destination(direction);
  record.fate = result.fate;
  record.corrupted = result.corrupted;
  record.reordered = result.reordered;
  if (result.fate != FrameFate::delivered) {
    record.bytes = frame;
    report(record);
  } else {
    for (std::size_t i = 0; i < result.copy_count; ++i) {
      const WireCopy& copy = result.copies[i];
      if (copy.expired) {
        record.bytes = as_bytes(wire_bytes);
        record.fate = FrameFate::expired;
        record.duplicate = copy.duplicate;
        report(record);
      } else {
        schedule_copy(link, direction, frame_id, result, copy, wire_bytes);
      }
    }
  }
  spare_buffers_.push_back(std::move(wire_bytes));
}

void Simulator::schedule_copy(Link& link, Direction d, std::uint64_t frame_id,
                              const TransmitResult& r, const WireCopy& copy,
                              const ByteVector& wire_bytes) {
  PendingArrival arrival;
  arrival.link = link.id();
  arrival.direction = d;
  arrival.frame_id = frame_id;
  arrival.sent = now_;
  arrival.corrupted = r.corrupted;
  arrival.duplicate = copy.duplicate;
  arrival.reordered = r.reordered;
  arrival.bytes = take_buffer();
  arrival.bytes.assign(wire_bytes.begin(), wire_bytes.end());
  events_.push(copy.arrival, store_event(std::move(arrival)));
}

void Simulator::report(const FrameRecord& record) {
  for (const FrameObserver& observer : observers_) observer(record);
}

void Simulator::tap_link(LinkId link, FrameTap tap) {
  links_.at(link);  // Throws std::out_of_range for an unknown link, like link().
  Capture capture;
  capture.whole_link = true;
  capture.link = link;
  capture.tap = std::move(tap);
  captures_.push_back(std::move(capture));
}

Result<LinkId> Simulator::link_of(NodeId node, std::size_t iface) const {
  SYNACK_CHECK(node < nodes_.size(), "Simulator: unknown node");
  const auto& ports = nodes_[node].ports;
  if (iface >= ports.size() || !ports[iface]) {
    return Unexpected{Error{ENOTCONN, nodes_[node].name + " interface " + std::to_string(iface)}};
  }
  return ports[iface]->first;
}

Status Simulator::tap_interface(NodeId node, std::size_t iface, FrameTap tap) {
  if (const auto link = link_of(node, iface); !link) return Unexpected{link.error()};
  Capture capture;
  capture.endpoint = Endpoint{node, iface};
  capture.tap = std::move(tap);
  captures_.push_back(std::move(capture));
  return {};
}

Result<PcapWriter*> Simulator::open_capture_file(LinkId link, const std::string& path) {
  const PcapLinkType type =
      links_.at(link)->layer() == LinkLayer::raw_ip ? PcapLinkType::raw_ip : PcapLinkType::ethernet;
  auto writer = std::make_unique<PcapWriter>();
  if (Status opened = writer->open(path, type); !opened) return Unexpected{opened.error()};
  capture_files_.push_back(std::move(writer));
  return capture_files_.back().get();
}

Status Simulator::capture_link(LinkId link, const std::string& path) {
  const auto writer = open_capture_file(link, path);
  if (!writer) return Unexpected{writer.error()};
  tap_link(link, [file = *writer](Instant time, Bytes frame) { file->write(time, frame); });
  return {};
}

Status Simulator::capture_interface(NodeId node, std::size_t iface, const std::string& path) {
  const auto link = link_of(node, iface);
  if (!link) return Unexpected{link.error()};
  const auto writer = open_capture_file(*link, path);
  if (!writer) return Unexpected{writer.error()};
  return tap_interface(node, iface,
                       [file = *writer](Instant time, Bytes frame) { file->write(time, frame); });
}

void Simulator::close_captures() {
  captures_.clear();
  for (auto& writer : capture_files_) writer->close();
  capture_files_.clear();
}

void Simulator::capture_sent(LinkId link, Endpoint from, Bytes frame) {
  for (Capture& capture : captures_) {
    const bool wanted = capture.whole_link ? capture.link == link : capture.endpoint == from;
    if (wanted) capture.tap(now_, frame);
  }
}

void Simulator::capture_received(Endpoint to, Bytes frame) {
  for (Capture& capture : captures_) {
    if (!capture.whole_link && capture.endpoint == to) capture.tap(now_, frame);
  }
}

void Simulator::clear_livelock_guards() {
  for (NodeEntry& entry : nodes_) entry.not_before = kEpoch;
}

std::size_t Simulator::store_event(PendingEvent event) {
  if (free_slots_.empty()) {
    slots_.push_back(std::move(event));
    return slots_.size() - 1;
  }
  const std::size_t slot = free_slots_.back();
  free_slots_.pop_back();
  slots_[slot] = std::move(event);
  return slot;
}

ByteVector Simulator::take_buffer() {
  if (spare_buffers_.empty()) return {};
  ByteVector buffer = std::move(spare_buffers_.back());
  spare_buffers_.pop_back();
  buffer.clear();
  return buffer;
}

}  // namespace synack::sim
