#include "session.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "synack/wire/ipv4.hpp"
#include "synack/wire/tcp.hpp"

namespace synack::packetdrill {
namespace {

constexpr std::uint16_t kEphemeralLow = 32768;  // Linux ip_local_port_range
constexpr std::uint16_t kEphemeralHigh = 60999;

int fail(int error) {
  errno = error;
  return -1;
}

// SYNACK_PACKETDRILL_TRACE=1 prints every packet in and out (debugging a script).
void trace(const char* direction, Instant now, Bytes packet) {
  static const bool enabled = std::getenv("SYNACK_PACKETDRILL_TRACE") != nullptr;
  if (!enabled) return;
  auto ip = Ipv4View::parse(packet);
  if (!ip) {
    std::fprintf(stderr, "synack-packetdrill %s %zu bytes, not IPv4\n", direction, packet.size());
    return;
  }
  const Ipv4Repr r = ip->repr();
  char ports[128] = "";
  if (auto tcp = TcpView::parse(ip->payload()); tcp && r.protocol == kIpProtocolTcp) {
    std::snprintf(ports, sizeof ports, " %u>%u %s seq %u ack %u len %zu", tcp->src_port(),
                  tcp->dst_port(), tcp_flags_to_string(tcp->flags()).c_str(), tcp->seq().raw(),
                  tcp->ack().raw(), tcp->payload().size());
  }
  std::fprintf(stderr, "synack-packetdrill %.6f %s %s>%s proto %u%s\n", to_seconds(now), direction,
               r.src.to_string().c_str(), r.dst.to_string().c_str(), r.protocol, ports);
}

std::uint32_t next_session_tag() {
  static std::atomic<std::uint32_t> counter{0};
  // High bits make the value unlikely for any eventfd the host program made itself.
  return 0x5ac00000u | (counter.fetch_add(1) & 0xfffffu);
}

// True when `fd` is still an eventfd carrying `tag` (packetdrill may have closed it with libc
// close() and the number may have been reused since).
bool is_our_eventfd(int fd, std::uint32_t tag) {
  std::ifstream info("/proc/self/fdinfo/" + std::to_string(fd));
  std::string line;
  while (std::getline(info, line)) {
    if (line.rfind("eventfd-count:", 0) == 0) {
      return std::stoull(line.substr(14), nullptr, 16) == tag;
    }
  }
  return false;
}

bool handshaking(TcpState s) {
  return s == TcpState::kSynSent || s == TcpState::kSynReceived;
}

sockaddr_in to_sockaddr(const Endpoint& e) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(e.port);
  std::memcpy(&sin.sin_addr, e.address.bytes.data(), 4);
  return sin;
}

Endpoint from_sockaddr(const sockaddr_in& sin) {
  Ipv4Address a;
  std::memcpy(a.octets.data(), &sin.sin_addr, 4);
  return Endpoint{IpAddress::v4(a), ntohs(sin.sin_port)};
}

std::size_t total_length(const iovec* iov, int iovcnt) {
  std::size_t total = 0;
  for (int i = 0; i < iovcnt; ++i) total += iov[i].iov_len;
  return total;
}

StackConfig stack_config_for(const SoFlags& flags) {
  StackConfig config;
  if (auto algorithm = congestion_algorithm_from_string(flags.congestion_control)) {
    config.tcp.congestion = *algorithm;
  }
  return config;
}

}  // namespace

class Session::Collector : public FrameOutput {
 public:
  explicit Collector(Session& session) : session_(session) {}
  void send_frame(std::size_t, Bytes frame) override {
    session_.outbound_.push_back({ByteVector(frame.begin(), frame.end()), session_.now_});
  }

 private:
  Session& session_;
};

Session::Session(const SoFlags& flags)
    : flags_(flags), stack_(stack_config_for(flags)), tag_(next_session_tag()) {
  InterfaceConfig iface;
  iface.address = flags.local_ip;
  // packetdrill's remote (192.0.2.1 by default) is off the local subnet; a raw-IP link needs
  // no next hop, so one interface owning every destination (prefix 0) routes it all.
  iface.prefix_length = 0;
  iface.mtu = flags.mtu;
  iface.ethernet = false;
  iface_ = stack_.add_interface(iface);
}

