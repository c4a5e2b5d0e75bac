// The packetdrill adapter driven the way packetdrill drives it: dlopen with packetdrill's flags,
// packetdrill_interface_init, then system calls and raw IP packets through the table. Packets
// are built and checked with the wire layer, independently of the stack that answers them.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "packetdrill_interface.h"
#include "synack/wire/checksum.hpp"
#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack {
namespace {

constexpr long long kEpochUsecs = 1'700'000'000LL * 1'000'000;  // the adapter's virtual epoch

const Ipv4Address kPacketdrillLocal{{192, 168, 0, 1}};  // packetdrill's default --local_ip
const Ipv4Address kLocal{{198, 18, 0, 1}};
const Ipv4Address kRemote{{198, 18, 0, 2}};

// One loaded adapter and one script's session.
class Script {
 public:
  explicit Script(const char* flags) {
    handle_ = dlopen(SYNACK_PACKETDRILL_SO, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE | RTLD_DEEPBIND);
    if (!handle_) throw std::runtime_error(dlerror());
    auto init = reinterpret_cast<packetdrill_interface_init_t>(
        dlsym(handle_, "packetdrill_interface_init"));
    if (!init) throw std::runtime_error("packetdrill_interface_init not exported");
    std::memset(&ifc, 0, sizeof ifc);
    init(flags, &ifc);
  }
  ~Script() {
    ifc.free(ifc.userdata);
    dlclose(handle_);
  }
  Script(const Script&) = delete;
  Script& operator=(const Script&) = delete;

  void* u() const { return ifc.userdata; }

  void inject(Ipv4Address src, Ipv4Address dst, const TcpRepr& tcp, Bytes payload = {}) {
    const std::size_t tcp_length = tcp.header_length() + payload.size();
    ByteVector packet(kIpv4MinHeaderLength + tcp_length);
    Ipv4Repr ip;
    ip.src = src;
    ip.dst = dst;
    ip.protocol = kIpProtocolTcp;
    ip.payload_length = static_cast<std::uint16_t>(tcp_length);
    ASSERT_EQ(emit_ipv4(ip, packet), kIpv4MinHeaderLength);
    const auto sum = pseudo_header_sum(IpAddress::v4(src), IpAddress::v4(dst), kIpProtocolTcp,
                                       static_cast<std::uint32_t>(tcp_length));
    ASSERT_EQ(emit_tcp(tcp, payload, MutableBytes(packet).subspan(kIpv4MinHeaderLength), sum),
              tcp_length);
    ASSERT_EQ(ifc.netdev_send(u(), packet.data(), packet.size()), 0);
  }

  // The next packet the stack sends. The adapter never answers "none yet" (-1): it moves its
  // virtual clock to the next timer, or reports a stack that will never send with packetdrill's
  // fatal zero-length packet.
  ByteVector receive(long long* time_usecs = nullptr) {
    std::uint8_t buffer[65536];
    std::size_t count = sizeof buffer;
    long long when = 0;
    EXPECT_EQ(ifc.netdev_receive(u(), buffer, &count, &when), 0);
    EXPECT_GT(count, 0u) << "the stack is idle and will send nothing";
    if (time_usecs) *time_usecs = when;
    return ByteVector(buffer, buffer + count);
  }

  void usleep_for(useconds_t usecs) { ASSERT_EQ(ifc.usleep(u(), usecs), 0); }

  long long now() {
    timeval tv{};
    EXPECT_EQ(ifc.gettimeofday(u(), &tv, nullptr), 0);
    return tv.tv_sec * 1'000'000LL + tv.tv_usec;
  }

  packetdrill_interface ifc{};

 private:
  void* handle_ = nullptr;
};

// A blocking call made on a second thread, the way packetdrill's syscall thread makes one:
// the script's thread waits until that thread sleeps in the call (packetdrill reads
// /proc/PID/task/TID/stat for the 'S' state) or has finished it, and the syscall thread reads
// the clock as soon as the call returns (packetdrill's end_syscall).
class SyscallThread {
 public:
  template <class Call>
  SyscallThread(Script& script, Call call)
      : thread_([this, &script, call] {
          thread_id_ = static_cast<pid_t>(::syscall(SYS_gettid));
          result_ = call();
          end_usecs_ = script.now();
          done_ = true;
        }) {}
  ~SyscallThread() {
    if (thread_.joinable()) thread_.join();
  }

