#pragma once
// Keys for tables of connections: an IPv4 4-tuple packed in 12 bytes, and a keyed hash of it
// (or of any FourTuple). The hash is SipHash-2-4 under a secret, so a peer choosing addresses and
// ports cannot aim many tuples at one bucket (hash flooding, CVE-2011-4815 and kin; Linux keys
// its TCP hash tables with net_get_random_once for the same reason).
#include <cstdint>
#include <optional>

#include "synack/tcp/isn.hpp"
#include "synack/wire/address.hpp"

namespace synack {

struct Ipv4TupleKey {
  std::uint32_t local_address = 0;
  std::uint32_t remote_address = 0;
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;

  // The packed form of `tuple` when both addresses are IPv4 (with the unused address bytes zero,
  // as IpAddress::v4 makes them, so that packing loses nothing); otherwise nullopt.
  static std::optional<Ipv4TupleKey> pack(const FourTuple& tuple);
  FourTuple unpack() const;
  bool operator==(const Ipv4TupleKey&) const = default;
};
static_assert(sizeof(Ipv4TupleKey) == 12, "an IPv4 4-tuple packs into 12 bytes");

class KeyedTupleHash {
 public:
  explicit KeyedTupleHash(const SecretKey& key) : key_(key) {}

  // A key for one table derived from one of the stack's secrets: independent of every other use
  // of that secret (a distinct SipHash input), reproducible when the secrets are fixed.
  static SecretKey derive_key(const SecretKey& secret, std::uint32_t label);

  std::uint64_t operator()(const Ipv4TupleKey& key) const;
  std::uint64_t operator()(const FourTuple& tuple) const { return keyed_tuple_hash(key_, tuple); }

 private:
  SecretKey key_;
};

}  // namespace synack