Session::~Session() {
  for (const auto& [fd, entry] : sockets_) {
    if (is_our_eventfd(fd, tag_)) ::close(fd);
  }
  for (const auto& [fd, entry] : epolls_) {
    if (is_our_eventfd(fd, tag_)) ::close(fd);
  }
}

// ---------------------------------------------------------------- time and the stack

void Session::begin_call(std::unique_lock<std::mutex>& lock, bool reads_clock_only) {
  const std::thread::id me = std::this_thread::get_id();
  if (!driver_) driver_ = me;
  if (!reads_clock_only) {
    started_ = true;
    completed_at_.erase(me);  // a thread that did not read the clock after its last call
  }
  settle(lock);
}

void Session::settle(std::unique_lock<std::mutex>& lock) {
  if (!is_driver()) return;
  const std::thread::id me = std::this_thread::get_id();
  settled_.wait(lock, [&] {
    return std::all_of(waiters_.begin(), waiters_.end(), [&](const Waiter* w) {
      return w->thread == me || w->seen_generation == generation_;
    });
  });
}

Instant Session::next_event_time() const {
  Instant next = stack_.next_deadline();
  for (const Waiter* w : waiters_) {
    if (w->deadline && *w->deadline > now_ && !(w->thread == driver_)) {
      next = std::min(next, *w->deadline);
    }
  }
  return next;
}

void Session::advance_to(std::unique_lock<std::mutex>& lock, Instant t) {
  settle(lock);
  auto run_due = [&] {
    const bool timer_due = stack_.next_deadline() <= now_;
    const std::size_t before = outbound_.size();
    Collector out(*this);
    stack_.poll(now_, out);
    const bool timeout_due = std::any_of(waiters_.begin(), waiters_.end(), [&](const Waiter* w) {
      return w->deadline && *w->deadline <= now_;
    });
    if (timer_due || timeout_due || outbound_.size() != before) changed();
    settle(lock);
  };
  // A stack that stays due after running (it should not) cannot stall the clock for ever.
  for (int stalls = 0; stalls < 3;) {
    const Instant next = next_event_time();
    if (next == kNever || next > t) break;
    if (next <= now_) ++stalls;
    now_ = std::max(now_, next);  // each event at its own time, stamping what it sends
    run_due();
  }
  if (now_ < t) {
    now_ = t;
    run_due();
  }
}

void Session::pump() {
  Collector out(*this);
  stack_.poll(now_, out);
  for (int i = 0; i < 3 && stack_.next_deadline() <= now_; ++i) stack_.poll(now_, out);
  changed();
}

template <class Ready>
bool Session::wait(std::unique_lock<std::mutex>& lock, std::optional<Instant> deadline,
                   Ready ready) {
  Waiter self{std::this_thread::get_id(), deadline, generation_};
  waiters_.push_back(&self);
  bool blocked = false;
  bool result = true;
  for (;;) {
    if (ready()) break;
    if (deadline && now_ >= *deadline) {
      result = false;
      break;
    }
    blocked = true;
    if (deadline && is_driver()) {
      // Nobody else moves the clock: step it to the next event (which may make us ready).
      const Instant next = std::max(next_event_time(), now_ + microseconds(1));
      advance_to(lock, std::min(*deadline, next));
      continue;
    }
    self.seen_generation = generation_;
    settled_.notify_all();
    wake_.wait(lock, [&] { return generation_ != self.seen_generation; });
  }
  waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &self));
  settled_.notify_all();
  if (blocked && !is_driver()) completed_at_[self.thread] = now_;
  return result;
}

int Session::netdev_send(const void* packet, std::size_t length) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  Collector out(*this);
  trace("in ", now_, Bytes(static_cast<const std::uint8_t*>(packet), length));
  stack_.receive_frame(now_, iface_, Bytes(static_cast<const std::uint8_t*>(packet), length), out);
  changed();
  return 0;
}

