#include "synack/stack/ipv4_reassembler.hpp"

#include <algorithm>
#include <cstring>

#include "synack/wire/checksum.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {

namespace {

constexpr std::size_t kFragmentUnit = 8;             // RFC 791: offsets count 8-byte units
constexpr std::uint32_t kTinyFragmentOffset = 8;     // RFC 1858 section 3.2: FO = 1 for TCP
constexpr std::uint16_t kFlagDontFragment = 0x4000;  // RFC 791 section 3.1
constexpr std::size_t kPayloadStart = kIpv4MaxHeaderLength;
constexpr std::size_t kMaxStorage = kPayloadStart + kIpv4MaxTotalLength;

}  // namespace

void ReassemblyCounters::for_each(FunctionRef<void(std::string_view, std::uint64_t)> visit) const {
  visit("ReasmReqds", reasm_reqds);
  visit("ReasmOKs", reasm_oks);
  visit("ReasmFails", reasm_fails);
  visit("ReasmTimeout", reasm_timeout);
  visit("ReasmOverlaps", reasm_overlaps);
  visit("ReasmDuplicates", reasm_duplicates);
  visit("ReasmTinyTcp", reasm_tiny_tcp);
  visit("ReasmMalformed", reasm_malformed);
  visit("ReasmOverLimit", reasm_over_limit);
  visit("ReasmBytesPeak", reasm_bytes_peak);
}

Ipv4Reassembler::Ipv4Reassembler(const ReassemblyConfig& config, ReassemblyCounters& counters)
    : config_(config), counters_(counters) {
  datagrams_.reserve(config_.max_datagrams);
}

std::optional<Bytes> Ipv4Reassembler::add(Instant now, const Ipv4View& fragment) {
  ++counters_.reasm_reqds;
  const Ipv4Repr ip = fragment.repr();
  const std::uint32_t begin = ip.fragment_offset;
  const auto end = static_cast<std::uint32_t>(begin + fragment.payload().size());
  Datagram* d = find(ip);
  if (d == nullptr) d = start(now, ip);
  if (d == nullptr) {
    ++counters_.reasm_over_limit;
    ++counters_.reasm_fails;
    return std::nullopt;
  }
  const auto index = static_cast<std::size_t>(d - datagrams_.data());
  switch (check(*d, ip, begin, end)) {
    case Verdict::kDuplicate:
      ++counters_.reasm_duplicates;
      return std::nullopt;
    case Verdict::kDrop:
      discard(index);
      return std::nullopt;
    case Verdict::kAccept:
      break;
  }
  if (!store(*d, fragment, begin, end)) {
    ++counters_.reasm_over_limit;
    discard(index);
    return std::nullopt;
  }
  if (d->header_length == 0 || !d->payload_end || d->received != *d->payload_end) {
    return std::nullopt;
  }
  return finish(index);
}

Ipv4Reassembler::Datagram* Ipv4Reassembler::find(const Ipv4Repr& ip) {
  // RFC 791 section 3.2: fragments belong together when source, destination, protocol and
  // identification match.
  for (auto& d : datagrams_) {
    if (d.identification == ip.identification && d.src == ip.src && d.dst == ip.dst &&
        d.protocol == ip.protocol) {
      return &d;
    }
  }
  return nullptr;
}

Ipv4Reassembler::Datagram* Ipv4Reassembler::start(Instant now, const Ipv4Repr& ip) {
  if (datagrams_.size() >= config_.max_datagrams ||
      held_bytes_ + sizeof(Datagram) > config_.max_bytes) {
    return nullptr;
  }
  Datagram& d = datagrams_.emplace_back();
  d.src = ip.src;
  d.dst = ip.dst;
  d.protocol = ip.protocol;
  d.identification = ip.identification;
  d.expires = now + config_.timeout;  // from the first fragment, never refreshed
  charge(d);
  return &d;
}

Ipv4Reassembler::Verdict Ipv4Reassembler::check(const Datagram& d, const Ipv4Repr& ip,
                                                std::uint32_t begin, std::uint32_t end) {
  const auto malformed = [this] {
    ++counters_.reasm_malformed;
    return Verdict::kDrop;
  };
  // RFC 1858 section 3: a first fragment that cannot hold the TCP header lets flags hide in a
  // later fragment, and offset 8 rewrites the flags of the first: both drop the datagram.
  if (ip.protocol == kIpProtocolTcp &&
      ((begin == 0 && end < kTcpMinHeaderLength) || begin == kTinyFragmentOffset)) {
    ++counters_.reasm_tiny_tcp;
    return Verdict::kDrop;
  }
  // RFC 791: every fragment but the last carries a multiple of 8 bytes; nothing ends past
  // 65,535 bytes of datagram.
  if (end == begin || (ip.more_fragments && (end - begin) % kFragmentUnit != 0) ||
      end + kIpv4MinHeaderLength > kIpv4MaxTotalLength) {
    return malformed();
  }
  if (!ip.more_fragments) {
    if (d.payload_end && *d.payload_end != end) return malformed();
    if (!d.ranges.empty() && d.ranges.back().end > end) return malformed();
  } else if (d.payload_end && end > *d.payload_end) {
    return malformed();
  }
  for (const Range& r : d.ranges) {
    if (r.begin == begin && r.end == end) return Verdict::kDuplicate;
    if (r.begin < end && begin < r.end) {
      ++counters_.reasm_overlaps;
      return Verdict::kDrop;
    }
  }
  if (d.ranges.size() >= config_.max_fragments) {
    ++counters_.reasm_over_limit;
    return Verdict::kDrop;
  }
  return Verdict::kAccept;
}

