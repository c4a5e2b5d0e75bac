// The TIME_WAIT table on its own: the FIFO-ordered open-addressing map under it (collisions,
// order, growth, holes), the keyed tuple hash, and the table's timer (expiry order, restart,
// exact times, clock wrap), full-table policy and memory per entry.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "synack/core/random.hpp"
#include "synack/tcp/time_wait.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

// Every key lands in one bucket run: lookups and backward-shift deletion see the worst case.
struct CollidingHash {
  std::uint64_t operator()(std::uint32_t) const { return 7; }
};
// Eight homes only: long, interleaved probe runs.
struct EightBucketHash {
  std::uint64_t operator()(std::uint32_t key) const { return key % 8; }
};

using CollidingMap = FifoHashMap<std::uint32_t, std::uint32_t, CollidingHash>;

std::vector<std::uint32_t> keys_front_to_back(auto& map) {
  std::vector<std::uint32_t> out;
  map.for_each_from_front([&](std::uint32_t key, std::uint32_t) {
    out.push_back(key);
    return true;
  });
  return out;
}

TEST(FifoHashMap, InsertFindEraseWithEveryKeyColliding) {
  CollidingMap map;
  for (std::uint32_t k = 0; k < 500; ++k) map.push_back(k, k * 3);
  ASSERT_EQ(map.size(), 500u);
  for (std::uint32_t k = 0; k < 500; ++k) {
    ASSERT_NE(map.find(k), nullptr) << k;
    EXPECT_EQ(*map.find(k), k * 3);
  }
  EXPECT_EQ(map.find(500), nullptr);
  for (std::uint32_t k = 0; k < 500; k += 2) ASSERT_TRUE(map.erase(k));
  EXPECT_FALSE(map.erase(0));
  EXPECT_EQ(map.size(), 250u);
  for (std::uint32_t k = 0; k < 500; ++k) {
    EXPECT_EQ(map.contains(k), k % 2 == 1) << k;
    if (k % 2 == 1) {
      EXPECT_EQ(*map.find(k), k * 3);
    }
  }
  for (std::uint32_t k = 0; k < 500; k += 2) map.push_back(k, 1);
  EXPECT_EQ(map.size(), 500u);
  EXPECT_EQ(*map.find(498), 1u);
  EXPECT_EQ(map.front().key, 1u);  // the oldest survivor
}

TEST(FifoHashMap, MatchesAReferenceModelUnderRandomOperations) {
  // A std::map for contents and a vector for order; 20000 random operations on 300 keys with
  // eight home buckets exercise growth, shrinking, backward shift, holes and compaction.
  FifoHashMap<std::uint32_t, std::uint32_t, EightBucketHash> map;
  std::map<std::uint32_t, std::uint32_t> contents;
  std::vector<std::uint32_t> order;
  const auto drop = [&](std::uint32_t k) { std::erase(order, k); };
  Random random(42);
  for (int step = 0; step < 20000; ++step) {
    const auto k = static_cast<std::uint32_t>(random.next_u64() % 300);
    const auto v = static_cast<std::uint32_t>(step);
    switch (random.next_u64() % 4) {
      case 0:
      case 1:
        map.push_back(k, v);
        contents[k] = v;
        drop(k);
        order.push_back(k);
        break;
      case 2:
        EXPECT_EQ(map.erase(k), contents.erase(k) == 1);
        drop(k);
        break;
      default:
        if (contents.count(k)) {
          ASSERT_NE(map.move_to_back(k), nullptr);
          drop(k);
          order.push_back(k);
        } else {
          EXPECT_EQ(map.move_to_back(k), nullptr);
        }
    }
    ASSERT_EQ(map.size(), contents.size());
    if (step % 97 == 0) {
      for (std::uint32_t key = 0; key < 300; ++key) {
        const auto it = contents.find(key);
        if (it == contents.end()) {
          ASSERT_EQ(map.find(key), nullptr) << "step " << step << " key " << key;
        } else {
          ASSERT_NE(map.find(key), nullptr) << "step " << step << " key " << key;
          ASSERT_EQ(*map.find(key), it->second);
        }
      }
      ASSERT_EQ(keys_front_to_back(map), order) << "step " << step;
    }
  }
  while (!map.empty()) {
    ASSERT_EQ(map.front().key, order.front());
    map.pop_front();
    order.erase(order.begin());
  }
}