int Session::netdev_receive(void* buffer, std::size_t* length, long long* time_usecs) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  // Nothing queued: move the clock to the stack's next timer (a retransmission, a delayed ACK)
  // or a blocked call's timeout, since packetdrill applies no timeout of its own in this mode.
  // When nothing is due the stack will never send: a zero-length success is packetdrill's
  // fatal error (-1, "none yet", would make it ask again for ever).
  while (outbound_.empty()) {
    const Instant next = next_event_time();
    if (next == kNever || next > now_ + kIdleHorizon) {
      std::fprintf(stderr, "synack-packetdrill: the stack is idle and will send nothing\n");
      *length = 0;
      return 0;
    }
    advance_to(lock, std::max(next, now_ + microseconds(1)));
  }
  OutboundPacket& packet = outbound_.front();
  trace("out", packet.sent, packet.bytes);
  const std::size_t n = std::min(*length, packet.bytes.size());
  std::memcpy(buffer, packet.bytes.data(), n);
  *length = n;
  *time_usecs = epoch_usecs_ + to_micros(packet.sent);
  outbound_.pop_front();
  return 0;
}

int Session::usleep(std::uint64_t usecs) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  advance_to(lock, now_ + microseconds(static_cast<std::int64_t>(usecs)));
  return 0;
}

int Session::gettimeofday(timeval* tv) {
  std::unique_lock lock(mutex_);
  begin_call(lock, /*reads_clock_only=*/true);
  Instant value = now_;
  if (is_driver()) {
    if (started_) {
      advance_to(lock, now_ + kClockTick);
      value = now_;
    } else {
      epoch_usecs_ += to_micros(kClockTick);
    }
  } else if (auto it = completed_at_.find(std::this_thread::get_id()); it != completed_at_.end()) {
    value = it->second;
    completed_at_.erase(it);
  }
  if (tv) {
    const std::int64_t us = epoch_usecs_ + to_micros(value);
    tv->tv_sec = static_cast<time_t>(us / 1'000'000);
    tv->tv_usec = static_cast<suseconds_t>(us % 1'000'000);
  }
  return 0;
}

// ---------------------------------------------------------------- descriptors

int Session::new_descriptor() {
  const int fd = ::eventfd(tag_, EFD_CLOEXEC);
  if (fd < 0) return -1;
  // A number packetdrill closed behind our back (libc close) and the kernel handed out again.
  if (auto it = sockets_.find(fd); it != sockets_.end()) {
    if (it->second.kind != SocketEntry::Kind::kFresh) stack_.tcp().close(it->second.id);
    sockets_.erase(it);
  }
  epolls_.erase(fd);
  return fd;
}

SocketEntry* Session::find_socket(int fd) {
  auto it = sockets_.find(fd);
  return it == sockets_.end() ? nullptr : &it->second;
}

bool Session::port_in_use(int except_fd, std::uint16_t port, bool reuse) const {
  for (const auto& [fd, s] : sockets_) {
    if (fd == except_fd || !s.bound || s.bound->port != port) continue;
    // SO_REUSEADDR on both lets a socket bind a port another non-listening one holds.
    if (reuse && s.reuse_address && s.kind != SocketEntry::Kind::kListener) continue;
    return true;
  }
  return false;
}

int Session::socket(int domain, int type, int protocol) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  if (domain != AF_INET) return fail(EAFNOSUPPORT);
  if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM) return fail(ESOCKTNOSUPPORT);
  if (protocol != 0 && protocol != IPPROTO_TCP) return fail(EPROTONOSUPPORT);
  const int fd = new_descriptor();
  if (fd < 0) return -1;
  SocketEntry entry;
  entry.nonblocking = (type & SOCK_NONBLOCK) != 0;
  entry.congestion_control = flags_.congestion_control;
  sockets_[fd] = entry;
  return fd;
}

int Session::bind(int fd, const sockaddr* addr, socklen_t length) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  SocketEntry* s = find_socket(fd);
  if (!s) return fail(EBADF);
  if (!addr) return fail(EFAULT);
  if (length < sizeof(sockaddr_in)) return fail(EINVAL);
  if (addr->sa_family != AF_INET) return fail(EAFNOSUPPORT);
  if (s->bound || s->kind != SocketEntry::Kind::kFresh) return fail(EINVAL);
  sockaddr_in sin;
  std::memcpy(&sin, addr, sizeof sin);
  Endpoint local = from_sockaddr(sin);
  if (local.address != IpAddress::v4({}) && local.address != IpAddress::v4(flags_.local_ip)) {
    return fail(EADDRNOTAVAIL);
  }
  if (local.port == 0) {
    for (std::uint32_t p = kEphemeralLow; p <= kEphemeralHigh && local.port == 0; ++p) {
      if (!port_in_use(fd, static_cast<std::uint16_t>(p), false)) {
        local.port = static_cast<std::uint16_t>(p);
      }
    }
    if (local.port == 0) return fail(EADDRINUSE);
  } else if (port_in_use(fd, local.port, s->reuse_address)) {
    return fail(EADDRINUSE);
  }
  s->bound = local;
  return 0;
}

