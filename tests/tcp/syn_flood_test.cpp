// A SYN flood at 100,000 spoofed SYNs per second of virtual time while a real client connects
// every 20 ms (scenario/syn_flood_trial.hpp). With SYN cookies at least 99% of the legitimate
// connections complete and the half-open queue stays bounded; with no defence they all fail
// once the queue is full. The same runs back the syn-flood scenario's table.
#include <gtest/gtest.h>

#include <cstdio>

#include "synack/scenario/syn_flood_trial.hpp"
#include "synack/tcp/listener.hpp"

namespace synack::scenario {
namespace {

constexpr std::size_t kBacklog = 1024;

FloodTrialOptions flood(int syncookies, int synack_retries = 5) {
  FloodTrialOptions o;
  o.server_tcp.syncookies = syncookies;
  o.server_tcp.synack_retries = synack_retries;
  o.server_tcp.max_syn_backlog = kBacklog;
  return o;
}

// Report only (wall time is never asserted).
void print(const char* defence, const FloodTrialResult& r) {
  std::printf(
      "syn flood, %s: %zu/%zu connected, connect ms min %.0f median %.0f p99 %.0f, "
      "peak half-open %zu, %.0f spoofed SYNs per host second (simulator included)\n",
      defence, r.completed, r.attempts, to_seconds(r.connect_time_quantile(0)) * 1000,
      to_seconds(r.connect_time_quantile(0.5)) * 1000,
      to_seconds(r.connect_time_quantile(0.99)) * 1000, r.peak_half_open, r.syns_per_wall_second());
}

void expect_attack_ran(const FloodTrialResult& r) {
  EXPECT_EQ(r.attack_syns, 200'000u);  // 100 per millisecond for 2 s
  EXPECT_EQ(r.attempts, 95u);          // every 20 ms from 0.1 s to 1.98 s
}

TEST(SynFlood, CookiesMode1KeepServingWithTheQueueFullAndBounded) {
  const FloodTrialResult r = run_flood_trial(flood(1));
  print("cookies mode 1", r);
  expect_attack_ran(r);
  EXPECT_GE(r.completed * 100, r.attempts * 99);
  EXPECT_EQ(r.peak_half_open, kBacklog);  // full, never above its bound: flat
  EXPECT_EQ(r.final_half_open, kBacklog);
  EXPECT_EQ(r.queue_full_drops, 0u);
  EXPECT_EQ(r.syncookies_sent, r.attack_syns - kBacklog + r.syncookies_recv);
  EXPECT_EQ(r.syncookies_recv, r.completed);  // every legitimate client came in by cookie
  EXPECT_EQ(r.syncookies_failed, 0u);
  // Nothing waits: the handshake takes one round trip (2 x 10 ms).
  EXPECT_EQ(r.connect_time_quantile(0.0), milliseconds(20));
  EXPECT_EQ(r.connect_time_quantile(0.99), milliseconds(20));
}

TEST(SynFlood, CookiesMode2KeepNoHalfOpenStateAtAll) {
  const FloodTrialResult r = run_flood_trial(flood(2));
  print("cookies mode 2", r);
  expect_attack_ran(r);
  EXPECT_GE(r.completed * 100, r.attempts * 99);
  EXPECT_EQ(r.peak_half_open, 0u);
  EXPECT_EQ(r.syncookies_sent, r.attack_syns + r.attempts);
  EXPECT_EQ(r.syncookies_recv, r.completed);
  EXPECT_EQ(r.connect_time_quantile(0.5), milliseconds(20));
}

TEST(SynFlood, WithoutDefenceLegitimateClientsFailOnceTheQueueIsFull) {
  const FloodTrialResult r = run_flood_trial(flood(0));
  print("no defence", r);
  expect_attack_ran(r);
  EXPECT_EQ(r.completed, 0u);
  EXPECT_EQ(r.peak_half_open, kBacklog);
  EXPECT_EQ(r.syncookies_sent, 0u);
  // Every attack SYN beyond the queue, and every client SYN and retransmission, was dropped.
  EXPECT_GE(r.queue_full_drops, r.attack_syns - kBacklog);
}

TEST(SynFlood, FewerSynAckRetriesDoNotHelpAtThisRate) {
  // Entries freed after 1 + 2 = 3 s still outlive the 2 s flood: the queue stays full.
  const FloodTrialResult r = run_flood_trial(flood(0, 1));
  print("synack_retries 1", r);
  expect_attack_ran(r);
  EXPECT_EQ(r.completed, 0u);
  EXPECT_EQ(r.peak_half_open, kBacklog);
}

}  // namespace
}  // namespace synack::scenario