TEST(FifoHashMap, FrontIsTheEntryLeastRecentlyPutAtTheBack) {
  CollidingMap map;
  map.push_back(1, 10);
  map.push_back(2, 20);
  map.push_back(3, 30);
  EXPECT_EQ(*map.move_to_back(1), 10u);
  EXPECT_EQ(keys_front_to_back(map), (std::vector<std::uint32_t>{2, 3, 1}));
  map.push_back(2, 21);  // replacing moves to the back too
  EXPECT_EQ(keys_front_to_back(map), (std::vector<std::uint32_t>{3, 1, 2}));
  EXPECT_EQ(map.front().key, 3u);
  map.pop_front();
  EXPECT_EQ(map.front().key, 1u);
  EXPECT_EQ(map.front().value, 10u);
  map.pop_front();
  EXPECT_EQ(map.front().value, 21u);
  map.pop_front();
  EXPECT_TRUE(map.empty());
}

TEST(FifoHashMap, IndexGrowsAboveFourFifthsAndShrinksBelowOneFifth) {
  FifoHashMap<std::uint32_t, std::uint32_t, EightBucketHash> map;
  EXPECT_EQ(map.bucket_count(), 0u);  // nothing allocated before the first entry
  EXPECT_EQ(map.allocated_bytes(), 0u);
  for (std::uint32_t k = 0; k < 12; ++k) map.push_back(k, k);
  EXPECT_EQ(map.bucket_count(), 16u);  // 12/16 = 0.75
  map.push_back(12, 12);
  EXPECT_EQ(map.bucket_count(), 32u);  // 13/16 would exceed 0.8
  for (std::uint32_t k = 13; k < 1000; ++k) map.push_back(k, k);
  EXPECT_EQ(map.bucket_count(), 2048u);  // 1000/1024 > 0.8, 1000/2048 = 0.49
  EXPECT_EQ(map.chunk_count(), 4u);      // 1000 records in chunks of 256
  for (std::uint32_t k = 0; k < 990; ++k) map.pop_front();
  // 10 left: halved at each step below 1/5 down to 32 buckets (10/32 = 0.31).
  EXPECT_EQ(map.bucket_count(), 32u);
  EXPECT_EQ(map.chunk_count(), 1u);  // chunks the front passed are freed
  for (std::uint32_t k = 990; k < 1000; ++k) EXPECT_EQ(*map.find(k), k);
  map.erase(990);
  map.erase(991);
  map.erase(992);
  map.erase(993);  // 6 left: 6/32 < 0.2
  EXPECT_EQ(map.bucket_count(), 16u);
  while (!map.empty()) map.pop_front();
  EXPECT_EQ(map.bucket_count(), 16u);  // never below the minimum
}