Endpoint Session::local_endpoint_for_listen(SocketEntry& s) {
  if (!s.bound) {
    // Linux binds an unbound socket to an ephemeral port on listen() ("autobind").
    Endpoint any{IpAddress::v4({}), 0};
    for (std::uint32_t p = kEphemeralLow; p <= kEphemeralHigh; ++p) {
      if (!port_in_use(-1, static_cast<std::uint16_t>(p), false)) {
        any.port = static_cast<std::uint16_t>(p);
        break;
      }
    }
    s.bound = any;
  }
  return *s.bound;
}

int Session::listen(int fd, int backlog) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  SocketEntry* s = find_socket(fd);
  if (!s) return fail(EBADF);
  if (s->kind == SocketEntry::Kind::kListener) return 0;  // Linux only updates the backlog
  if (s->kind != SocketEntry::Kind::kFresh) return fail(EINVAL);
  const Endpoint local = local_endpoint_for_listen(*s);
  auto id = stack_.tcp().listen(local, std::max(backlog, 0), options_for(*s));
  if (!id) return fail(id.error().code);
  s->kind = SocketEntry::Kind::kListener;
  s->id = *id;
  return 0;
}

TcpSocketOptions Session::options_for(const SocketEntry& s) const {
  TcpSocketOptions o = TcpSocketOptions::from(stack_.tcp().config());
  if (s.send_buffer) o.send_buffer = static_cast<std::size_t>(s.send_buffer);
  if (s.receive_buffer) o.receive_buffer = static_cast<std::size_t>(s.receive_buffer);
  o.no_delay = s.no_delay;
  o.keepalive = s.keepalive;
  o.keepalive_idle = seconds(s.keep_idle);
  o.keepalive_interval = seconds(s.keep_interval);
  o.keepalive_probes = s.keep_count;
  if (auto algorithm = congestion_algorithm_from_string(s.congestion_control)) {
    o.congestion = *algorithm;
  }
  return o;
}

void Session::apply_options(const SocketEntry& s) {
  if (s.kind != SocketEntry::Kind::kConnection) return;
  TcpLayer& tcp = stack_.tcp();
  tcp.set_no_delay(s.id, s.no_delay);
  tcp.set_keepalive(s.id, s.keepalive, seconds(s.keep_idle), seconds(s.keep_interval),
                    s.keep_count);
  if (auto algorithm = congestion_algorithm_from_string(s.congestion_control)) {
    tcp.set_congestion(s.id, *algorithm);
  }
}

int Session::accept(int fd, sockaddr* addr, socklen_t* length) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  SocketEntry* s = find_socket(fd);
  if (!s) return fail(EBADF);
  if (s->kind != SocketEntry::Kind::kListener) return fail(EINVAL);
  if (addr && !length) return fail(EFAULT);
  Result<SocketId> accepted = Unexpected{EAGAIN};
  for (;;) {
    accepted = stack_.tcp().accept(s->id);
    if (accepted || accepted.error() != EAGAIN) break;
    if (s->nonblocking) return fail(EAGAIN);
    const SocketId listener = s->id;
    wait(lock, std::nullopt, [&] {
      return (stack_.tcp().events(listener) & (readiness::kReadable | readiness::kError)) != 0;
    });
    s = find_socket(fd);
    if (!s || s->kind != SocketEntry::Kind::kListener) return fail(EBADF);
  }
  if (!accepted) return fail(accepted.error().code);
  const int new_fd = new_descriptor();
  if (new_fd < 0) {
    stack_.tcp().abort(*accepted);
    pump();
    return -1;
  }
  s = find_socket(fd);
  // The accepted socket inherits the listener's options, but not O_NONBLOCK (accept(2)).
  SocketEntry child = *s;
  child.kind = SocketEntry::Kind::kConnection;
  child.id = *accepted;
  child.bound.reset();
  child.nonblocking = false;
  child.connect_reported = true;
  sockets_[new_fd] = child;
  apply_options(child);
  if (addr) {
    const sockaddr_in peer = to_sockaddr(stack_.tcp().tuple(*accepted)->remote);
    std::memcpy(addr, &peer, std::min<std::size_t>(*length, sizeof peer));
    *length = sizeof peer;
  }
  return new_fd;
}

