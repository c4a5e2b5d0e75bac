// getsockopt/setsockopt with Linux's validation, lengths and errors. Options the stack cannot
// honour yet are stored and reported back (see the README's list of missing hooks).
#include <netinet/tcp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "session.hpp"

namespace synack::packetdrill {
namespace {

// Linux constants behind the numbers scripts expect.
constexpr int kMinReceiveBuffer = 2304;         // SOCK_MIN_RCVBUF on x86-64
constexpr int kMinSendBuffer = 4608;            // SOCK_MIN_SNDBUF
constexpr int kMaxBufferRequest = 212992;       // net.core.{r,w}mem_max default
constexpr int kDefaultMss = 536;                // TCP_MSS_DEFAULT
constexpr int kMinUserMss = 88;                 // TCP_MIN_MSS
constexpr int kMaxUserMss = 32767;              // MAX_TCP_WINDOW
constexpr int kMaxKeepIdle = 32767;             // MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL
constexpr int kMaxKeepCount = 127;              // MAX_TCP_KEEPCNT
constexpr std::size_t kCongestionNameMax = 16;  // TCP_CA_NAME_MAX

int fail(int error) {
  errno = error;
  return -1;
}

// Linux copies min(*length, size) bytes and reports that length.
int put(const void* data, std::size_t size, void* value, socklen_t* length) {
  if (!length || !value) return fail(EFAULT);
  if (static_cast<int>(*length) < 0) return fail(EINVAL);
  const std::size_t n = std::min<std::size_t>(*length, size);
  std::memcpy(value, data, n);
  *length = static_cast<socklen_t>(n);
  return 0;
}

int put_int(int v, void* value, socklen_t* length) {
  return put(&v, sizeof v, value, length);
}

// An int option value: EINVAL when shorter than an int (Linux).
bool read_int(const void* value, socklen_t length, int& out, int& error) {
  if (length < sizeof(int)) {
    error = EINVAL;
    return false;
  }
  if (!value) {
    error = EFAULT;
    return false;
  }
  std::memcpy(&out, value, sizeof out);
  return true;
}

// RFC 9293 states as Linux numbers them (include/net/tcp_states.h).
std::uint8_t linux_state(TcpState s) {
  switch (s) {
    case TcpState::kEstablished:
      return 1;
    case TcpState::kSynSent:
      return 2;
    case TcpState::kSynReceived:
      return 3;
    case TcpState::kFinWait1:
      return 4;
    case TcpState::kFinWait2:
      return 5;
    case TcpState::kTimeWait:
      return 6;
    case TcpState::kClosed:
      return 7;
    case TcpState::kCloseWait:
      return 8;
    case TcpState::kLastAck:
      return 9;
    case TcpState::kListen:
      return 10;
    case TcpState::kClosing:
      return 11;
  }
  return 7;
}

}  // namespace

int Session::getsockopt(int fd, int level, int name, void* value, socklen_t* length) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  SocketEntry* s = find_socket(fd);
  if (!s) return fail(epolls_.count(fd) ? ENOTSOCK : EBADF);
  if (level == SOL_SOCKET) return get_socket_option(*s, name, value, length);
  if (level == IPPROTO_TCP) return get_tcp_option(*s, name, value, length);
  return fail(ENOPROTOOPT);
}

int Session::setsockopt(int fd, int level, int name, const void* value, socklen_t length) {
  std::unique_lock lock(mutex_);
  begin_call(lock);
  SocketEntry* s = find_socket(fd);
  if (!s) return fail(epolls_.count(fd) ? ENOTSOCK : EBADF);
  if (level == SOL_SOCKET) return set_socket_option(*s, name, value, length);
  if (level == IPPROTO_TCP) return set_tcp_option(*s, name, value, length);
  return fail(ENOPROTOOPT);
}

int Session::get_socket_option(SocketEntry& s, int name, void* value, socklen_t* length) {
  const TcpConfig& config = stack_.tcp().config();
  switch (name) {
    case SO_TYPE:
      return put_int(SOCK_STREAM, value, length);
    case SO_DOMAIN:
      return put_int(AF_INET, value, length);
    case SO_PROTOCOL:
      return put_int(IPPROTO_TCP, value, length);
    case SO_ACCEPTCONN:
      return put_int(s.kind == SocketEntry::Kind::kListener, value, length);
    case SO_REUSEADDR:
      return put_int(s.reuse_address, value, length);
    case SO_KEEPALIVE:
      return put_int(s.keepalive, value, length);
    case SO_SNDBUF:
      return put_int(s.send_buffer ? s.send_buffer : static_cast<int>(config.send_buffer), value,
                     length);
    case SO_RCVBUF:
      return put_int(s.receive_buffer ? s.receive_buffer : static_cast<int>(config.receive_buffer),
                     value, length);
    case SO_LINGER: {
      const linger l{s.linger_on ? 1 : 0, s.linger_seconds};
      return put(&l, sizeof l, value, length);
    }
    case SO_ERROR: {
      int error = 0;
      if (s.kind == SocketEntry::Kind::kConnection) error = stack_.tcp().take_error(s.id);
      if (error == EBADF) error = 0;
      return put_int(error, value, length);
    }
    default:
      return fail(ENOPROTOOPT);
  }
}

