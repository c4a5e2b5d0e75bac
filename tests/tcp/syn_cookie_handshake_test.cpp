// SYN cookies on the simulator (RFC 4987 section 3.6): the listener answers with a cookie and
// keeps nothing; the returning ACK, checked, becomes a normal connection (with the data it
// carries). Forged and expired cookie ACKs are refused and counted; mode 1 uses cookies only
// once the SYN queue is full.
#include <gtest/gtest.h>

#include <string>

#include "support/tcp_pair.hpp"
#include "synack/tcp/syn_cookie.hpp"

namespace synack::testing {
namespace {

using namespace tcp_flags;

constexpr std::uint16_t kPort = 40000;

TcpConfig cookies(int mode, std::size_t backlog = 2048) {
  TcpConfig c;
  c.syncookies = mode;
  c.max_syn_backlog = backlog;
  return c;
}

FourTuple server_view(std::uint16_t client_port) {
  return FourTuple{Endpoint{IpAddress::v4(kServerIp), kServerPort},
                   Endpoint{IpAddress::v4(kClientIp), client_port}};
}

TcpRepr full_syn(std::uint16_t port, SeqNum seq) {
  TcpRepr h = make_header(port, kServerPort, seq, SeqNum{0}, kSyn);
  h.options.mss = 1460;
  h.options.window_scale = 7;
  h.options.sack_permitted = true;
  h.options.timestamps = TcpTimestamps{1000, 0};
  return h;
}

Bytes bytes_of(const std::string& s) {
  return Bytes{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

SocketId listen_on(RawPair& p, int backlog = 16) {
  auto l = p.server.tcp().listen(Endpoint{IpAddress::v4(kServerIp), kServerPort}, backlog);
  EXPECT_TRUE(l);
  return *l;
}

TEST(SynCookieHandshake, Mode2AnswersWithACookieAndKeepsNoEntry) {
  RawPair p(cookies(2));
  const SocketId l = listen_on(p);
  p.send(full_syn(kPort, SeqNum{5000}));
  ASSERT_TRUE(p.run_until_received(1));
  const RawSegment& sa = p.peer.received()[0];
  EXPECT_EQ(sa.header.flags, kSyn | kAck);
  EXPECT_EQ(sa.header.ack, SeqNum{5001});
  EXPECT_EQ(p.server.tcp().listener(l)->half_open_count(), 0u);
  EXPECT_EQ(p.server.tcp().counters().SyncookiesSent, 1u);
  EXPECT_EQ(p.server.tcp().counters().PassiveOpens, 0u);
  // The ISN is a cookie under the server's key (RawPair's server secrets are
  // fixed_secrets(kServerSecretFill)).
  EXPECT_EQ(check_syn_cookie(fixed_secrets(kServerSecretFill).cookie_key, server_view(kPort),
                             SeqNum{5000}, sa.header.seq, p.sim.now()),
            std::optional<std::uint16_t>{1460});
  ASSERT_TRUE(sa.header.options.timestamps);
  EXPECT_EQ(sa.header.options.timestamps->echo, 1000u);
  SynCookieOptions offered;
  offered.window_scale = 7;
  offered.sack_permitted = true;
  EXPECT_EQ(syn_cookie_options_from_tsecr(sa.header.options.timestamps->value), offered);
  EXPECT_TRUE(sa.header.options.window_scale);
  EXPECT_TRUE(sa.header.options.sack_permitted);
  EXPECT_EQ(sa.header.options.mss, std::optional<std::uint16_t>{1460});
}

TEST(SynCookieHandshake, CookieAckWithDataOpensAConnectionAndDeliversTheData) {
  RawPair p(cookies(2));
  const SocketId l = listen_on(p);
  p.send(full_syn(kPort, SeqNum{5000}));
  ASSERT_TRUE(p.run_until_received(1));
  const RawSegment sa = p.peer.received()[0];
  TcpRepr ack = make_header(kPort, kServerPort, SeqNum{5001}, sa.header.seq + 1, kAck | kPsh);
  ack.options.timestamps = TcpTimestamps{1010, sa.header.options.timestamps->value};
  p.send(ack, bytes_of("hello"));
  ASSERT_TRUE(p.run_until_received(2, seconds(1)));  // the server ACKs the data
  const RawSegment& data_ack = p.peer.received()[1];
  EXPECT_EQ(data_ack.header.flags, kAck);
  EXPECT_EQ(data_ack.header.seq, sa.header.seq + 1);
  EXPECT_EQ(data_ack.header.ack, SeqNum{5006});
  ASSERT_TRUE(data_ack.header.options.timestamps);
  EXPECT_EQ(data_ack.header.options.timestamps->echo, 1010u);
  // Our TSvals continue from the cookie's, never behind it (RFC 7323 section 5.4).
  EXPECT_GE(data_ack.header.options.timestamps->value, sa.header.options.timestamps->value);

  const auto s = p.server.tcp().accept(l);
  ASSERT_TRUE(s);
  std::uint8_t buf[16];
  const auto n = p.server.tcp().recv(*s, MutableBytes{buf, sizeof buf});
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), *n), "hello");
  const TcpConnection* c = p.server.tcp().connection(*s);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->state(), TcpState::kEstablished);
  EXPECT_TRUE(c->options().timestamps);
  EXPECT_TRUE(c->options().window_scaling);
  EXPECT_EQ(c->options().send_shift, 7);
  EXPECT_TRUE(c->options().sack_permitted);
  EXPECT_EQ(c->options().peer_mss, 1460);
  EXPECT_EQ(c->options().ts_recent, 1010u);
  EXPECT_EQ(p.server.tcp().counters().SyncookiesRecv, 1u);
  EXPECT_EQ(p.server.tcp().counters().SyncookiesFailed, 0u);
  EXPECT_EQ(p.server.tcp().counters().PassiveOpens, 1u);
}