int Session::fail_connect(SocketEntry& s) {
  // Linux reports the socket error once (then SO_ERROR is 0) and leaves the socket unconnected,
  // ready for another connect().
  int error = stack_.tcp().take_error(s.id);
  if (error == 0 || error == EBADF) error = ECONNABORTED;
  stack_.tcp().close(s.id);
  s.kind = SocketEntry::Kind::kFresh;
  s.id = 0;
  pump();
  return fail(error);
}

int Session::connect(int fd, const sockaddr* addr, socklen_t length) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  SocketEntry* s = find_socket(fd);
  if (!s) return fail(EBADF);
  if (!addr) return fail(EFAULT);
  if (length < sizeof(sockaddr_in)) return fail(EINVAL);
  if (addr->sa_family != AF_INET) return fail(EAFNOSUPPORT);
  if (s->kind == SocketEntry::Kind::kListener) return fail(EISCONN);
  if (s->kind == SocketEntry::Kind::kFresh) {
    sockaddr_in sin;
    std::memcpy(&sin, addr, sizeof sin);
    std::optional<Endpoint> local;
    if (s->bound) local = s->bound;
    auto id = stack_.tcp().connect(now_, from_sockaddr(sin), local, options_for(*s));
    if (!id) return fail(id.error().code);
    s->kind = SocketEntry::Kind::kConnection;
    s->id = *id;
    s->connect_reported = false;
    apply_options(*s);
    pump();  // the SYN leaves now
    if (s->nonblocking) return fail(EINPROGRESS);
  } else {
    const TcpState state = stack_.tcp().state(s->id).value_or(TcpState::kClosed);
    if (handshaking(state) && s->nonblocking) return fail(EALREADY);
  }
  const SocketId id = s->id;
  wait(lock, std::nullopt,
       [&] { return !handshaking(stack_.tcp().state(id).value_or(TcpState::kClosed)); });
  s = find_socket(fd);
  if (!s || s->id != id) return fail(EBADF);
  if (stack_.tcp().state(id).value_or(TcpState::kClosed) == TcpState::kClosed) {
    return fail_connect(*s);
  }
  if (s->connect_reported) return fail(EISCONN);
  s->connect_reported = true;
  return 0;
}

ssize_t Session::recv(int fd, const iovec* iov, int iovcnt, int flags) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  if (!find_socket(fd)) return fail(epolls_.count(fd) ? EINVAL : EBADF);
  return recv_locked(lock, fd, iov, iovcnt, flags);
}