int Session::get_tcp_option(SocketEntry& s, int name, void* value, socklen_t* length) {
  const TcpConnection* c =
      s.kind == SocketEntry::Kind::kConnection ? stack_.tcp().connection(s.id) : nullptr;
  switch (name) {
    case TCP_NODELAY:
      return put_int(s.no_delay, value, length);
    case TCP_MAXSEG: {
      int mss = s.max_segment ? s.max_segment : kDefaultMss;
      if (c && is_synchronized(c->state())) mss = c->send_mss();
      return put_int(mss, value, length);
    }
    case TCP_KEEPIDLE:
      return put_int(s.keep_idle, value, length);
    case TCP_KEEPINTVL:
      return put_int(s.keep_interval, value, length);
    case TCP_KEEPCNT:
      return put_int(s.keep_count, value, length);
    case TCP_CONGESTION: {
      char name_buffer[kCongestionNameMax] = {};
      std::memcpy(name_buffer, s.congestion_control.data(),
                  std::min(s.congestion_control.size(), kCongestionNameMax - 1));
      return put(name_buffer, sizeof name_buffer, value, length);
    }
    case TCP_INFO: {
      tcp_info info{};
      TcpState state = TcpState::kClosed;
      if (s.kind == SocketEntry::Kind::kListener) state = TcpState::kListen;
      if (s.kind == SocketEntry::Kind::kConnection) {
        state = stack_.tcp().state(s.id).value_or(TcpState::kClosed);
      }
      info.tcpi_state = linux_state(state);
      info.tcpi_snd_mss = static_cast<std::uint32_t>(s.max_segment ? s.max_segment : kDefaultMss);
      if (c) {
        const HandshakeOptions& o = c->options();
        if (o.timestamps) info.tcpi_options |= TCPI_OPT_TIMESTAMPS;
        if (o.sack_permitted) info.tcpi_options |= TCPI_OPT_SACK;
        if (o.window_scaling) {
          info.tcpi_options |= TCPI_OPT_WSCALE;
          info.tcpi_snd_wscale = o.send_shift & 0xf;
          info.tcpi_rcv_wscale = o.receive_shift & 0xf;
        }
        info.tcpi_rto = static_cast<std::uint32_t>(to_micros(c->rtt().rto()));
        info.tcpi_snd_mss = c->send_mss();
        if (auto srtt = c->rtt().srtt())
          info.tcpi_rtt = static_cast<std::uint32_t>(to_micros(*srtt));
        info.tcpi_rttvar = static_cast<std::uint32_t>(to_micros(c->rtt().rttvar()));
      }
      return put(&info, sizeof info, value, length);
    }
    default:
      return fail(ENOPROTOOPT);
  }
}

int Session::set_socket_option(SocketEntry& s, int name, const void* value, socklen_t length) {
  int v = 0;
  int error = 0;
  if (name == SO_LINGER) {
    if (length < sizeof(linger)) return fail(EINVAL);
    if (!value) return fail(EFAULT);
    linger l{};
    std::memcpy(&l, value, sizeof l);
    s.linger_on = l.l_onoff != 0;
    s.linger_seconds = l.l_linger;
    return 0;
  }
  switch (name) {
    case SO_REUSEADDR:
    case SO_KEEPALIVE:
    case SO_SNDBUF:
    case SO_RCVBUF:
      if (!read_int(value, length, v, error)) return fail(error);
      break;
    default:
      return fail(ENOPROTOOPT);  // including SO_ERROR, which is read-only
  }
  switch (name) {
    case SO_REUSEADDR:
      s.reuse_address = v != 0;
      return 0;
    case SO_KEEPALIVE:
      s.keepalive = v != 0;
      apply_options(s);
      pump();
      return 0;
    case SO_SNDBUF:  // Linux doubles the request (bookkeeping overhead) and clamps it
      s.send_buffer = std::max(std::clamp(v, 0, kMaxBufferRequest) * 2, kMinSendBuffer);
      return 0;
    default:  // SO_RCVBUF
      s.receive_buffer = std::max(std::clamp(v, 0, kMaxBufferRequest) * 2, kMinReceiveBuffer);
      return 0;
  }
}

int Session::set_tcp_option(SocketEntry& s, int name, const void* value, socklen_t length) {
  if (name == TCP_CONGESTION) {
    if (!value) return fail(EFAULT);
    if (length < 1) return fail(EINVAL);
    const char* text = static_cast<const char*>(value);
    const std::string requested(
        text, strnlen(text, std::min<std::size_t>(length, kCongestionNameMax - 1)));
    if (requested != "reno" && requested != "cubic") return fail(ENOENT);  // not a known module
    s.congestion_control = requested;
    apply_options(s);
    return 0;
  }
  int v = 0;
  int error = 0;
  switch (name) {
    case TCP_NODELAY:
    case TCP_MAXSEG:
    case TCP_KEEPIDLE:
    case TCP_KEEPINTVL:
    case TCP_KEEPCNT:
      if (!read_int(value, length, v, error)) return fail(error);
      break;
    default:
      return fail(ENOPROTOOPT);
  }
  switch (name) {
    case TCP_NODELAY:
      s.no_delay = v != 0;
      apply_options(s);
      pump();  // turning Nagle off pushes what it held back
      return 0;
    case TCP_MAXSEG:
      if (v < kMinUserMss || v > kMaxUserMss) return fail(EINVAL);
      s.max_segment = v;
      return 0;
    case TCP_KEEPIDLE:
      if (v < 1 || v > kMaxKeepIdle) return fail(EINVAL);
      s.keep_idle = v;
      apply_options(s);
      return 0;
    case TCP_KEEPINTVL:
      if (v < 1 || v > kMaxKeepIdle) return fail(EINVAL);
      s.keep_interval = v;
      apply_options(s);
      return 0;
    default:  // TCP_KEEPCNT
      if (v < 1 || v > kMaxKeepCount) return fail(EINVAL);
      s.keep_count = v;
      apply_options(s);
      return 0;
  }
}

}  // namespace synack::packetdrill
