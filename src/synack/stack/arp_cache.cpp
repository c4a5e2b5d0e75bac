#include "synack/stack/arp_cache.hpp"

#include <algorithm>

namespace synack {

ArpCache::ArpCache(const ArpConfig& config) : config_(config) {
  entries_.reserve(config_.max_entries);
  resolutions_.reserve(config_.max_resolutions);
}

ArpEntry* ArpCache::find_entry(std::size_t iface, Ipv4Address ip) {
  for (auto& e : entries_) {
    if (e.iface == iface && e.ip == ip) return &e;
  }
  return nullptr;
}

ArpResolution* ArpCache::find_resolution(std::size_t iface, Ipv4Address ip) {
  for (auto& r : resolutions_) {
    if (r.iface == iface && r.next_hop == ip) return &r;
  }
  return nullptr;
}

bool ArpCache::is_resolving(std::size_t iface, Ipv4Address ip) const {
  for (const auto& r : resolutions_) {
    if (r.iface == iface && r.next_hop == ip) return true;
  }
  return false;
}

bool ArpCache::can_queue(std::size_t iface, Ipv4Address next_hop) const {
  return is_resolving(iface, next_hop) || resolutions_.size() < config_.max_resolutions;
}

std::optional<MacAddress> ArpCache::lookup(Instant now, std::size_t iface, Ipv4Address ip) const {
  for (const auto& e : entries_) {
    if (e.iface == iface && e.ip == ip && now < e.expires) return e.mac;
  }
  return std::nullopt;
}

bool ArpCache::update(Instant now, std::size_t iface, Ipv4Address ip, MacAddress mac) {
  ArpEntry* e = find_entry(iface, ip);
  if (e == nullptr) return false;
  e->mac = mac;
  e->expires = now + config_.entry_lifetime;
  return true;
}

void ArpCache::insert(Instant now, std::size_t iface, Ipv4Address ip, MacAddress mac) {
  if (update(now, iface, ip, mac) || config_.max_entries == 0) return;
  if (entries_.size() < config_.max_entries) {
    entries_.push_back({iface, ip, mac, now + config_.entry_lifetime});
    return;
  }
  auto victim =
      std::min_element(entries_.begin(), entries_.end(),
                       [](const ArpEntry& a, const ArpEntry& b) { return a.expires < b.expires; });
  *victim = {iface, ip, mac, now + config_.entry_lifetime};
}

void ArpCache::purge_expired(Instant now) {
  std::erase_if(entries_, [now](const ArpEntry& e) { return e.expires <= now; });
}

ArpCache::QueueResult ArpCache::queue(Instant now, std::size_t iface, Ipv4Address next_hop,
                                      PendingPacket packet, PendingPacket& dropped) {
  ArpResolution* r = find_resolution(iface, next_hop);
  if (r == nullptr) {
    if (resolutions_.size() >= config_.max_resolutions) return QueueResult::kNoResolutionSlot;
    ArpResolution fresh;
    fresh.iface = iface;
    fresh.next_hop = next_hop;
    fresh.packets[0] = packet;
    fresh.packet_count = 1;
    fresh.requests_sent = 1;  // the caller sends the first request right away
    fresh.started = now;
    fresh.next_action = next_action_after(fresh);
    resolutions_.push_back(fresh);
    return QueueResult::kStartedResolution;
  }
  if (r->packet_count < kArpMaxPendingPerHop) {
    r->packets[r->packet_count++] = packet;
    return QueueResult::kQueued;
  }
  dropped = r->packets[0];
  std::move(r->packets.begin() + 1, r->packets.end(), r->packets.begin());
  r->packets[kArpMaxPendingPerHop - 1] = packet;
  return QueueResult::kQueuedDroppedOldest;
}

void ArpCache::complete(std::size_t iface, Ipv4Address ip,
                        FunctionRef<void(const PendingPacket&)> release) {
  ArpResolution* r = find_resolution(iface, ip);
  if (r == nullptr) return;
  ArpResolution done = *r;
  // Erase before handing packets on: `release` may queue new packets for other hops.
  resolutions_.erase(resolutions_.begin() + (r - resolutions_.data()));
  for (std::size_t i = 0; i < done.packet_count; ++i) release(done.packets[i]);
}

std::size_t ArpCache::poll(Instant now, FunctionRef<void(std::size_t, Ipv4Address)> send_request,
                           FunctionRef<void(std::size_t, const PendingPacket&)> drop) {
  std::size_t failed = 0;
  for (std::size_t i = 0; i < resolutions_.size();) {
    ArpResolution& r = resolutions_[i];
    if (now < r.next_action) {
      ++i;
      continue;
    }
    if (r.requests_sent < config_.max_requests) {
      ++r.requests_sent;
      r.next_action = next_action_after(r);
      send_request(r.iface, r.next_hop);
      ++i;
      continue;
    }
    ArpResolution gone = r;
    resolutions_.erase(resolutions_.begin() + static_cast<std::ptrdiff_t>(i));
    for (std::size_t p = 0; p < gone.packet_count; ++p) drop(gone.iface, gone.packets[p]);
    ++failed;
  }
  return failed;
}

Instant ArpCache::request_time(const ArpResolution& r, std::size_t k) const {
  if (k == 0) return r.started;
  if (k == 1) return r.started + config_.first_retry_interval;
  return r.started + config_.retry_interval * static_cast<std::int64_t>(k - 1);
}

Instant ArpCache::next_action_after(const ArpResolution& r) const {
  if (r.requests_sent < config_.max_requests) return request_time(r, r.requests_sent);
  const std::size_t last = config_.max_requests == 0 ? 0 : config_.max_requests - 1u;
  return request_time(r, last) + config_.retry_interval;
}

Instant ArpCache::next_deadline() const {
  Instant next = kNever;
  for (const auto& r : resolutions_) next = earliest(next, r.next_action);
  return next;
}

}  // namespace synack