TEST(SynCookieHandshake, WithoutTimestampsOnlyTheMssSurvives) {
  RawPair p(cookies(2));
  const SocketId l = listen_on(p);
  TcpRepr syn = make_header(kPort, kServerPort, SeqNum{9000}, SeqNum{0}, kSyn);
  syn.options.mss = 1300;
  syn.options.window_scale = 5;
  syn.options.sack_permitted = true;
  p.send(syn);
  ASSERT_TRUE(p.run_until_received(1));
  const RawSegment sa = p.peer.received()[0];
  EXPECT_FALSE(sa.header.options.timestamps);
  EXPECT_FALSE(sa.header.options.window_scale);  // nowhere to keep it: not offered
  EXPECT_FALSE(sa.header.options.sack_permitted);
  p.send(make_header(kPort, kServerPort, SeqNum{9001}, sa.header.seq + 1, kAck));
  p.sim.run_for(milliseconds(50));
  const auto s = p.server.tcp().accept(l);
  ASSERT_TRUE(s);
  const TcpConnection* c = p.server.tcp().connection(*s);
  EXPECT_FALSE(c->options().window_scaling);
  EXPECT_FALSE(c->options().sack_permitted);
  EXPECT_FALSE(c->options().timestamps);
  EXPECT_EQ(c->options().peer_mss, 1300);
}

TEST(SynCookieHandshake, ForgedCookieAckIsResetAndCounted) {
  RawPair p(cookies(2));
  const SocketId l = listen_on(p);
  p.send(full_syn(kPort, SeqNum{5000}));
  ASSERT_TRUE(p.run_until_received(1));
  const SeqNum cookie = p.peer.received()[0].header.seq;
  // Right 4-tuple and ISN, wrong cookie; then the right cookie from another port.
  p.send(make_header(kPort, kServerPort, SeqNum{5001}, cookie + 2, kAck));
  p.send(make_header(kPort + 1, kServerPort, SeqNum{5001}, cookie + 1, kAck));
  ASSERT_TRUE(p.run_until_received(3));
  EXPECT_EQ(p.peer.received()[1].header.flags, kRst);
  EXPECT_EQ(p.peer.received()[1].header.seq, cookie + 2);
  EXPECT_EQ(p.peer.received()[2].header.flags, kRst);
  EXPECT_EQ(p.server.tcp().counters().SyncookiesFailed, 2u);
  EXPECT_EQ(p.server.tcp().counters().SyncookiesRecv, 0u);
  EXPECT_EQ(p.server.tcp().connection_count(), 0u);
  EXPECT_FALSE(p.server.tcp().accept(l));
}

TEST(SynCookieHandshake, ExpiredCookieIsRefused) {
  RawPair p(cookies(2));
  listen_on(p);
  p.send(full_syn(kPort, SeqNum{5000}));
  ASSERT_TRUE(p.run_until_received(1));
  const RawSegment sa = p.peer.received()[0];
  // Sent in slot 0; at 192 s the slot is 3, older than two periods.
  p.sim.run_until(from_micros(192'000'000));
  TcpRepr ack = make_header(kPort, kServerPort, SeqNum{5001}, sa.header.seq + 1, kAck);
  ack.options.timestamps = TcpTimestamps{2000, sa.header.options.timestamps->value};
  p.send(ack);
  ASSERT_TRUE(p.run_until_received(2));
  EXPECT_EQ(p.peer.received()[1].header.flags, kRst);
  EXPECT_EQ(p.server.tcp().counters().SyncookiesFailed, 1u);
  EXPECT_EQ(p.server.tcp().connection_count(), 0u);
}

TEST(SynCookieHandshake, CookieStillValidAfterOnePeriod) {
  RawPair p(cookies(2));
  const SocketId l = listen_on(p);
  p.send(full_syn(kPort, SeqNum{5000}));
  ASSERT_TRUE(p.run_until_received(1));
  const RawSegment sa = p.peer.received()[0];
  p.sim.run_until(from_micros(127'000'000));  // slot 1
  TcpRepr ack = make_header(kPort, kServerPort, SeqNum{5001}, sa.header.seq + 1, kAck);
  ack.options.timestamps = TcpTimestamps{2000, sa.header.options.timestamps->value};
  p.send(ack);
  p.sim.run_for(milliseconds(50));
  EXPECT_TRUE(p.server.tcp().accept(l));
  EXPECT_EQ(p.server.tcp().counters().SyncookiesRecv, 1u);
}