ssize_t Session::recv_locked(std::unique_lock<std::mutex>& lock, int fd, const iovec* iov,
                             int iovcnt, int flags) {
  if (iovcnt < 0) return fail(EINVAL);
  if (flags & ~(MSG_DONTWAIT | MSG_WAITALL | MSG_NOSIGNAL | MSG_CMSG_CLOEXEC)) {
    return fail(EOPNOTSUPP);  // MSG_PEEK, MSG_OOB, MSG_TRUNC: not offered by the stack
  }
  SocketEntry* s = find_socket(fd);
  if (s->kind != SocketEntry::Kind::kConnection) return fail(ENOTCONN);
  const std::size_t wanted = total_length(iov, iovcnt);
  if (wanted == 0) return 0;
  const SocketId id = s->id;
  const bool nonblocking = s->nonblocking || (flags & MSG_DONTWAIT);
  std::size_t got = 0;
  for (;;) {
    int error = 0;
    bool end_of_stream = false;
    bool drained = false;    // the receive buffer had less than asked for
    std::size_t skip = got;  // fill the iovecs in order, past what earlier passes filled
    for (int i = 0; i < iovcnt && !error && !end_of_stream && !drained; ++i) {
      if (skip >= iov[i].iov_len) {
        skip -= iov[i].iov_len;
        continue;
      }
      MutableBytes out(static_cast<std::uint8_t*>(iov[i].iov_base) + skip, iov[i].iov_len - skip);
      skip = 0;
      auto r = stack_.tcp().recv(id, out);
      if (!r) {
        error = r.error().code;
      } else if (*r == 0) {
        end_of_stream = true;
      } else {
        got += *r;
        drained = *r < out.size();
      }
    }
    if (got > 0) pump();  // a window update may be due
    if (got == wanted || end_of_stream) return static_cast<ssize_t>(got);
    if (error && error != EAGAIN) return got > 0 ? static_cast<ssize_t>(got) : fail(error);
    if (got > 0 && !(flags & MSG_WAITALL)) return static_cast<ssize_t>(got);
    if (nonblocking) return got > 0 ? static_cast<ssize_t>(got) : fail(EAGAIN);
    s = find_socket(fd);
    if (!s) return fail(EBADF);
    if (s->shut_read) return static_cast<ssize_t>(got);
    wait(lock, std::nullopt, [&] {
      return (stack_.tcp().events(id) &
              (readiness::kReadable | readiness::kError | readiness::kHangup)) != 0;
    });
    if (!find_socket(fd)) return fail(EBADF);
  }
}

ssize_t Session::send(int fd, const iovec* iov, int iovcnt, int flags) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  if (!find_socket(fd)) return fail(epolls_.count(fd) ? EINVAL : EBADF);
  return send_locked(lock, fd, iov, iovcnt, flags);
}

ssize_t Session::send_locked(std::unique_lock<std::mutex>& lock, int fd, const iovec* iov,
                             int iovcnt, int flags) {
  if (iovcnt < 0) return fail(EINVAL);
  if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_EOR)) return fail(EOPNOTSUPP);
  SocketEntry* s = find_socket(fd);
  // Linux: writing to a socket that is not connected (nor connecting) gives EPIPE.
  if (s->kind != SocketEntry::Kind::kConnection) return fail(EPIPE);
  if (s->shut_write) return fail(EPIPE);
  const std::size_t wanted = total_length(iov, iovcnt);
  const SocketId id = s->id;
  const bool nonblocking = s->nonblocking || (flags & MSG_DONTWAIT);
  std::size_t sent = 0;
  for (;;) {
    const TcpState state = stack_.tcp().state(id).value_or(TcpState::kClosed);
    int error = 0;
    if (handshaking(state)) {
      error = EAGAIN;  // wait for the handshake, as sk_stream_wait_connect() does
    } else {
      std::size_t skip = sent;
      for (int i = 0; i < iovcnt && error == 0; ++i) {
        if (skip >= iov[i].iov_len) {
          skip -= iov[i].iov_len;
          continue;
        }
        Bytes in(static_cast<const std::uint8_t*>(iov[i].iov_base) + skip, iov[i].iov_len - skip);
        skip = 0;
        auto r = stack_.tcp().send(id, in);
        if (!r) {
          error = r.error().code;
        } else {
          sent += *r;
          if (*r < in.size()) error = EAGAIN;
        }
      }
      if (sent > 0) pump();
    }
    if (sent == wanted) return static_cast<ssize_t>(sent);
    if (error != EAGAIN) return sent > 0 ? static_cast<ssize_t>(sent) : fail(error);
    if (nonblocking) return sent > 0 ? static_cast<ssize_t>(sent) : fail(EAGAIN);
    wait(lock, std::nullopt, [&] {
      const auto st = stack_.tcp().state(id).value_or(TcpState::kClosed);
      if (handshaking(st)) return false;
      return (stack_.tcp().events(id) &
              (readiness::kWritable | readiness::kError | readiness::kHangup)) != 0;
    });
    if (!find_socket(fd)) return fail(EBADF);
  }
}

int Session::fcntl(int fd, int cmd, long arg) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  SocketEntry* s = find_socket(fd);
  if (!s) return fail(epolls_.count(fd) ? EINVAL : EBADF);
  switch (cmd) {
    case F_GETFL:
      return O_RDWR | (s->nonblocking ? O_NONBLOCK : 0);
    case F_SETFL:
      s->nonblocking = (arg & O_NONBLOCK) != 0;
      return 0;
    case F_GETFD:
      return FD_CLOEXEC;
    case F_SETFD:
      return 0;
    default:
      return fail(EINVAL);
  }
}

