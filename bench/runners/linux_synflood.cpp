// `synack bench synflood`, the Linux side: spoofed SYNs written into a TAP device whose kernel
// side has a listener that never accepts, in a private network namespace.
//
//   flood thread --tap fd--> sbsyn0 198.18.0.1/24, listener 198.18.0.1:80, namespace of its own
//   spoofed sources 198.19.0.0/16, routed via 198.18.0.2 (a permanent neighbour entry, so the
//   kernel never waits on ARP before sending its SYN-ACKs)
//
// A write(2) to a TAP device runs the kernel's receive path in the writer's context
// (tun_get_user -> netif_receive_skb with bottom halves disabled), and the SYN-ACK goes out to the
// device's queue in the same call, so the writing thread's CPU clock (CLOCK_THREAD_CPUTIME_ID)
// holds the kernel's cost per SYN plus the system call. SYN-ACKs are read back between batches of
// writes, outside the timed spans, and matched to the SYN they answer. Addresses come from
// 198.18.0.0/15, the benchmarking range (RFC 2544 appendix C.2.2).
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench/runners/benchmarks.hpp"
#include "bench/runners/netns.hpp"
#include "synack/link/tun_tap_device.hpp"
#include "synack/wire/checksum.hpp"
#include "synack/wire/ethernet.hpp"
#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::bench {
namespace {

constexpr const char* kTapName = "sbsyn0";
constexpr std::uint16_t kPort = 80;
const Ipv4Address kListenerIp{{198, 18, 0, 1}};
const Ipv4Address kGatewayIp{{198, 18, 0, 2}};
// The spoofed sources: 198.19.0.0/16, 2^16 hosts times 2^14 ports (49152-65535).
constexpr std::uint32_t kSourceNet = (198u << 24) | (19u << 16);
constexpr unsigned kPortBits = 14;
constexpr std::uint16_t kFirstPort = 49152;
// Locally administered (IEEE 802 section 8.2): the kernel's side of the TAP, and the gateway the
// spoofed frames claim to come from.
const MacAddress kTapMac{{0x02, 0x53, 0x59, 0x4e, 0x46, 0x01}};
const MacAddress kGatewayMac{{0x02, 0x53, 0x59, 0x4e, 0x46, 0x02}};
// Writes between two reads of the SYN-ACKs: well below the device's queue (kTxQueueLength), so
// the kernel never drops a SYN-ACK for want of room.
constexpr std::size_t kBatch = 256;
constexpr int kTxQueueLength = 4096;
// Namespace numbers of this benchmark (tap.cpp uses 0-2).
constexpr int kCookiesNamespace = 3;
constexpr int kQueueNamespace = 4;

double thread_cpu_seconds() {
  ::timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double process_cpu_seconds() {
  ::rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  const auto seconds = [](const ::timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

// Softirq time of all CPUs so far (/proc/stat "cpu" line, 7th field, in USER_HZ ticks).
double softirq_seconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double fields[7] = {};
  in >> cpu;
  for (double& f : fields) in >> f;
  const long hz = ::sysconf(_SC_CLK_TCK);
  return cpu == "cpu" && hz > 0 ? fields[6] / static_cast<double>(hz) : 0;
}

// The device's tx_dropped (frames the kernel could not queue for the reader) in the calling
// thread's namespace: /proc/net/dev, receive fields first, the 12th field is transmit drop.
std::uint64_t tx_dropped(const std::string& device) {
  std::ifstream in("/proc/thread-self/net/dev");
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    if (name != device) continue;
    std::istringstream fields(line.substr(colon + 1));
    std::uint64_t v = 0;
    for (int i = 0; i < 12 && fields >> v; ++i) {
    }
    return v;
  }
  return 0;
}

// One run's SYNs: Ethernet + IPv4 + TCP as Linux sends a SYN (MSS, SACK-permitted, timestamps,
// window scale), valid checksums, each from a different source address and port. Source i is
// (i * multiplier + offset) mod 2^30 split into host and port: an odd multiplier makes that a
// bijection, so the tuples are distinct, and random parameters make them differ between runs.
class SynBatch {
 public:
  SynBatch(std::size_t count, std::mt19937_64& random) {
    const std::uint32_t multiplier = static_cast<std::uint32_t>(random()) | 1u;
    const std::uint32_t offset = static_cast<std::uint32_t>(random());
    sources_.reserve(count);
    seqs_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint32_t v =
          (static_cast<std::uint32_t>(i) * multiplier + offset) & ((1u << 30) - 1);
      sources_.push_back(v);
      seqs_.push_back(static_cast<std::uint32_t>(random()));
    }
    frame_length_ = kEthernetHeaderLength + kIpv4MinHeaderLength + syn_template().header_length();
    frames_.resize(count * frame_length_);
    for (std::size_t i = 0; i < count; ++i) {
      emit(i, static_cast<std::uint16_t>(random()), static_cast<std::uint32_t>(random()));
    }
    // For matching SYN-ACKs to SYNs: source keys in order, with their index.
    by_source_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) by_source_.emplace_back(sources_[i], i);
    std::sort(by_source_.begin(), by_source_.end());
  }