  // True once the thread sleeps in the call; false if it finished without blocking. Bounded:
  // a thread that neither sleeps nor finishes within 10 s fails the test.
  bool blocks() {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
      if (done_) return false;
      const pid_t tid = thread_id_;
      if (tid != 0 && state_of(tid) == 'S') return !done_;
      std::this_thread::yield();
    }
    ADD_FAILURE() << "the syscall thread neither blocked nor finished";
    return false;
  }
  bool done() const { return done_; }
  // Joins the thread: the call's result and the clock read right after it returned.
  long result() {
    thread_.join();
    return result_;
  }
  long long end_usecs() const { return end_usecs_; }

 private:
  static char state_of(pid_t tid) {
    std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // "tid (comm) S ...": the state follows the last ')'.
    const auto paren = text.rfind(')');
    return paren != std::string::npos && paren + 2 < text.size() ? text[paren + 2] : '?';
  }

  std::atomic<pid_t> thread_id_{0};
  std::atomic<bool> done_{false};
  long result_ = -1;
  long long end_usecs_ = 0;
  std::thread thread_;
};

struct Segment {
  Ipv4Repr ip;
  TcpRepr tcp;
  ByteVector payload;
};

// Parses and checks a packet the stack sent: IPv4 header checksum, TCP checksum.
Segment parse(const ByteVector& packet) {
  Segment s;
  auto ip = Ipv4View::parse(packet);
  EXPECT_TRUE(ip.has_value());
  if (!ip) return s;
  s.ip = ip->repr();
  EXPECT_EQ(s.ip.protocol, kIpProtocolTcp);
  auto tcp = TcpView::parse(ip->payload());
  EXPECT_TRUE(tcp.has_value());
  if (!tcp) return s;
  EXPECT_TRUE(tcp->verify_checksum(
      pseudo_header_sum(IpAddress::v4(s.ip.src), IpAddress::v4(s.ip.dst), kIpProtocolTcp,
                        static_cast<std::uint32_t>(ip->payload().size()))));
  s.tcp = tcp->repr();
  s.payload.assign(tcp->payload().begin(), tcp->payload().end());
  return s;
}

sockaddr_in address(Ipv4Address a, std::uint16_t port) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  std::memcpy(&sin.sin_addr, a.octets.data(), 4);
  return sin;
}

TcpRepr segment(std::uint16_t src_port, std::uint16_t dst_port, std::uint32_t seq,
                std::uint32_t ack, std::uint8_t flags) {
  TcpRepr t;
  t.src_port = src_port;
  t.dst_port = dst_port;
  t.seq = SeqNum(seq);
  t.ack = SeqNum(ack);
  t.flags = flags;
  t.window = 65535;
  return t;
}

TcpRepr syn(std::uint16_t src_port, std::uint16_t dst_port, std::uint32_t seq) {
  TcpRepr t = segment(src_port, dst_port, seq, 0, tcp_flags::kSyn);
  t.options.mss = 1460;
  return t;
}

Bytes text(const char* s) {
  return Bytes(reinterpret_cast<const std::uint8_t*>(s), std::strlen(s));
}

