#include "synack/stack/ip_id.hpp"

namespace synack {

std::uint16_t IpIdGenerator::next(Ipv4Address src, Ipv4Address dst, std::uint8_t protocol) {
  FourTuple flow;
  flow.local = Endpoint{IpAddress::v4(src), 0};
  flow.remote = Endpoint{IpAddress::v4(dst), 0};
  const std::uint64_t hash = keyed_tuple_hash(key_, flow, protocol);
  // Low bits choose the counter, high bits the per-flow offset: two destinations sharing a
  // counter still start from unrelated values.
  std::uint16_t& counter = counters_[hash % kBuckets];
  const auto offset = static_cast<std::uint16_t>(hash >> 48);
  return static_cast<std::uint16_t>(offset + counter++);
}

}  // namespace synack