TEST(FifoHashMap, HolesFromRepeatedRestartsStayBounded) {
  // A peer retransmitting a FIN forever restarts one entry over and over; with an older entry
  // pinning the front the holes cannot drain from the front, so compaction must bound them.
  CollidingMap map;
  map.push_back(1, 1);
  map.push_back(2, 2);
  for (int i = 0; i < 100000; ++i) ASSERT_NE(map.move_to_back(2), nullptr);
  EXPECT_LE(map.hole_count(), 2u + CollidingMap::kChunkRecords);
  EXPECT_LE(map.chunk_count(), 3u);
  EXPECT_EQ(keys_front_to_back(map), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(*map.find(1), 1u);
  EXPECT_EQ(*map.find(2), 2u);
  map.pop_front();
  EXPECT_EQ(map.hole_count(), 0u);  // the front moved past them all
  EXPECT_EQ(map.chunk_count(), 1u);
}

TEST(KeyedTupleHash, PacksTheTupleInNetworkOrderUnderSipHash24) {
  // SipHash-2-4's reference vector for key 00..0f and the 12-byte message 00..0b (vectors.h of
  // the SipHash authors, entry 12: fb e5 0e 86 bc 8f 1e 75, least significant byte first).
  SecretKey key;
  for (std::uint8_t i = 0; i < 16; ++i) key[i] = i;
  const Ipv4TupleKey tuple{0x00010203, 0x04050607, 0x0809, 0x0a0b};
  EXPECT_EQ(KeyedTupleHash{key}(tuple), 0x751e8fbc860ee5fbULL);
}

TEST(KeyedTupleHash, DependsOnTheKey) {
  SecretKey a{}, b{};
  b[15] = 1;
  const Ipv4TupleKey tuple{0x0a000001, 0x0a000002, 80, 40000};
  EXPECT_EQ(KeyedTupleHash{a}(tuple), KeyedTupleHash{a}(tuple));
  EXPECT_NE(KeyedTupleHash{a}(tuple), KeyedTupleHash{b}(tuple));
  EXPECT_NE(KeyedTupleHash::derive_key(a, 1), KeyedTupleHash::derive_key(a, 2));
  EXPECT_NE(KeyedTupleHash::derive_key(a, 1), KeyedTupleHash::derive_key(b, 1));
}

TEST(Ipv4TupleKey, PacksOnlyPlainIpv4) {
  const FourTuple v4{Endpoint{IpAddress::v4(Ipv4Address{{10, 0, 0, 1}}), 80},
                     Endpoint{IpAddress::v4(Ipv4Address{{192, 168, 1, 2}}), 40000}};
  const auto key = Ipv4TupleKey::pack(v4);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->local_address, 0x0a000001u);
  EXPECT_EQ(key->remote_address, 0xc0a80102u);
  EXPECT_EQ(key->local_port, 80);
  EXPECT_EQ(key->remote_port, 40000);
  EXPECT_EQ(key->unpack(), v4);
  FourTuple v6 = v4;
  v6.remote.address.family = IpAddress::Family::kV6;
  EXPECT_FALSE(Ipv4TupleKey::pack(v6));
  FourTuple odd = v4;
  odd.local.address.bytes[9] = 1;  // an IPv4 address with stray bytes is kept whole
  EXPECT_FALSE(Ipv4TupleKey::pack(odd));
}

// ---- the table ----

class RecordingSink : public SegmentSink {
 public:
  void send_segment(const FourTuple& tuple, const TcpRepr& h, const SplitBytes&) override {
    sent.push_back({tuple, h});
  }
  std::vector<std::pair<FourTuple, TcpRepr>> sent;
};

TcpSecrets fixed_secrets() {
  TcpSecrets s;
  s.isn_key.fill(1);
  s.timestamp_key.fill(2);
  s.cookie_key.fill(3);
  return s;
}

FourTuple v4_tuple(std::uint16_t remote_port, std::uint32_t remote = 0x0a000002) {
  return FourTuple{Endpoint{IpAddress::v4(Ipv4Address{{10, 0, 0, 1}}), 80},
                   Endpoint{IpAddress::v4(Ipv4Address::from_u32(remote)), remote_port}};
}

FourTuple v6_tuple(std::uint16_t remote_port) {
  FourTuple t;
  t.local.address.family = t.remote.address.family = IpAddress::Family::kV6;
  t.local.address.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  t.remote.address.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  t.local.port = 80;
  t.remote.port = remote_port;
  return t;
}

TimeWaitEntry entry_for(const FourTuple& tuple, std::uint32_t rcv_nxt = 5000) {
  TimeWaitEntry e;
  e.tuple = tuple;
  e.snd_nxt = SeqNum{9000};
  e.rcv_nxt = SeqNum{rcv_nxt};
  e.window = 512;
  return e;
}

struct TableFixture {
  explicit TableFixture(TcpConfig config = {}, std::size_t capacity = 1000)
      : ctx(config, fixed_secrets(), sink), table(ctx, capacity) {
    ctx.on_event = [this](const TcpEvent& e) {
      if (e.kind == TcpEventKind::kStateChange) closed.push_back({e.tuple, e.reason});
    };
  }
  // The retransmitted FIN of the connection `tuple` (its peer's FIN ended at rcv_nxt 5000).
  InboundSegment fin_again(const FourTuple& tuple) {
    InboundSegment seg;
    seg.tuple = tuple;
    seg.header.seq = SeqNum{4999};
    seg.header.ack = SeqNum{9000};
    seg.header.flags = kFin | kAck;
    return seg;
  }
  RecordingSink sink;
  TcpContext ctx;
  TimeWaitTable table;
  std::vector<std::pair<FourTuple, std::string_view>> closed;
};

