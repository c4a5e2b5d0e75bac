// A blind in-window attack (RFC 5961): an attacker who knows the 4-tuple of a bulk transfer but
// not its sequence numbers sprays RSTs, SYNs and data segments with random sequence and
// acknowledgment numbers at both ends while 4 MB flow. The connection must survive and the
// stream arrive byte-exact (SHA-256 of what was sent against what was read).
#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <cstdio>
#include <random>

#include "synack/testbed/attacker_topology.hpp"
#include "synack/testbed/open_connection.hpp"

namespace synack::testbed {
namespace {

using namespace tcp_flags;

struct BlindAttackReport {
  std::size_t attempts = 0;
  std::size_t rsts = 0, syns = 0, data = 0;
  bool byte_exact = false;
  TcpCounters client, server;
};

BlindAttackReport run_blind_attack(std::uint64_t seed) {
  constexpr std::size_t kBytes = 4u << 20;
  constexpr int kPerMillisecond = 20;
  BlindAttackReport rep;
  AttackerOptions topology;
  topology.seed = seed;
  topology.server_prefix_length = 24;  // the attacker spoofs only the two real ends
  AttackerTopology bed(topology);
  const auto conn = open_connection(bed, seconds(1));
  if (!conn) return rep;
  sim::Simulator& sim = bed.sim;
  Stack& client = bed.client;
  Stack& server = bed.server;
  ScriptedPeer& attacker = bed.attacker;
  const SocketId c = conn->client;
  const SocketId s = conn->server;
  const FourTuple t = conn->tuple;  // local = client

  // The attacker: every millisecond, segments with random numbers to each end, spoofing the
  // other end; a third RSTs, a third SYNs, a third ACK-carrying data with random payload.
  std::mt19937_64 rng(seed * 7919);
  bool done = false;
  std::function<void()> spray = [&] {
    if (done) return;
    for (int i = 0; i < kPerMillisecond; ++i) {
      const bool to_server = rng() & 1;
      const auto kind = rng() % 3;
      const std::uint16_t sport = to_server ? t.local.port : t.remote.port;
      const std::uint16_t dport = to_server ? t.remote.port : t.local.port;
      const Ipv4Address src = to_server ? kClientIp : kServerIp;
      const Ipv4Address dst = to_server ? kServerIp : kClientIp;
      const SeqNum seq{static_cast<std::uint32_t>(rng())};
      const SeqNum ack{static_cast<std::uint32_t>(rng())};
      std::array<std::uint8_t, 100> junk;
      for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
      if (kind == 0) {
        attacker.send(src, dst, make_header(sport, dport, seq, SeqNum{0}, kRst));
        ++rep.rsts;
      } else if (kind == 1) {
        attacker.send(src, dst, make_header(sport, dport, seq, SeqNum{0}, kSyn));
        ++rep.syns;
      } else {
        attacker.send(src, dst, make_header(sport, dport, seq, ack, kAck | kPsh),
                      Bytes{junk.data(), junk.size()});
        ++rep.data;
      }
      ++rep.attempts;
    }
    attacker.clear();
    sim.schedule_after(milliseconds(1), spray);
  };
  sim.schedule_after(milliseconds(1), spray);
  const Instant attack_until = sim.now() + seconds(2);

  std::vector<std::uint8_t> data(kBytes);
  std::mt19937_64 data_rng(seed);
  for (auto& b : data) b = static_cast<std::uint8_t>(data_rng());
  crypto_hash_sha256_state received;
  crypto_hash_sha256_init(&received);
  std::size_t sent = 0, got = 0;
  bool eof = false;
  std::vector<std::uint8_t> buf(65536);
  sim.run_until(
      [&] {
        if (sent < data.size()) {
          if (auto n = client.tcp().send(c, Bytes{data.data() + sent, data.size() - sent}))
            sent += *n;
          if (sent == data.size()) client.tcp().shutdown(c, ShutdownHow::kWrite);
        }
        while (auto n = server.tcp().recv(s, MutableBytes{buf.data(), buf.size()})) {
          if (*n == 0) {
            eof = true;
            break;
          }
          crypto_hash_sha256_update(&received, buf.data(), *n);
          got += *n;
        }
        // The attack lasts at least two seconds, so each stack's challenge-ACK budget (about
        // 1000 per second) is overrun whatever the transfer's speed.
        return eof && sim.now() >= attack_until;
      },
      sim.now() + seconds(120));
  done = true;
  sim.run_for(milliseconds(50));  // the last sprayed segments land (both ends still synchronized)
  std::array<std::uint8_t, 32> want{}, have{};
  crypto_hash_sha256(want.data(), data.data(), data.size());
  crypto_hash_sha256_final(&received, have.data());
  rep.byte_exact = eof && got == data.size() && want == have;
  rep.client = client.tcp().counters();
  rep.server = server.tcp().counters();
  return rep;
}

TEST(BlindAttack, ConnectionSurvivesAndTheStreamStaysByteExact) {
  const BlindAttackReport r = run_blind_attack(1);
  std::printf(
      "blind attack: %zu attempts (%zu RST, %zu SYN, %zu data); effects: challenge ACKs "
      "client %llu server %llu (rate-limited away: %llu/%llu), resets 0 expected: client %llu "
      "server %llu; SYNs challenged %llu; stream byte-exact %d\n",
      r.attempts, r.rsts, r.syns, r.data, static_cast<unsigned long long>(r.client.TCPChallengeACK),
      static_cast<unsigned long long>(r.server.TCPChallengeACK),
      static_cast<unsigned long long>(r.client.TCPACKSkippedChallenge),
      static_cast<unsigned long long>(r.server.TCPACKSkippedChallenge),
      static_cast<unsigned long long>(r.client.EstabResets),
      static_cast<unsigned long long>(r.server.EstabResets),
      static_cast<unsigned long long>(r.client.TCPSYNChallenge + r.server.TCPSYNChallenge),
      r.byte_exact ? 1 : 0);
  EXPECT_GT(r.attempts, 5000u);
  EXPECT_TRUE(r.byte_exact);
  EXPECT_EQ(r.client.EstabResets, 0u);
  EXPECT_EQ(r.server.EstabResets, 0u);
  EXPECT_EQ(r.client.AttemptFails + r.server.AttemptFails, 0u);
  // The path loses nothing, so any retransmission would be the attacker's doing: the ACKs the
  // server sends in answer to forged segments carry no new SACK information, and with SACK in
  // use they are not duplicate ACKs (RFC 6675 section 2), so they trigger no fast retransmit.
  EXPECT_EQ(r.client.RetransSegs, 0u);
  EXPECT_EQ(r.client.TCPFastRetrans, 0u);
  // Every SYN reached an established connection and was challenged (within the rate limit),
  // never obeyed, whatever its sequence number (RFC 5961 section 4.2).
  EXPECT_EQ(r.client.TCPSYNChallenge + r.server.TCPSYNChallenge, r.syns);
  EXPECT_GE(r.client.TCPChallengeACK + r.client.TCPACKSkippedChallenge + r.server.TCPChallengeACK +
                r.server.TCPACKSkippedChallenge,
            r.syns);
  EXPECT_GT(r.client.TCPACKSkippedChallenge + r.server.TCPACKSkippedChallenge, 0u);
  // In-window RSTs (about 1 in 16,000 at these windows) get a challenge, never a reset.
  EXPECT_GT(r.client.TCPChallengeACK + r.server.TCPChallengeACK, 0u);
}

}  // namespace
}  // namespace synack::testbed