int listening_socket(Script& s, std::uint16_t port) {
  const int fd = s.ifc.socket(s.u(), AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  const int one = 1;
  EXPECT_EQ(s.ifc.setsockopt(s.u(), fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
  const sockaddr_in any = address(Ipv4Address{}, port);
  EXPECT_EQ(s.ifc.bind(s.u(), fd, reinterpret_cast<const sockaddr*>(&any), sizeof any), 0);
  EXPECT_EQ(s.ifc.listen(s.u(), fd, 1), 0);
  return fd;
}

TEST(PacketdrillAdapter, PassiveOpenBlockingAcceptDataAndClose) {
  Script s("local_ip=192.168.0.1");
  const int listener = listening_socket(s, 8080);

  sockaddr_in peer{};
  socklen_t peer_length = sizeof peer;
  SyscallThread acceptor(s, [&] {
    return s.ifc.accept(s.u(), listener, reinterpret_cast<sockaddr*>(&peer), &peer_length);
  });
  // Asleep in the adapter's accept (nothing queued yet), as in the kernel.
  ASSERT_TRUE(acceptor.blocks());

  s.inject(kRemote, kPacketdrillLocal, syn(40000, 8080, 1000));
  long long synack_time = 0;
  const Segment synack = parse(s.receive(&synack_time));
  EXPECT_EQ(synack.ip.src, kPacketdrillLocal);
  EXPECT_EQ(synack.ip.dst, kRemote);
  EXPECT_EQ(synack.tcp.src_port, 8080);
  EXPECT_EQ(synack.tcp.dst_port, 40000);
  EXPECT_EQ(synack.tcp.flags, tcp_flags::kSyn | tcp_flags::kAck);
  EXPECT_EQ(synack.tcp.ack, SeqNum(1001));
  EXPECT_EQ(synack.tcp.options.mss, std::optional<std::uint16_t>(1460));  // MTU 1500 - 40
  // Our SYN offered neither timestamps nor window scaling, so the SYN-ACK must not (RFC 7323).
  EXPECT_FALSE(synack.tcp.options.timestamps.has_value());
  EXPECT_FALSE(synack.tcp.options.window_scale.has_value());
  EXPECT_GE(synack_time, kEpochUsecs);
  EXPECT_LE(synack_time, s.now());
  EXPECT_TRUE(synack.payload.empty());
  // The SYN alone does not complete accept(): the driver's calls above settled the adapter,
  // so a woken accept would have finished before they returned.
  EXPECT_FALSE(acceptor.done());

  s.usleep_for(10'000);
  const std::uint32_t iss = synack.tcp.seq.raw();
  const long long ack_time = s.now();
  s.inject(kRemote, kPacketdrillLocal, segment(40000, 8080, 1001, iss + 1, tcp_flags::kAck));
  // The driver sleeps on right away; accept() still returns at the ACK's time, whatever the
  // machine's load, because the adapter settles blocked calls before moving its clock.
  s.usleep_for(1'000'000);
  const int accepted_fd = static_cast<int>(acceptor.result());
  ASSERT_GE(accepted_fd, 0);
  EXPECT_EQ(acceptor.end_usecs(), ack_time);
  EXPECT_NE(accepted_fd, listener);
  EXPECT_EQ(peer_length, sizeof(sockaddr_in));
  EXPECT_EQ(peer.sin_family, AF_INET);
  EXPECT_EQ(ntohs(peer.sin_port), 40000);
  EXPECT_EQ(std::memcmp(&peer.sin_addr, kRemote.octets.data(), 4), 0);

  EXPECT_EQ(s.ifc.write(s.u(), accepted_fd, "hello", 5), 5);
  const Segment data = parse(s.receive());
  EXPECT_EQ(data.tcp.seq, SeqNum(iss + 1));
  EXPECT_EQ(data.tcp.ack, SeqNum(1001));
  EXPECT_TRUE(data.tcp.has(tcp_flags::kAck));
  EXPECT_EQ(std::string(data.payload.begin(), data.payload.end()), "hello");

  s.inject(kRemote, kPacketdrillLocal,
           segment(40000, 8080, 1001, iss + 6, tcp_flags::kAck | tcp_flags::kPsh), text("world"));
  char buffer[16] = {};
  EXPECT_EQ(s.ifc.read(s.u(), accepted_fd, buffer, sizeof buffer), 5);
  EXPECT_EQ(std::string(buffer, 5), "world");
  errno = 0;
  EXPECT_EQ(s.ifc.recv(s.u(), accepted_fd, buffer, sizeof buffer, MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN);

  EXPECT_EQ(s.ifc.close(s.u(), accepted_fd), 0);
  Segment fin;
  for (int i = 0; i < 4 && !fin.tcp.has(tcp_flags::kFin); ++i) fin = parse(s.receive());
  EXPECT_EQ(fin.tcp.flags, tcp_flags::kFin | tcp_flags::kAck);
  EXPECT_EQ(fin.tcp.seq, SeqNum(iss + 6));
  EXPECT_EQ(fin.tcp.ack, SeqNum(1006));

  errno = 0;
  EXPECT_EQ(s.ifc.close(s.u(), accepted_fd), -1);
  EXPECT_EQ(errno, EBADF);
  EXPECT_EQ(s.ifc.close(s.u(), listener), 0);
}

TEST(PacketdrillAdapter, ActiveOpenBlockingConnectAndTcpInfo) {
  Script s("local_ip=198.18.0.1;mtu=1400;cc=cubic");
  const int fd = s.ifc.socket(s.u(), AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_GE(fd, 0);
  const sockaddr_in server = address(kRemote, 80);
  SyscallThread connector(s, [&] {
    return s.ifc.connect(s.u(), fd, reinterpret_cast<const sockaddr*>(&server), sizeof server);
  });
  ASSERT_TRUE(connector.blocks());  // in SYN_SENT, the SYN already queued
  const Segment syn_out = parse(s.receive());
  EXPECT_EQ(syn_out.ip.src, kLocal);
  EXPECT_EQ(syn_out.ip.dst, kRemote);
  EXPECT_EQ(syn_out.tcp.flags, tcp_flags::kSyn);
  EXPECT_EQ(syn_out.tcp.dst_port, 80);
  EXPECT_GE(syn_out.tcp.src_port, 32768);                                  // ephemeral range
  EXPECT_EQ(syn_out.tcp.options.mss, std::optional<std::uint16_t>(1360));  // mtu=1400 - 40

  TcpRepr synack = segment(80, syn_out.tcp.src_port, 5000, syn_out.tcp.seq.raw() + 1,
                           tcp_flags::kSyn | tcp_flags::kAck);
  synack.options.mss = 1000;
  s.usleep_for(50'000);
  const long long synack_time = s.now();
  s.inject(kRemote, kLocal, synack);
  EXPECT_EQ(connector.result(), 0);
  EXPECT_EQ(connector.end_usecs(), synack_time);
  const Segment ack = parse(s.receive());
  EXPECT_EQ(ack.tcp.flags, tcp_flags::kAck);
  EXPECT_EQ(ack.tcp.ack, SeqNum(5001));

  tcp_info info{};
  socklen_t length = sizeof info;
  ASSERT_EQ(s.ifc.getsockopt(s.u(), fd, IPPROTO_TCP, TCP_INFO, &info, &length), 0);
  EXPECT_EQ(length, sizeof info);
  EXPECT_EQ(info.tcpi_state, 1);  // TCP_ESTABLISHED
  EXPECT_EQ(info.tcpi_snd_mss, 1000u);
  int mss = 0;
  socklen_t mss_length = sizeof mss;
  ASSERT_EQ(s.ifc.getsockopt(s.u(), fd, IPPROTO_TCP, TCP_MAXSEG, &mss, &mss_length), 0);
  EXPECT_EQ(mss, 1000);
  char cc[16] = {};
  socklen_t cc_length = sizeof cc;
  ASSERT_EQ(s.ifc.getsockopt(s.u(), fd, IPPROTO_TCP, TCP_CONGESTION, cc, &cc_length), 0);
  EXPECT_EQ(cc_length, 16u);
  EXPECT_STREQ(cc, "cubic");

  errno = 0;
  EXPECT_EQ(s.ifc.connect(s.u(), fd, reinterpret_cast<const sockaddr*>(&server), sizeof server),
            -1);
  EXPECT_EQ(errno, EISCONN);

  EXPECT_EQ(s.ifc.shutdown(s.u(), fd, SHUT_WR), 0);
  const Segment fin = parse(s.receive());
  EXPECT_EQ(fin.tcp.flags, tcp_flags::kFin | tcp_flags::kAck);
  length = sizeof info;
  ASSERT_EQ(s.ifc.getsockopt(s.u(), fd, IPPROTO_TCP, TCP_INFO, &info, &length), 0);
  EXPECT_EQ(info.tcpi_state, 4);  // TCP_FIN_WAIT1
  EXPECT_EQ(s.ifc.close(s.u(), fd), 0);
}

TEST(PacketdrillAdapter, NonBlockingConnectRefusedByReset) {
  Script s("local_ip=198.18.0.1");
  const int fd = s.ifc.socket(s.u(), AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(s.ifc.fcntl(s.u(), fd, F_GETFL), O_RDWR | O_NONBLOCK);
  const sockaddr_in server = address(kRemote, 81);
  const auto* sa = reinterpret_cast<const sockaddr*>(&server);
  errno = 0;
  EXPECT_EQ(s.ifc.connect(s.u(), fd, sa, sizeof server), -1);
  EXPECT_EQ(errno, EINPROGRESS);
  errno = 0;
  EXPECT_EQ(s.ifc.connect(s.u(), fd, sa, sizeof server), -1);
  EXPECT_EQ(errno, EALREADY);
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(s.ifc.poll(s.u(), &p, 1, 0), 0);

  const Segment syn_out = parse(s.receive());
  ASSERT_EQ(syn_out.tcp.flags, tcp_flags::kSyn);
  s.inject(kRemote, kLocal,
           segment(81, syn_out.tcp.src_port, 0, syn_out.tcp.seq.raw() + 1,
                   tcp_flags::kRst | tcp_flags::kAck));
  EXPECT_EQ(s.ifc.poll(s.u(), &p, 1, 0), 1);
  EXPECT_EQ(p.revents, POLLOUT | POLLERR | POLLHUP);
  errno = 0;
  EXPECT_EQ(s.ifc.connect(s.u(), fd, sa, sizeof server), -1);
  EXPECT_EQ(errno, ECONNREFUSED);
  int error = -1;
  socklen_t length = sizeof error;
  EXPECT_EQ(s.ifc.getsockopt(s.u(), fd, SOL_SOCKET, SO_ERROR, &error, &length), 0);
  EXPECT_EQ(error, 0);  // reported once, by connect
  EXPECT_EQ(s.ifc.close(s.u(), fd), 0);
}

TEST(PacketdrillAdapter, SynToClosedPortGetsReset) {
  Script s("local_ip=198.18.0.1");
  s.inject(kRemote, kLocal, syn(40001, 9999, 7000));
  const Segment rst = parse(s.receive());
  EXPECT_EQ(rst.tcp.flags, tcp_flags::kRst | tcp_flags::kAck);
  EXPECT_EQ(rst.tcp.seq, SeqNum(0));
  EXPECT_EQ(rst.tcp.ack, SeqNum(7001));
  EXPECT_EQ(rst.tcp.src_port, 9999);
}

TEST(PacketdrillAdapter, IdleReceiveJumpsToTheRetransmissionTimer) {
  Script s("local_ip=198.18.0.1");
  const int listener = listening_socket(s, 8080);
  s.inject(kRemote, kLocal, syn(40000, 8080, 1000));
  long long first = 0;
  long long second = 0;
  const Segment a = parse(s.receive(&first));
  const Segment b = parse(s.receive(&second));  // nothing queued: the clock jumps to the RTO
  EXPECT_EQ(b.tcp.flags, tcp_flags::kSyn | tcp_flags::kAck);
  EXPECT_EQ(b.tcp.seq, a.tcp.seq);
  EXPECT_EQ(second - first, 1'000'000);  // initial RTO, RFC 6298 section 2.1
  EXPECT_GE(s.now(), second);
  EXPECT_EQ(s.ifc.close(s.u(), listener), 0);
}

TEST(PacketdrillAdapter, ClockTicksOnReadsAndJumpsOnSleep) {
  Script s("local_ip=198.18.0.1");
  const long long t0 = s.now();
  EXPECT_GE(t0, kEpochUsecs);
  EXPECT_LT(t0, kEpochUsecs + 1000);
  const long long t1 = s.now();
  EXPECT_GT(t1, t0);  // never frozen
  EXPECT_LE(t1 - t0, 10);
  EXPECT_EQ(s.ifc.usleep(s.u(), 250'000), 0);
  const long long t2 = s.now();
  EXPECT_GE(t2 - t1, 250'000);
  EXPECT_LE(t2 - t1, 250'010);

  // A poll timeout on a thread nobody else drives: the waiter moves the clock itself.
  const int listener = listening_socket(s, 7000);
  pollfd p{listener, POLLIN, 0};
  EXPECT_EQ(s.ifc.poll(s.u(), &p, 1, 100), 0);
  EXPECT_GE(s.now() - t2, 100'000);
  EXPECT_EQ(s.ifc.close(s.u(), listener), 0);
}

TEST(PacketdrillAdapter, TimeoutOnTheSyscallThreadEndsAtItsDeadline) {
  Script s("local_ip=198.18.0.1");
  const int listener = listening_socket(s, 7001);
  const long long start = s.now();
  pollfd p{listener, POLLIN, 0};
  SyscallThread poller(s, [&] { return s.ifc.poll(s.u(), &p, 1, 100); });
  ASSERT_TRUE(poller.blocks());
  // The script's thread sleeps far past the timeout in one call: the clock stops at the
  // poll's deadline until the poll has returned, so it ends at exactly 100 ms.
  s.usleep_for(2'000'000);
  EXPECT_EQ(poller.result(), 0);
  EXPECT_EQ(poller.end_usecs(), start + 100'000);
  EXPECT_EQ(s.now(), start + 2'000'000 + 5);
  EXPECT_EQ(s.ifc.close(s.u(), listener), 0);
}

TEST(PacketdrillAdapter, ClockReadsBeforeTheFirstCallDoNotMoveTheStack) {
  // packetdrill spins on the clock, a wall-clock dependent number of times, to pick its start
  // time; the stack's time starts at the first call, so what follows is the same either way.
  auto retransmission_after_reads = [](int reads) {
    Script s("local_ip=198.18.0.1");
    for (int i = 0; i < reads; ++i) s.now();
    const long long start = s.now();
    const int listener = listening_socket(s, 8080);
    s.inject(kRemote, kLocal, syn(40000, 8080, 1000));
    long long first = 0;
    long long second = 0;
    parse(s.receive(&first));
    parse(s.receive(&second));
    EXPECT_EQ(s.ifc.close(s.u(), listener), 0);
    return std::make_pair(first - start, second - start);
  };
  const auto few = retransmission_after_reads(3);
  const auto many = retransmission_after_reads(3000);
  EXPECT_EQ(few, many);
  EXPECT_EQ(few.second - few.first, 1'000'000);
}

TEST(PacketdrillAdapter, OptionsAndUnsupportedCalls) {
  Script s("local_ip=198.18.0.1");
  const int fd = s.ifc.socket(s.u(), AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  const int one = 1;
  errno = 0;
  EXPECT_EQ(s.ifc.setsockopt(s.u(), fd, IPPROTO_TCP, TCP_FASTOPEN, &one, sizeof one), -1);
  EXPECT_EQ(errno, ENOPROTOOPT);
  int value = 0;
  socklen_t length = sizeof value;
  errno = 0;
  EXPECT_EQ(s.ifc.getsockopt(s.u(), fd, SOL_IP, IP_TOS, &value, &length), -1);
  EXPECT_EQ(errno, ENOPROTOOPT);
  errno = 0;
  EXPECT_EQ(s.ifc.setsockopt(s.u(), fd, SOL_SOCKET, SO_ERROR, &one, sizeof one), -1);
  EXPECT_EQ(errno, ENOPROTOOPT);

  errno = 0;
  EXPECT_EQ(s.ifc.setsockopt(s.u(), fd, IPPROTO_TCP, TCP_CONGESTION, "bbr", 3), -1);
  EXPECT_EQ(errno, ENOENT);

  const int request = 10000;
  EXPECT_EQ(s.ifc.setsockopt(s.u(), fd, SOL_SOCKET, SO_RCVBUF, &request, sizeof request), 0);
  length = sizeof value;
  EXPECT_EQ(s.ifc.getsockopt(s.u(), fd, SOL_SOCKET, SO_RCVBUF, &value, &length), 0);
  EXPECT_EQ(value, 20000);  // Linux doubles the request
  EXPECT_EQ(length, sizeof(int));

  EXPECT_EQ(s.ifc.setsockopt(s.u(), fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
  value = 0;
  length = 64;  // longer than an int: Linux reports the real length
  EXPECT_EQ(s.ifc.getsockopt(s.u(), fd, IPPROTO_TCP, TCP_NODELAY, &value, &length), 0);
  EXPECT_EQ(value, 1);
  EXPECT_EQ(length, sizeof(int));
  errno = 0;
  EXPECT_EQ(s.ifc.setsockopt(s.u(), fd, IPPROTO_TCP, TCP_MAXSEG, &one, sizeof one), -1);
  EXPECT_EQ(errno, EINVAL);  // below TCP_MIN_MSS

  tcp_info info{};
  length = sizeof info;
  EXPECT_EQ(s.ifc.getsockopt(s.u(), fd, IPPROTO_TCP, TCP_INFO, &info, &length), 0);
  EXPECT_EQ(info.tcpi_state, 7);  // TCP_CLOSE

  char buffer[4];
  errno = 0;
  EXPECT_EQ(s.ifc.read(s.u(), fd, buffer, sizeof buffer), -1);
  EXPECT_EQ(errno, ENOTCONN);
  errno = 0;
  EXPECT_EQ(s.ifc.write(s.u(), fd, buffer, sizeof buffer), -1);
  EXPECT_EQ(errno, EPIPE);

  int pipe_fds[2];
  errno = 0;
  EXPECT_EQ(s.ifc.pipe(s.u(), pipe_fds), -1);
  EXPECT_EQ(errno, ENOSYS);
  errno = 0;
  EXPECT_EQ(s.ifc.socket(s.u(), AF_INET6, SOCK_STREAM, 0), -1);
  EXPECT_EQ(errno, EAFNOSUPPORT);
  EXPECT_EQ(s.ifc.close(s.u(), fd), 0);
  errno = 0;
  EXPECT_EQ(s.ifc.close(s.u(), fd), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST(PacketdrillAdapter, TwoScriptsInOneProcessAreIndependent) {
  Script first("local_ip=198.18.0.1");
  const int listener = listening_socket(first, 8080);
  first.ifc.usleep(first.u(), 5'000'000);

  Script second("local_ip=198.18.1.1");
  // Its own clock (back at the epoch), its own ports.
  EXPECT_LT(second.now(), kEpochUsecs + 1000);
  EXPECT_GE(first.now(), kEpochUsecs + 5'000'000);
  const int other = listening_socket(second, 8080);

  second.inject(kRemote, Ipv4Address{{198, 18, 1, 1}}, syn(40000, 8080, 1));
  const Segment synack = parse(second.receive());
  EXPECT_EQ(synack.tcp.flags, tcp_flags::kSyn | tcp_flags::kAck);
  EXPECT_EQ(synack.ip.src, (Ipv4Address{{198, 18, 1, 1}}));
  // Nothing leaked into the first script's queue: its stack is idle and will send nothing,
  // which the adapter reports at once with packetdrill's fatal zero-length packet.
  std::uint8_t buffer[2048];
  std::size_t count = sizeof buffer;
  long long when = 0;
  EXPECT_EQ(first.ifc.netdev_receive(first.u(), buffer, &count, &when), 0);
  EXPECT_EQ(count, 0u);
  EXPECT_EQ(first.ifc.close(first.u(), listener), 0);
  EXPECT_EQ(second.ifc.close(second.u(), other), 0);
}

TEST(PacketdrillAdapter, MissingLocalIpFailsEveryCall) {
  Script s(nullptr);
  EXPECT_EQ(s.u(), nullptr);
  errno = 0;
  EXPECT_EQ(s.ifc.socket(s.u(), AF_INET, SOCK_STREAM, 0), -1);
  EXPECT_EQ(errno, EINVAL);
  std::uint8_t buffer[64];
  std::size_t count = sizeof buffer;
  long long when = 0;
  // packetdrill's fatal error (success with zero bytes) instead of "none yet" for ever.
  EXPECT_EQ(s.ifc.netdev_receive(s.u(), buffer, &count, &when), 0);
  EXPECT_EQ(count, 0u);
}

}  // namespace
}  // namespace synack