TEST(TimeWaitTable, EntriesExpireInOrderExactlyTwoMslAfterEntering) {
  TableFixture f;  // msl 30 s
  f.table.insert(from_micros(0), entry_for(v4_tuple(1)));
  f.table.insert(from_micros(1'000'001), entry_for(v4_tuple(2)));
  f.table.insert(from_micros(2'000'002), entry_for(v4_tuple(3)));
  EXPECT_EQ(f.table.find(v4_tuple(2))->expires, from_micros(61'000'001));
  EXPECT_EQ(f.table.next_deadline(), from_micros(60'000'000));
  f.table.poll(from_micros(59'999'999));
  EXPECT_EQ(f.table.size(), 3u);
  f.table.poll(from_micros(61'000'001));
  EXPECT_EQ(f.table.size(), 1u);
  EXPECT_EQ(f.table.next_deadline(), from_micros(62'000'002));
  f.table.poll(from_micros(70'000'000));
  EXPECT_EQ(f.table.size(), 0u);
  EXPECT_EQ(f.table.next_deadline(), kNever);
  ASSERT_EQ(f.closed.size(), 3u);
  EXPECT_EQ(f.closed[0].first, v4_tuple(1));
  EXPECT_EQ(f.closed[1].first, v4_tuple(2));
  EXPECT_EQ(f.closed[2].first, v4_tuple(3));
  EXPECT_EQ(f.closed[2].second, "2MSL elapsed");
  EXPECT_EQ(f.ctx.counters.TWExpired, 3u);
}

TEST(TimeWaitTable, RetransmittedFinRestartsTheTimerAndMovesTheEntryLast) {
  TableFixture f;
  f.table.insert(from_micros(0), entry_for(v4_tuple(1)));
  f.table.insert(from_micros(1'000'000), entry_for(v4_tuple(2)));
  f.table.on_segment(from_micros(10'000'000), f.fin_again(v4_tuple(1)));
  ASSERT_EQ(f.sink.sent.size(), 1u);
  EXPECT_EQ(f.sink.sent[0].second.seq, SeqNum{9000});
  EXPECT_EQ(f.sink.sent[0].second.ack, SeqNum{5000});
  EXPECT_EQ(f.sink.sent[0].second.window, 512);
  EXPECT_EQ(f.table.find(v4_tuple(1))->expires, from_micros(70'000'000));
  EXPECT_EQ(f.table.next_deadline(), from_micros(61'000'000));
  f.table.poll(from_micros(61'000'000));
  EXPECT_FALSE(f.table.contains(v4_tuple(2)));
  EXPECT_TRUE(f.table.contains(v4_tuple(1)));
  EXPECT_EQ(f.table.next_deadline(), from_micros(70'000'000));
  f.table.poll(from_micros(69'999'999));
  EXPECT_TRUE(f.table.contains(v4_tuple(1)));
  f.table.poll(from_micros(70'000'000));
  EXPECT_EQ(f.table.size(), 0u);
}

TEST(TimeWaitTable, FullTableKeepsNothingNewAndCountsTheOverflow) {
  TableFixture f({}, 3);
  for (std::uint16_t p = 1; p <= 3; ++p)
    EXPECT_TRUE(f.table.insert(from_micros(p), entry_for(v4_tuple(p))));
  EXPECT_FALSE(f.table.insert(from_micros(4), entry_for(v4_tuple(4))));
  EXPECT_FALSE(f.table.insert(from_micros(5), entry_for(v4_tuple(1))));  // even a present tuple
  EXPECT_EQ(f.ctx.counters.TCPTimeWaitOverflow, 2u);
  EXPECT_EQ(f.table.size(), 3u);
  EXPECT_EQ(f.table.capacity(), 3u);
  EXPECT_FALSE(f.table.contains(v4_tuple(4)));
  ASSERT_EQ(f.closed.size(), 2u);
  EXPECT_EQ(f.closed[0].second, "TIME_WAIT table full");
  f.table.poll(from_micros(60'000'001));  // the first one expires: room again
  EXPECT_TRUE(f.table.insert(from_micros(60'000'001), entry_for(v4_tuple(4))));
  EXPECT_EQ(f.table.size(), 3u);
}