  std::size_t size() const { return sources_.size(); }
  Bytes frame(std::size_t i) const {
    return Bytes{frames_.data() + i * frame_length_, frame_length_};
  }

  // The index of the SYN this frame answers (a SYN-ACK from the listener to that SYN's source
  // and port, acknowledging its sequence number), or nullopt.
  std::optional<std::size_t> answered(Bytes frame) const {
    const auto eth = EthernetView::parse(frame);
    if (!eth || eth->repr().ethertype != kEtherTypeIpv4) return std::nullopt;
    const auto ip = Ipv4View::parse(eth->payload());
    if (!ip || ip->repr().protocol != 6 || ip->repr().src != kListenerIp) return std::nullopt;
    const auto tcp = TcpView::parse(ip->payload());
    if (!tcp || tcp->src_port() != kPort || tcp->dst_port() < kFirstPort) return std::nullopt;
    if ((tcp->flags() & (tcp_flags::kSyn | tcp_flags::kAck)) !=
        (tcp_flags::kSyn | tcp_flags::kAck)) {
      return std::nullopt;
    }
    const std::uint32_t host = ip->repr().dst.to_u32() - kSourceNet;
    if (host >> 16 != 0) return std::nullopt;
    const std::uint32_t key = (host << kPortBits) | (tcp->dst_port() - kFirstPort);
    const auto it = std::lower_bound(by_source_.begin(), by_source_.end(),
                                     std::pair<std::uint32_t, std::size_t>{key, 0});
    if (it == by_source_.end() || it->first != key) return std::nullopt;
    if (tcp->ack().raw() != seqs_[it->second] + 1u) return std::nullopt;
    return it->second;
  }

 private:
  Ipv4Address source_ip(std::size_t i) const {
    return Ipv4Address::from_u32(kSourceNet | (sources_[i] >> kPortBits));
  }
  std::uint16_t source_port(std::size_t i) const {
    return static_cast<std::uint16_t>(kFirstPort + (sources_[i] & ((1u << kPortBits) - 1)));
  }

  static TcpRepr syn_template() {
    TcpRepr s;
    s.dst_port = kPort;
    s.flags = tcp_flags::kSyn;
    s.window = 64240;
    s.options.mss = 1460;
    s.options.sack_permitted = true;
    s.options.timestamps = TcpTimestamps{0, 0};
    s.options.window_scale = 7;
    return s;
  }

  void emit(std::size_t i, std::uint16_t ip_id, std::uint32_t ts_val) {
    const MutableBytes out{frames_.data() + i * frame_length_, frame_length_};
    emit_ethernet(EthernetRepr{kTapMac, kGatewayMac, kEtherTypeIpv4}, out);
    TcpRepr s = syn_template();
    s.src_port = source_port(i);
    s.seq = SeqNum{seqs_[i]};
    s.options.timestamps = TcpTimestamps{ts_val, 0};
    const std::size_t tcp_length = s.header_length();
    Ipv4Repr ip;
    ip.src = source_ip(i);
    ip.dst = kListenerIp;
    ip.protocol = 6;
    ip.identification = ip_id;
    ip.payload_length = static_cast<std::uint16_t>(tcp_length);
    const MutableBytes packet = out.subspan(kEthernetHeaderLength);
    emit_ipv4(ip, packet);
    const auto sum = pseudo_header_sum(IpAddress::v4(ip.src), IpAddress::v4(kListenerIp), 6,
                                       static_cast<std::uint32_t>(tcp_length));
    emit_tcp(s, {}, packet.subspan(kIpv4MinHeaderLength), sum);
  }

  std::vector<std::uint32_t> sources_;  // (host << kPortBits) | port offset
  std::vector<std::uint32_t> seqs_;
  std::size_t frame_length_ = 0;
  std::vector<std::uint8_t> frames_;
  std::vector<std::pair<std::uint32_t, std::size_t>> by_source_;
};