int Session::ioctl(int fd, unsigned long request, void* arg) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  SocketEntry* s = find_socket(fd);
  if (!s) return fail(EBADF);
  if (!arg) return fail(EFAULT);
  if (request == FIONBIO) {
    int on = 0;
    std::memcpy(&on, arg, sizeof on);
    s->nonblocking = on != 0;
    return 0;
  }
  if (request == FIONREAD) {  // SIOCINQ: bytes ready to read
    if (s->kind == SocketEntry::Kind::kListener) return fail(EINVAL);
    const TcpConnection* c =
        s->kind == SocketEntry::Kind::kConnection ? stack_.tcp().connection(s->id) : nullptr;
    const int n = c ? static_cast<int>(c->bytes_readable()) : 0;
    std::memcpy(arg, &n, sizeof n);
    return 0;
  }
  return fail(ENOTTY);  // what Linux returns for an ioctl a socket does not know
}

int Session::close(int fd) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  if (auto it = sockets_.find(fd); it != sockets_.end()) {
    SocketEntry& s = it->second;
    if (s.kind == SocketEntry::Kind::kConnection && s.linger_on && s.linger_seconds == 0) {
      stack_.tcp().abort(s.id);  // SO_LINGER {1, 0}: RST instead of FIN
    } else if (s.kind != SocketEntry::Kind::kFresh) {
      stack_.tcp().close(s.id);
    }
    sockets_.erase(it);
    for (auto& [epfd, ep] : epolls_) ep.interest.erase(fd);
    ::close(fd);
    pump();
    return 0;
  }
  if (epolls_.erase(fd)) {
    ::close(fd);
    return 0;
  }
  return fail(EBADF);
}

int Session::shutdown(int fd, int how) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  SocketEntry* s = find_socket(fd);
  if (!s) return fail(EBADF);
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) return fail(EINVAL);
  if (s->kind == SocketEntry::Kind::kFresh) return fail(ENOTCONN);
  if (s->kind == SocketEntry::Kind::kListener) {
    // Linux: shutting the read side of a listener stops it listening.
    if (how != SHUT_WR) {
      stack_.tcp().close(s->id);
      s->kind = SocketEntry::Kind::kFresh;
      s->id = 0;
      pump();
    }
    return 0;
  }
  if (stack_.tcp().state(s->id).value_or(TcpState::kClosed) == TcpState::kClosed) {
    return fail(ENOTCONN);
  }
  const ShutdownHow which = how == SHUT_RD   ? ShutdownHow::kRead
                            : how == SHUT_WR ? ShutdownHow::kWrite
                                             : ShutdownHow::kBoth;
  if (const Status shut = stack_.tcp().shutdown(s->id, which); !shut)
    return fail(shut.error().code);
  if (how != SHUT_WR) s->shut_read = true;
  if (how != SHUT_RD) s->shut_write = true;
  pump();
  return 0;
}

// ---------------------------------------------------------------- readiness

std::uint32_t Session::readiness_of(const SocketEntry& s) const {
  const TcpLayer& tcp = stack_.tcp();
  switch (s.kind) {
    case SocketEntry::Kind::kFresh:
      return POLLOUT | POLLWRNORM | POLLHUP;  // tcp_poll() on a socket in CLOSE
    case SocketEntry::Kind::kListener:
      return (tcp.events(s.id) & readiness::kReadable) ? POLLIN | POLLRDNORM : 0;
    case SocketEntry::Kind::kConnection:
      break;
  }
  // Mirrors Linux tcp_poll(): HUP when both directions are shut, IN|RDHUP once the peer's FIN
  // arrived, OUT only after the handshake.
  const TcpState state = tcp.state(s.id).value_or(TcpState::kClosed);
  const std::uint32_t events = tcp.events(s.id);
  const TcpConnection* c = tcp.connection(s.id);
  const bool closed = state == TcpState::kClosed;
  const bool read_shut = closed || s.shut_read || (c && c->peer_closed());
  const bool write_shut = closed || s.shut_write;
  std::uint32_t mask = 0;
  if (read_shut && write_shut) mask |= POLLHUP;
  if (read_shut) mask |= POLLIN | POLLRDNORM | POLLRDHUP;
  if (!handshaking(state)) {
    if (events & readiness::kReadable) mask |= POLLIN | POLLRDNORM;
    if (write_shut || (events & readiness::kWritable)) mask |= POLLOUT | POLLWRNORM;
  }
  if (events & readiness::kError) mask |= POLLERR;
  return mask;
}