TEST(TimeWaitTable, Ipv6TuplesBehaveTheSameAndExpireInOrderWithIpv4) {
  TcpConfig config;
  config.rfc1337 = false;
  TableFixture f(config);
  f.table.insert(from_micros(0), entry_for(v6_tuple(1)));
  f.table.insert(from_micros(1), entry_for(v4_tuple(1)));
  f.table.insert(from_micros(2), entry_for(v6_tuple(2)));
  EXPECT_TRUE(f.table.contains(v6_tuple(1)));
  EXPECT_EQ(f.table.find(v6_tuple(2))->expires, from_micros(60'000'002));
  EXPECT_EQ(f.table.size(), 3u);
  f.table.on_segment(from_micros(10), f.fin_again(v6_tuple(1)));  // restarted: now last
  ASSERT_EQ(f.sink.sent.size(), 1u);
  EXPECT_EQ(f.sink.sent[0].first, v6_tuple(1));
  f.table.poll(from_micros(60'000'010));
  ASSERT_EQ(f.closed.size(), 3u);
  EXPECT_EQ(f.closed[0].first, v4_tuple(1));
  EXPECT_EQ(f.closed[1].first, v6_tuple(2));
  EXPECT_EQ(f.closed[2].first, v6_tuple(1));
  f.table.insert(from_micros(100'000'000), entry_for(v6_tuple(3)));
  InboundSegment rst;
  rst.tuple = v6_tuple(3);
  rst.header.seq = SeqNum{5000};
  rst.header.flags = kRst;
  f.table.on_segment(from_micros(100'000'001), rst);
  EXPECT_FALSE(f.table.contains(v6_tuple(3)));
  EXPECT_EQ(f.ctx.counters.TWKilled, 1u);
}

TEST(TimeWaitTable, NewerSynReopensAndRemovesTheEntry) {
  TableFixture f;
  f.table.insert(from_micros(0), entry_for(v4_tuple(1)));
  InboundSegment syn;
  syn.tuple = v4_tuple(1);
  syn.header.seq = SeqNum{7000};  // beyond rcv_nxt 5000, no timestamps
  syn.header.flags = kSyn;
  const auto outcome = f.table.on_segment(from_micros(5), syn);
  EXPECT_TRUE(outcome.reopen);
  EXPECT_EQ(outcome.isn_floor, SeqNum{9000});
  EXPECT_FALSE(f.table.contains(v4_tuple(1)));
  EXPECT_EQ(f.table.next_deadline(), kNever);
}

// Like `ss -s`'s "timewait": entries created, reused for a new connection (RFC 6191) and
// current, through expiry, reuse, an RST (RFC 1337 off) and an overflow.
TEST(TimeWaitTable, CountsCreatedReusedAndCurrentEntries) {
  TcpConfig config;
  config.rfc1337 = false;
  TableFixture f(config, 3);
  for (std::uint16_t p = 1; p <= 3; ++p) f.table.insert(from_micros(p), entry_for(v4_tuple(p)));
  EXPECT_FALSE(f.table.insert(from_micros(4), entry_for(v4_tuple(4))));  // overflow: not created
  EXPECT_EQ(f.ctx.counters.TWCreated, 3u);
  EXPECT_EQ(f.ctx.counters.CurrTimeWait, 3u);
  InboundSegment syn;
  syn.tuple = v4_tuple(2);
  syn.header.seq = SeqNum{7000};
  syn.header.flags = kSyn;
  ASSERT_TRUE(f.table.on_segment(from_micros(10), syn).reopen);
  EXPECT_EQ(f.ctx.counters.TWRecycled, 1u);  // reused
  EXPECT_EQ(f.ctx.counters.CurrTimeWait, 2u);
  InboundSegment rst;
  rst.tuple = v4_tuple(3);
  rst.header.seq = SeqNum{5000};
  rst.header.flags = kRst;
  f.table.on_segment(from_micros(11), rst);
  EXPECT_EQ(f.ctx.counters.CurrTimeWait, 1u);
  f.table.insert(from_micros(12), entry_for(v4_tuple(5)));
  EXPECT_EQ(f.ctx.counters.TWCreated, 4u);
  EXPECT_EQ(f.ctx.counters.CurrTimeWait, 2u);
  f.table.poll(from_micros(60'000'001));  // v4_tuple(1) expires
  EXPECT_EQ(f.ctx.counters.CurrTimeWait, 1u);
  f.table.poll(from_micros(60'000'012));
  EXPECT_EQ(f.ctx.counters.CurrTimeWait, 0u);
  EXPECT_EQ(f.ctx.counters.TWExpired, 2u);
  EXPECT_EQ(f.ctx.counters.TWCreated, 4u);
}