bool Ipv4Reassembler::store(Datagram& d, const Ipv4View& fragment, std::uint32_t begin,
                            std::uint32_t end) {
  const Ipv4Repr ip = fragment.repr();
  // Grow geometrically (to at most one maximal datagram), and check the budget before
  // allocating, so that the total never exceeds max_bytes even for a moment.
  const std::size_t needed = kPayloadStart + end;
  std::size_t storage_capacity = d.storage.capacity();
  if (needed > storage_capacity) {
    storage_capacity = std::max(needed, std::min(2 * storage_capacity, kMaxStorage));
  }
  std::size_t ranges_capacity = d.ranges.capacity();
  if (d.ranges.size() == ranges_capacity)
    ranges_capacity = std::max<std::size_t>(4, 2 * ranges_capacity);
  const std::size_t charge_after = charge_for(storage_capacity, ranges_capacity);
  if (held_bytes_ - d.charged + charge_after > config_.max_bytes) return false;
  d.storage.reserve(storage_capacity);
  d.ranges.reserve(ranges_capacity);
  if (d.storage.size() < needed) d.storage.resize(needed);
  const Bytes payload = fragment.payload();
  std::memcpy(d.storage.data() + kPayloadStart + begin, payload.data(), payload.size());
  if (begin == 0) {
    const Bytes header = fragment.header();
    std::memcpy(d.storage.data() + kPayloadStart - header.size(), header.data(), header.size());
    d.header_length = header.size();
  }
  if (!ip.more_fragments) d.payload_end = end;
  const auto at = std::find_if(d.ranges.begin(), d.ranges.end(),
                               [begin](const Range& r) { return r.begin > begin; });
  d.ranges.insert(at, Range{begin, end});
  d.received += end - begin;
  charge(d);
  return true;
}

std::optional<Bytes> Ipv4Reassembler::finish(std::size_t index) {
  Datagram& d = datagrams_[index];
  const std::size_t total = d.header_length + *d.payload_end;
  if (total > kIpv4MaxTotalLength) {  // options made the header longer than the fragments knew
    ++counters_.reasm_malformed;
    discard(index);
    return std::nullopt;
  }
  const std::size_t header_start = kPayloadStart - d.header_length;
  std::uint8_t* header = d.storage.data() + header_start;
  store_be16(header + 2, static_cast<std::uint16_t>(total));
  store_be16(header + 6, load_be16(header + 6) & kFlagDontFragment);
  store_be16(header + 10, 0);
  store_be16(header + 10, internet_checksum(Bytes{header, d.header_length}));
  completed_ = std::move(d.storage);
  held_bytes_ -= d.charged;
  datagrams_.erase(datagrams_.begin() + static_cast<std::ptrdiff_t>(index));
  ++counters_.reasm_oks;
  return Bytes{completed_.data() + header_start, total};
}

void Ipv4Reassembler::discard(std::size_t index) {
  held_bytes_ -= datagrams_[index].charged;
  datagrams_.erase(datagrams_.begin() + static_cast<std::ptrdiff_t>(index));
  ++counters_.reasm_fails;
}

std::size_t Ipv4Reassembler::charge_for(std::size_t storage_capacity, std::size_t ranges_capacity) {
  return sizeof(Datagram) + storage_capacity + ranges_capacity * sizeof(Range);
}

void Ipv4Reassembler::charge(Datagram& d) {
  const std::size_t now_held = charge_for(d.storage.capacity(), d.ranges.capacity());
  held_bytes_ = held_bytes_ - d.charged + now_held;
  d.charged = now_held;
  counters_.reasm_bytes_peak = std::max<std::uint64_t>(counters_.reasm_bytes_peak, held_bytes_);
}

void Ipv4Reassembler::poll(Instant now) {
  for (std::size_t i = 0; i < datagrams_.size();) {
    if (now < datagrams_[i].expires) {
      ++i;
      continue;
    }
    ++counters_.reasm_timeout;
    discard(i);
  }
}

Instant Ipv4Reassembler::next_deadline() const {
  Instant next = kNever;
  for (const auto& d : datagrams_) next = earliest(next, d.expires);
  return next;
}

}  // namespace synack
