#pragma once
// The ARP neighbour table (RFC 826) plus the packets waiting for a resolution.
// It holds state only and never builds frames: the Host asks it what to do and does it.
//
// Entries live `entry_lifetime` after they were last confirmed by an ARP packet. A next hop
// without an entry gets a Resolution: up to kArpMaxPendingPerHop queued packets (the oldest
// is dropped on overflow, like Linux's unres_qlen) and a retry schedule: one request when the
// resolution starts, a second `first_retry_interval` later (a peer that just came up may miss
// the first, and waiting a whole second would cost the first SYN its retransmission), then one
// every `retry_interval` counted from the start until `max_requests` were sent; one interval
// after the last request the resolution fails and its packets are dropped. The defaults send
// at 0, 0.1, 1 and 2 s and fail at 3 s, as Linux fails after ucast_solicit's three requests
// one retrans_time (1 s) apart (net/core/neighbour.c), with one quick extra request.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "synack/core/function_ref.hpp"
#include "synack/core/time.hpp"
#include "synack/stack/packet_pool.hpp"
#include "synack/wire/address.hpp"

namespace synack {

inline constexpr std::size_t kArpMaxPendingPerHop = 4;

struct ArpConfig {
  Duration entry_lifetime = seconds(60);
  Duration retry_interval = seconds(1);               // Linux retrans_time_ms
  Duration first_retry_interval = milliseconds(100);  // at most retry_interval
  std::uint8_t max_requests = 4;
  std::size_t max_entries = 64;
  std::size_t max_resolutions = 16;  // next hops being resolved at once
};

struct ArpEntry {
  std::size_t iface = 0;
  Ipv4Address ip;
  MacAddress mac;
  Instant expires;
};

// A packet written completely except for the Ethernet destination address.
struct PendingPacket {
  PacketPool::Index buffer = 0;
  std::size_t length = 0;
};

struct ArpResolution {
  std::size_t iface = 0;
  Ipv4Address next_hop;
  std::array<PendingPacket, kArpMaxPendingPerHop> packets{};  // oldest first
  std::size_t packet_count = 0;
  std::uint8_t requests_sent = 0;
  Instant started;      // when the first request left
  Instant next_action;  // the next retry, or the failure after the last one
};

class ArpCache {
 public:
  explicit ArpCache(const ArpConfig& config = {});

  const ArpConfig& config() const { return config_; }

  // The live mapping for `ip` on `iface`, if any.
  std::optional<MacAddress> lookup(Instant now, std::size_t iface, Ipv4Address ip) const;

  // RFC 826 "merge": refreshes an existing entry for `ip`; returns true when one existed.
  bool update(Instant now, std::size_t iface, Ipv4Address ip, MacAddress mac);
  // Inserts or refreshes; when the table is full the entry closest to expiry is replaced.
  void insert(Instant now, std::size_t iface, Ipv4Address ip, MacAddress mac);
  // Drops entries that have expired (keeps lookups short; no timer needed for it).
  void purge_expired(Instant now);
  const std::vector<ArpEntry>& entries() const { return entries_; }

  // True when a resolution for `ip` on `iface` is in progress.
  bool is_resolving(std::size_t iface, Ipv4Address ip) const;
  // True when queue() for this next hop would queue (a resolution exists or a slot is free).
  bool can_queue(std::size_t iface, Ipv4Address next_hop) const;

  enum class QueueResult {
    kStartedResolution,    // first packet for this next hop: the caller sends a request now
    kQueued,               // joined a resolution in progress
    kQueuedDroppedOldest,  // joined, and `dropped` holds the evicted oldest packet
    kNoResolutionSlot,     // too many next hops unresolved: the packet was not queued
  };
  QueueResult queue(Instant now, std::size_t iface, Ipv4Address next_hop, PendingPacket packet,
                    PendingPacket& dropped);

  // Ends the resolution for `ip` on `iface` (its mapping arrived) and hands each waiting
  // packet, oldest first, to `release`.
  void complete(std::size_t iface, Ipv4Address ip, FunctionRef<void(const PendingPacket&)> release);

  // Runs due retries: `send_request(iface, next_hop)` for each retry, `drop(iface, packet)` for
  // each packet of a resolution that failed. Returns the number of failed resolutions.
  std::size_t poll(Instant now, FunctionRef<void(std::size_t, Ipv4Address)> send_request,
                   FunctionRef<void(std::size_t, const PendingPacket&)> drop);

  // The earliest retry or failure time; kNever when nothing is being resolved.
  Instant next_deadline() const;

  const std::vector<ArpResolution>& resolutions() const { return resolutions_; }

 private:
  ArpEntry* find_entry(std::size_t iface, Ipv4Address ip);
  ArpResolution* find_resolution(std::size_t iface, Ipv4Address ip);
  // When request number `k` (0 = the first) is due, and the next action after `sent` requests.
  Instant request_time(const ArpResolution& r, std::size_t k) const;
  Instant next_action_after(const ArpResolution& r) const;

  ArpConfig config_;
  std::vector<ArpEntry> entries_;           // reserved to max_entries
  std::vector<ArpResolution> resolutions_;  // reserved to max_resolutions
};

}  // namespace synack