TEST(TimeWaitTable, ExpiriesStayRightAcrossTheWrapOfTheirThirtyTwoBitClock) {
  // 2^32 us is 71.6 minutes: an entry nobody polled for hours must still read as due, and a
  // new one as due exactly 2 MSL after entering.
  TableFixture f;
  f.table.insert(from_micros(5), entry_for(v4_tuple(1)));
  const Instant later = from_micros(3LL * 3600 * 1'000'000 + 7);
  f.table.insert(later, entry_for(v4_tuple(2)));
  EXPECT_LE(f.table.find(v4_tuple(1))->expires, later);
  EXPECT_EQ(f.table.find(v4_tuple(2))->expires, later + seconds(60));
  EXPECT_LE(f.table.next_deadline(), later);
  f.table.poll(later);
  EXPECT_FALSE(f.table.contains(v4_tuple(1)));
  EXPECT_TRUE(f.table.contains(v4_tuple(2)));
  EXPECT_EQ(f.table.next_deadline(), later + seconds(60));
  // Steady use across many wraps: insert every 10 minutes, poll as a driver would.
  for (int i = 1; i <= 50; ++i) {
    const Instant now = later + seconds(600) * i;
    f.table.poll(now);
    f.table.insert(now, entry_for(v4_tuple(static_cast<std::uint16_t>(100 + i))));
    ASSERT_EQ(f.table.size(), 1u);
    ASSERT_EQ(f.table.next_deadline(), now + seconds(60));
  }
}

TEST(TimeWaitTable, TimeWaitLongerThanEighteenMinutesRoundsExpiryUpToItsTick) {
  TcpConfig config;
  config.msl = seconds(1800);  // 2 MSL = 3.6e9 us needs 4 us ticks to stay under 2^30
  TableFixture f(config);
  f.table.insert(from_micros(1), entry_for(v4_tuple(1)));
  EXPECT_EQ(f.table.find(v4_tuple(1))->expires, from_micros(3'600'000'004));
  f.table.poll(from_micros(3'600'000'003));
  EXPECT_EQ(f.table.size(), 1u);
  f.table.poll(from_micros(3'600'000'004));
  EXPECT_EQ(f.table.size(), 0u);
}

TEST(TimeWaitTable, AnIpv4EntryCostsAtMostSixtyFourBytesWithTheIndex) {
  EXPECT_EQ(TimeWaitTable::kIpv4RecordBytes, 32u);
  TableFixture f({}, 1'000'000);
  for (std::uint32_t i = 0; i < 200'000; ++i) {
    f.table.insert(from_micros(i), entry_for(v4_tuple(static_cast<std::uint16_t>(i % 50000),
                                                      0x0a000002 + i / 50000)));
    if (i == 104'857 || i == 199'999) {  // just after the index doubled, and later
      EXPECT_LE(f.table.allocated_bytes(), 64 * f.table.size()) << f.table.size();
    }
  }
  EXPECT_EQ(f.table.size(), 200'000u);
  for (std::uint32_t i = 0; i < 200'000; i += 997) {
    EXPECT_TRUE(
        f.table.contains(v4_tuple(static_cast<std::uint16_t>(i % 50000), 0x0a000002 + i / 50000)));
  }
  f.table.poll(from_micros(60'000'000 + 199'999));
  EXPECT_EQ(f.table.size(), 0u);
  // Left: one 8 KiB chunk, the smallest index and the chunk pointers' array.
  EXPECT_LT(f.table.allocated_bytes(), 20 * 1024u);
}

}  // namespace
}  // namespace synack::testing