int Session::poll(pollfd* fds, nfds_t count, int timeout_ms) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  if (count > 0 && !fds) return fail(EFAULT);
  auto scan = [&] {
    int ready = 0;
    for (nfds_t i = 0; i < count; ++i) {
      fds[i].revents = 0;
      if (fds[i].fd < 0) continue;
      const SocketEntry* s = find_socket(fds[i].fd);
      std::uint32_t mask = 0;
      if (s) {
        mask = readiness_of(*s) & (static_cast<std::uint16_t>(fds[i].events) | POLLERR | POLLHUP);
      } else if (!epolls_.count(fds[i].fd)) {
        mask = POLLNVAL;
      }
      fds[i].revents = static_cast<short>(mask);
      if (mask) ++ready;
    }
    return ready;
  };
  int ready = scan();
  if (ready > 0 || timeout_ms == 0) return ready;
  std::optional<Instant> deadline;
  if (timeout_ms > 0) deadline = now_ + milliseconds(timeout_ms);
  wait(lock, deadline, [&] { return (ready = scan()) > 0; });
  return ready;
}

int Session::epoll_create(int size) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  if (size <= 0) return fail(EINVAL);
  const int fd = new_descriptor();
  if (fd < 0) return -1;
  epolls_[fd] = EpollEntry{};
  return fd;
}

int Session::epoll_ctl(int epfd, int op, int fd, epoll_event* event) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  auto ep = epolls_.find(epfd);
  if (ep == epolls_.end()) return fail(sockets_.count(epfd) ? EINVAL : EBADF);
  if (!find_socket(fd)) return fail(epolls_.count(fd) ? EINVAL : EBADF);
  auto& interest = ep->second.interest;
  switch (op) {
    case EPOLL_CTL_ADD:
      if (!event) return fail(EFAULT);
      if (interest.count(fd)) return fail(EEXIST);
      interest[fd] = *event;
      return 0;
    case EPOLL_CTL_MOD:
      if (!event) return fail(EFAULT);
      if (!interest.count(fd)) return fail(ENOENT);
      interest[fd] = *event;
      return 0;
    case EPOLL_CTL_DEL:
      if (!interest.erase(fd)) return fail(ENOENT);
      return 0;
    default:
      return fail(EINVAL);
  }
}

int Session::epoll_wait(int epfd, epoll_event* events, int max_events, int timeout_ms) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  if (max_events <= 0) return fail(EINVAL);
  if (!events) return fail(EFAULT);
  if (!epolls_.count(epfd)) return fail(sockets_.count(epfd) ? EINVAL : EBADF);
  // Level-triggered; EPOLLONESHOT disarms after one report. EPOLLET is treated as level.
  auto scan = [&] {
    auto ep = epolls_.find(epfd);
    if (ep == epolls_.end()) return -1;
    int n = 0;
    for (auto& [fd, registered] : ep->second.interest) {
      if (n == max_events) break;
      const SocketEntry* s = find_socket(fd);
      if (!s) continue;
      const std::uint32_t mask = readiness_of(*s) & (registered.events | EPOLLERR | EPOLLHUP);
      if (!mask) continue;
      events[n].events = mask;
      events[n].data = registered.data;
      ++n;
      if (registered.events & EPOLLONESHOT) registered.events = 0;
    }
    return n;
  };
  int ready = scan();
  if (ready != 0 || timeout_ms == 0) return ready < 0 ? fail(EBADF) : ready;
  std::optional<Instant> deadline;
  if (timeout_ms > 0) deadline = now_ + milliseconds(timeout_ms);
  wait(lock, deadline, [&] { return (ready = scan()) != 0; });
  return ready < 0 ? fail(EBADF) : ready;
}

}  // namespace synack::packetdrill