// A listener on kListenerIp:kPort in the calling thread's namespace that is never accepted from.
// The backlog is capped by net.core.somaxconn, which the constructor raised.
Fd listen_forever(int backlog) {
  Fd l(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (l.get() < 0) fail_errno("socket");
  const int one = 1;
  if (::setsockopt(l.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
    fail_errno("setsockopt");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(kPort);
  std::memcpy(&addr.sin_addr.s_addr, kListenerIp.octets.data(), 4);
  if (::bind(l.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    fail_errno("bind");
  }
  if (::listen(l.get(), backlog) != 0) fail_errno("listen");
  return l;
}

// Reads every frame the device holds; counts them and marks the SYNs they answer.
std::uint64_t read_replies(int tap_fd, const SynBatch& syns, std::vector<bool>& answered) {
  std::uint8_t frame[2048];
  std::uint64_t frames = 0;
  while (true) {
    const ssize_t n = ::read(tap_fd, frame, sizeof frame);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return frames;
    if (n <= 0) fail_errno("read the TAP device");
    ++frames;
    if (const auto i = syns.answered(Bytes{frame, static_cast<std::size_t>(n)})) {
      answered[*i] = true;
    }
  }
}

// Replies still on their way (none are expected: each SYN-ACK is queued within its SYN's write):
// reads until the device has been quiet for 50 ms.
std::uint64_t read_late_replies(int tap_fd, const SynBatch& syns, std::vector<bool>& answered) {
  std::uint64_t frames = 0;
  ::pollfd p{tap_fd, POLLIN, 0};
  while (::poll(&p, 1, 50) == 1) frames += read_replies(tap_fd, syns, answered);
  return frames;
}

int backlog_for(std::size_t syns) {
  return static_cast<int>(std::min<std::size_t>(4 * syns + 1024, 1u << 30));
}

}  // namespace

struct LinuxSynFlood::World {
  // Declared first so it is destroyed last, after the device fd that lives in it is closed.
  Namespace ns;
  std::optional<TunTapDevice> tap;
  explicit World(int n) : ns("synflood", n) {}
};

LinuxSynFlood::LinuxSynFlood(std::size_t syns, bool cookies)
    : syns_(syns),
      world_(std::make_unique<World>(cookies ? kCookiesNamespace : kQueueNamespace)),
      random_(std::random_device{}()) {
  World& w = *world_;
  // TUNSETIFF creates the device in the opening thread's namespace.
  auto device = start_in(w.ns, [] { return TunTapDevice::open(kTapName, DeviceKind::kTap); }).get();
  if (!device) fail(device.error().message());
  w.tap.emplace(std::move(*device));
  w.ns.ip({"link", "set", kTapName, "address", kTapMac.to_string(), "txqueuelen",
           std::to_string(kTxQueueLength), "up"});
  w.ns.ip({"addr", "add", fmt::format("{}/24", kListenerIp.to_string()), "dev", kTapName});
  w.ns.ip({"neigh", "add", kGatewayIp.to_string(), "lladdr", kGatewayMac.to_string(), "dev",
           kTapName, "nud", "permanent"});
  w.ns.ip({"route", "add", "198.19.0.0/16", "via", kGatewayIp.to_string(), "dev", kTapName});
  // Cookies: every SYN answered from a cookie, nothing kept (tcp_syncookies 2). Queue: cookies
  // off and a SYN queue that keeps every SYN: the listen backlog (capped by somaxconn) bounds
  // it, and without cookies tcp_conn_request() drops once a quarter of tcp_max_syn_backlog is
  // left, hence 4x.
  const std::string backlog = std::to_string(backlog_for(syns));
  w.ns.sysctl({fmt::format("net.ipv4.tcp_syncookies={}", cookies ? 2 : 0),
               "net.ipv4.tcp_max_syn_backlog=" + backlog, "net.core.somaxconn=" + backlog});
}

LinuxSynFlood::~LinuxSynFlood() = default;

LinuxSynFloodFigures LinuxSynFlood::run() {
  World& w = *world_;
  const SynBatch syns(syns_, random_);
  const int tap_fd = w.tap->fd();
  const std::size_t count = syns_;
  return start_in(w.ns,
                  [&syns, tap_fd, count] {
                    std::vector<bool> answered(count, false);
                    LinuxSynFloodFigures f;
                    read_replies(tap_fd, syns, answered);  // leftovers of an earlier run
                    // A fresh listener per run: closing it drops the previous run's request socks.
                    const Fd listener = listen_forever(backlog_for(count));
                    const std::uint64_t dropped_before = tx_dropped(kTapName);
                    const double softirq_start = softirq_seconds();
                    double thread_cpu = 0, process_cpu = 0;
                    for (std::size_t first = 0; first < count; first += kBatch) {
                      const std::size_t last = std::min(count, first + kBatch);
                      const double thread_start = thread_cpu_seconds();
                      const double process_start = process_cpu_seconds();
                      for (std::size_t i = first; i < last; ++i) {
                        const Bytes frame = syns.frame(i);
                        if (::write(tap_fd, frame.data(), frame.size()) !=
                            static_cast<ssize_t>(frame.size())) {
                          fail_errno("write a SYN to the TAP device");
                        }
                      }
                      thread_cpu += thread_cpu_seconds() - thread_start;
                      process_cpu += process_cpu_seconds() - process_start;
                      f.synack_frames += read_replies(tap_fd, syns, answered);
                    }
                    f.synack_frames += read_late_replies(tap_fd, syns, answered);
                    f.softirq_seconds = softirq_seconds() - softirq_start;
                    f.tx_dropped = tx_dropped(kTapName) - dropped_before;
                    const auto n = static_cast<double>(count);
                    f.syns_per_cpu_second = thread_cpu > 0 ? n / thread_cpu : 0;
                    f.syns_per_process_cpu_second = process_cpu > 0 ? n / process_cpu : 0;
                    f.synacks_per_syn =
                        static_cast<double>(std::count(answered.begin(), answered.end(), true)) / n;
                    return f;
                  })
      .get();
}

}  // namespace synack::bench