TEST(SynCookieHandshake, Mode1UsesCookiesOnlyWhenTheQueueIsFull) {
  RawPair p(cookies(1, 2));
  const SocketId l = listen_on(p);
  for (std::uint16_t i = 0; i < 3; ++i) p.send(full_syn(kPort + i, SeqNum{100u * i}));
  ASSERT_TRUE(p.run_until_received(3));
  EXPECT_EQ(p.server.tcp().listener(l)->half_open_count(), 2u);
  EXPECT_EQ(p.server.tcp().counters().SyncookiesSent, 1u);
  EXPECT_EQ(p.server.tcp().counters().TCPReqQFullDrop, 0u);
  const RawSegment* third = nullptr;
  for (const auto& s : p.peer.received()) {
    if (s.header.dst_port == kPort + 2) third = &s;
  }
  ASSERT_NE(third, nullptr);
  EXPECT_TRUE(check_syn_cookie(fixed_secrets(kServerSecretFill).cookie_key, server_view(kPort + 2),
                               SeqNum{200}, third->header.seq, p.sim.now()));
  TcpRepr ack = make_header(kPort + 2, kServerPort, SeqNum{201}, third->header.seq + 1, kAck);
  ack.options.timestamps = TcpTimestamps{1010, third->header.options.timestamps->value};
  p.send(ack);
  p.sim.run_for(milliseconds(50));
  EXPECT_EQ(p.server.tcp().counters().SyncookiesRecv, 1u);
  EXPECT_EQ(p.server.tcp().connection_count(), 1u);
  EXPECT_EQ(p.server.tcp().listener(l)->half_open_count(), 2u);
}

TEST(SynCookieHandshake, Mode1WithoutRecentCookiesDoesNotCheckStrayAcks) {
  RawPair p(cookies(1));
  listen_on(p);
  p.send(make_header(kPort, kServerPort, SeqNum{1}, SeqNum{12345}, kAck));
  ASSERT_TRUE(p.run_until_received(1));
  EXPECT_EQ(p.peer.received()[0].header.flags, kRst);
  EXPECT_EQ(p.server.tcp().counters().SyncookiesFailed, 0u);
}

TEST(SynCookieHandshake, Mode0DropsWhenTheQueueIsFull) {
  RawPair p(cookies(0, 2));
  listen_on(p);
  for (std::uint16_t i = 0; i < 3; ++i) p.send(full_syn(kPort + i, SeqNum{100u * i}));
  p.sim.run_for(milliseconds(100));
  EXPECT_EQ(p.peer.received().size(), 2u);
  EXPECT_EQ(p.server.tcp().counters().TCPReqQFullDrop, 1u);
  EXPECT_EQ(p.server.tcp().counters().SyncookiesSent, 0u);
}

TEST(SynCookieHandshake, RealClientsTransferThroughACookieConnection) {
  TcpPairOptions o;
  o.server_tcp.syncookies = 2;
  TcpPair p(o);
  // Plain variables, not a structured binding: the lambdas below capture them (clang 14).
  const auto opened = p.open();
  const SocketId client = opened.first;
  const SocketId server = opened.second;
  EXPECT_EQ(p.server.tcp().counters().SyncookiesRecv, 1u);
  const TcpConnection* sc = p.server.tcp().connection(server);
  ASSERT_NE(sc, nullptr);
  EXPECT_TRUE(sc->options().window_scaling);
  EXPECT_TRUE(sc->options().sack_permitted);
  EXPECT_TRUE(sc->options().timestamps);
  // 300 KB each way: more than an unscaled window, so window scaling must work.
  std::vector<std::uint8_t> data(300'000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 31 + 7);
  std::size_t sent_c = 0, sent_s = 0;
  std::vector<std::uint8_t> got_s, got_c;
  std::uint8_t buf[65536];
  const bool done = p.run_until(
      [&] {
        if (sent_c < data.size()) {
          if (auto n =
                  p.client.tcp().send(client, Bytes{data.data() + sent_c, data.size() - sent_c}))
            sent_c += *n;
        }
        if (sent_s < data.size()) {
          if (auto n =
                  p.server.tcp().send(server, Bytes{data.data() + sent_s, data.size() - sent_s}))
            sent_s += *n;
        }
        while (auto n = p.server.tcp().recv(server, MutableBytes{buf, sizeof buf})) {
          if (*n == 0) break;
          got_s.insert(got_s.end(), buf, buf + *n);
        }
        while (auto n = p.client.tcp().recv(client, MutableBytes{buf, sizeof buf})) {
          if (*n == 0) break;
          got_c.insert(got_c.end(), buf, buf + *n);
        }
        return got_s.size() == data.size() && got_c.size() == data.size();
      },
      seconds(30));
  ASSERT_TRUE(done);
  EXPECT_EQ(got_s, data);
  EXPECT_EQ(got_c, data);
}

}  // namespace
}  // namespace synack::testing
