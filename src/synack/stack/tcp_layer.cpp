// TcpLayer: sockets, the socket API and scheduling. Demultiplexing lives in tcp_demux.cpp.
#include <algorithm>
#include <cerrno>

#include "synack/stack/tcp_layer.hpp"
#include "synack/wire/checksum.hpp"

namespace synack {

namespace {
SecretKey fresh_key() {
  auto key = random_secret_key();
  // No safe stack exists without secret keys (ISNs and cookies would be guessable), and Linux has
  // had getrandom(2) since 3.17: a system without entropy must pass StackConfig::secrets.
  SYNACK_CHECK(key.has_value(), "no entropy for the TCP secrets; pass StackConfig::secrets");
  return *key;
}
TcpSecrets fresh_secrets() {
  return TcpSecrets{fresh_key(), fresh_key(), fresh_key()};
}
std::uint32_t slot_of(SocketId id) {
  return static_cast<std::uint32_t>(id);
}
std::uint32_t generation_of(SocketId id) {
  return static_cast<std::uint32_t>(id >> 32);
}
bool is_unspecified(const IpAddress& a) {
  return a == IpAddress{a.family, {}};
}
}  // namespace

// Distinct from every other use of the ISN secret (see KeyedTupleHash::derive_key).
constexpr std::uint32_t kDemuxHashLabel = 0x434f4e4e;  // "CONN"

TcpLayer::TcpLayer(IpServices& ip, const TcpConfig& config, std::optional<TcpSecrets> secrets)
    : ip_(ip),
      ctx_(config, secrets ? *secrets : fresh_secrets(), *this),
      demux_(0, KeyedTupleHash{KeyedTupleHash::derive_key(ctx_.secrets.isn_key, kDemuxHashLabel)}),
      time_wait_(ctx_, config.max_time_wait) {}

TcpLayer::~TcpLayer() = default;

// ---------------------------------------------------------------- sockets

SocketId TcpLayer::allocate_socket() {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(sockets_.size());
    sockets_.emplace_back();
  }
  Socket& s = sockets_[slot];
  ++s.generation;
  s.in_use = true;
  return (SocketId{s.generation} << 32) | slot;
}

TcpLayer::Socket* TcpLayer::find(SocketId id) {
  const std::uint32_t slot = slot_of(id);
  if (slot >= sockets_.size()) return nullptr;
  Socket& s = sockets_[slot];
  return s.in_use && s.generation == generation_of(id) ? &s : nullptr;
}

const TcpLayer::Socket* TcpLayer::find(SocketId id) const {
  return const_cast<TcpLayer*>(this)->find(id);
}

TcpLayer::Socket* TcpLayer::find_owned(SocketId id) {
  Socket* s = find(id);
  return s && s->app_owned ? s : nullptr;
}

const TcpLayer::Socket* TcpLayer::find_owned(SocketId id) const {
  const Socket* s = find(id);
  return s && s->app_owned ? s : nullptr;
}

void TcpLayer::release(SocketId id) {
  Socket& s = sockets_[slot_of(id)];
  const std::uint32_t generation = s.generation;
  s = Socket{};
  s.generation = generation;
  free_slots_.push_back(slot_of(id));
}

// ---------------------------------------------------------------- API

Result<SocketId> TcpLayer::listen(const Endpoint& local, int backlog,
                                  std::optional<TcpSocketOptions> options) {
  if (listeners_.count(local)) return Unexpected{EADDRINUSE};
  if (!is_unspecified(local.address) && !ip_.is_local_address(local.address)) {
    return Unexpected{EADDRNOTAVAIL};
  }
  const SocketId id = allocate_socket();
  Socket& s = *find(id);
  s.app_owned = true;
  s.listener =
      std::make_unique<Listener>(ctx_, local, static_cast<std::size_t>(std::max(backlog, 1)),
                                 options.value_or(TcpSocketOptions::from(ctx_.config)));
  listeners_.emplace(local, id);
  ctx_.trace_state(now_, FourTuple{local, {}}, TcpState::kClosed, TcpState::kListen, "listen");
  return id;
}

Result<SocketId> TcpLayer::accept(SocketId listener_id) {
  Socket* ls = find_owned(listener_id);
  if (!ls) return Unexpected{EBADF};
  if (!ls->listener) return Unexpected{EINVAL};
  while (auto handle = ls->listener->pop_accepted()) {
    Socket* s = find(*handle);
    if (!s) continue;  // died while queued
    s->app_owned = true;
    s->parent = 0;
    return *handle;
  }
  return Unexpected{EAGAIN};
}

Result<SocketId> TcpLayer::connect(Instant now, const Endpoint& remote,
                                   std::optional<Endpoint> local,
                                   std::optional<TcpSocketOptions> options) {
  now_ = std::max(now_, now);
  if (demux_.size() >= ctx_.config.max_connections) return Unexpected{ENOBUFS};
  const auto route = ip_.route_to(remote.address);
  if (!route) return Unexpected{ENETUNREACH};
  Endpoint source = local.value_or(Endpoint{route->source, 0});
  if (is_unspecified(source.address)) source.address = route->source;
  if (source.port == 0) {
    const auto port = pick_ephemeral_port(source.address, remote);
    if (!port) return Unexpected{EADDRNOTAVAIL};
    source.port = *port;
  } else if (tuple_in_use(FourTuple{source, remote})) {
    return Unexpected{EADDRINUSE};
  }
  const FourTuple tuple{source, remote};
  const SocketId id = allocate_socket();
  Socket& s = *find(id);
  s.app_owned = true;
  s.connection =
      std::make_unique<TcpConnection>(ctx_, now_, tuple, static_cast<std::uint16_t>(route->mss),
                                      options.value_or(TcpSocketOptions::from(ctx_.config)));
  demux_.emplace(tuple, id);
  settle(id);
  return id;
}

Result<std::size_t> TcpLayer::send(SocketId id, Bytes data) {
  Socket* s = find_owned(id);
  if (!s) return Unexpected{EBADF};
  if (!s->connection) return Unexpected{ENOTCONN};
  TcpConnection& c = *s->connection;
  if (s->pending_error) return Unexpected{std::exchange(s->pending_error, 0)};
  if (c.error()) return Unexpected{EPIPE};
  const TcpState st = c.state();
  if (st == TcpState::kSynSent || st == TcpState::kSynReceived) {
    // Queued until ESTABLISHED, as RFC 9293 3.10.2 allows.
  } else if (st != TcpState::kEstablished && st != TcpState::kCloseWait) {
    return Unexpected{EPIPE};
  }
  if (s->detached) return Unexpected{EPIPE};
  if (data.empty()) return std::size_t{0};
  const std::size_t n = c.send(data);
  if (n == 0) return Unexpected{c.writable() || c.send_space() > 0 ? EPIPE : EAGAIN};
  settle(id);
  return n;
}

Result<std::size_t> TcpLayer::recv(SocketId id, MutableBytes out) {
  Socket* s = find_owned(id);
  if (!s) return Unexpected{EBADF};
  if (!s->connection) return Unexpected{ENOTCONN};
  TcpConnection& c = *s->connection;
  if (c.bytes_readable() > 0) {
    const std::size_t n = c.receive(out);
    if (!s->detached) settle(id);  // reading may open the window
    return n;
  }
  if (c.peer_closed()) return std::size_t{0};
  if (s->pending_error) return Unexpected{std::exchange(s->pending_error, 0)};
  if (c.error()) return Unexpected{c.error()};
  if (c.state() == TcpState::kClosed) return std::size_t{0};
  return Unexpected{EAGAIN};
}

Status TcpLayer::shutdown(SocketId id, ShutdownHow how) {
  Socket* s = find_owned(id);
  if (!s) return Unexpected{EBADF};
  if (!s->connection || s->detached) return Unexpected{ENOTCONN};
  if (how == ShutdownHow::kWrite || how == ShutdownHow::kBoth) s->connection->shutdown_write();
  settle(id);
  return {};
}

Status TcpLayer::close(SocketId id) {
  Socket* s = find_owned(id);
  if (!s) return Unexpected{EBADF};
  if (s->listener) {
    // Linux: pending connections that were never accepted are reset, half-open ones dropped.
    Listener& l = *s->listener;
    l.clear_half_open(now_);
    while (auto handle = l.pop_accepted()) {
      if (Socket* child = find(*handle); child && child->connection) {
        child->connection->abort();
        settle(*handle);
      }
    }
    ctx_.trace_state(now_, FourTuple{l.local(), {}}, TcpState::kListen, TcpState::kClosed, "close");
    listeners_.erase(l.local());
    release(id);
    return {};
  }
  s->app_owned = false;
  if (s->detached) {
    release(id);
    return {};
  }
  s->connection->close();
  settle(id);
  return {};
}

Status TcpLayer::abort(SocketId id) {
  Socket* s = find_owned(id);
  if (!s) return Unexpected{EBADF};
  if (s->listener) return close(id);
  s->app_owned = false;
  if (!s->detached) {
    s->connection->abort();
    settle(id);
    return {};
  }
  release(id);
  return {};
}

Status TcpLayer::set_no_delay(SocketId id, bool on) {
  Socket* s = find_owned(id);
  if (!s) return Unexpected{EBADF};
  if (!s->connection) return Unexpected{ENOTCONN};
  s->connection->set_no_delay(on);
  if (!s->detached) settle(id);
  return {};
}

Status TcpLayer::set_keepalive(SocketId id, bool on, Duration idle, Duration interval, int probes) {
  Socket* s = find_owned(id);
  if (!s) return Unexpected{EBADF};
  if (!s->connection) return Unexpected{ENOTCONN};
  if (idle <= Duration{0} || interval <= Duration{0} || probes <= 0) return Unexpected{EINVAL};
  s->connection->set_keepalive(on, idle, interval, probes);
  if (!s->detached) settle(id);
  return {};
}

Status TcpLayer::set_congestion(SocketId id, CongestionAlgorithm algorithm) {
  Socket* s = find_owned(id);
  if (!s) return Unexpected{EBADF};
  if (!s->connection) return Unexpected{ENOTCONN};
  s->connection->set_congestion(algorithm);
  return {};
}

std::optional<TcpSocketOptions> TcpLayer::socket_options(SocketId id) const {
  const Socket* s = find_owned(id);
  if (!s) return std::nullopt;
  if (s->listener) return s->listener->socket_options();
  return s->connection->socket_options();
}

std::uint32_t TcpLayer::events(SocketId id) const {
  const Socket* s = find_owned(id);
  if (!s) return readiness::kError | readiness::kHangup;
  if (s->listener) return s->listener->accept_queue().empty() ? 0 : readiness::kReadable;
  const TcpConnection& c = *s->connection;
  std::uint32_t ev = 0;
  if (c.readable()) ev |= readiness::kReadable;
  if (!s->detached && c.writable()) ev |= readiness::kWritable;
  if (c.error() || s->pending_error) ev |= readiness::kError;
  if (s->detached || c.state() == TcpState::kClosed) ev |= readiness::kHangup;
  return ev;
}

int TcpLayer::take_error(SocketId id) {
  Socket* s = find_owned(id);
  if (!s) return EBADF;
  return std::exchange(s->pending_error, 0);
}

std::optional<TcpState> TcpLayer::state(SocketId id) const {
  const Socket* s = find_owned(id);
  if (!s) return std::nullopt;
  if (s->listener) return TcpState::kListen;
  if (s->detached) return TcpState::kClosed;
  return s->connection->state();
}

std::optional<FourTuple> TcpLayer::tuple(SocketId id) const {
  const Socket* s = find_owned(id);
  if (!s) return std::nullopt;
  if (s->listener) return FourTuple{s->listener->local(), {}};
  return s->connection->tuple();
}

const TcpConnection* TcpLayer::connection(SocketId id) const {
  const Socket* s = find_owned(id);
  return s ? s->connection.get() : nullptr;
}

const Listener* TcpLayer::listener(SocketId id) const {
  const Socket* s = find_owned(id);
  return s ? s->listener.get() : nullptr;
}

std::optional<TcpState> TcpLayer::state_of(const FourTuple& tuple) const {
  if (auto it = demux_.find(tuple); it != demux_.end()) {
    return find(it->second)->connection->state();
  }
  if (time_wait_.contains(tuple)) return TcpState::kTimeWait;
  for (const auto& [local, id] : listeners_) {
    if (find(id)->listener->find_half_open(tuple)) return TcpState::kSynReceived;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- scheduling

void TcpLayer::settle(SocketId id) {
  Socket* s = find(id);
  if (!s || !s->connection || s->detached) return;
  TcpConnection& c = *s->connection;
  if (c.finished()) {
    finish_connection(id, *s);
    return;
  }
  const Instant next = c.next_deadline();
  if (next != s->scheduled) {
    s->scheduled = next;
    if (next != kNever) deadlines_.emplace(next, id);
  }
}

void TcpLayer::finish_connection(SocketId id, Socket& s) {
  TcpConnection& c = *s.connection;
  if (c.state() == TcpState::kTimeWait) {
    if (ctx_.config.time_wait_enabled) {
      TimeWaitEntry tw;
      tw.tuple = c.tuple();
      tw.snd_nxt = c.snd_nxt();
      tw.rcv_nxt = c.rcv_nxt();
      tw.timestamps = c.options().timestamps;
      tw.ts_recent = c.options().ts_recent;
      tw.window = static_cast<std::uint16_t>(std::min<std::size_t>(
          c.socket_options().receive_buffer >> c.options().receive_shift, 65535));
      time_wait_.insert(now_, tw);
    } else {
      ctx_.trace_state(now_, c.tuple(), TcpState::kTimeWait, TcpState::kClosed,
                       "TIME_WAIT disabled");
    }
  }
  demux_.erase(c.tuple());
  s.detached = true;
  s.scheduled = kNever;
  if (c.error()) s.pending_error = c.error();
  if (s.parent != 0) {
    if (Socket* l = find(s.parent); l && l->listener) l->listener->forget_accepted(id);
    s.parent = 0;
  }
  if (!s.app_owned) release(id);
}

Instant TcpLayer::next_deadline() const {
  Instant next = time_wait_.next_deadline();
  if (!deadlines_.empty()) next = earliest(next, deadlines_.top().first);
  for (const auto& [local, id] : listeners_) {
    next = earliest(next, find(id)->listener->next_deadline());
  }
  return next;
}

void TcpLayer::poll(Instant now) {
  now_ = std::max(now_, now);
  time_wait_.poll(now_);
  for (const auto& [local, id] : listeners_) find(id)->listener->poll(now_);
  while (!deadlines_.empty() && deadlines_.top().first <= now_) {
    const auto [when, id] = deadlines_.top();
    deadlines_.pop();
    Socket* s = find(id);
    if (!s || s->detached || s->scheduled != when) continue;  // stale
    s->scheduled = kNever;
    s->connection->poll(now_);
    settle(id);
  }
}

// ---------------------------------------------------------------- output

void TcpLayer::send_segment(const FourTuple& tuple, const TcpRepr& header,
                            const SplitBytes& payload) {
  const std::size_t header_length = header.header_length();
  const std::size_t length = header_length + payload.size();
  const auto route = ip_.route_to(tuple.remote.address);
  const bool offload = route && route->checksum_offload;
  ip_.send_ip(now_, tuple.local.address, tuple.remote.address, kIpProtocolTcp, length,
              [&](MutableBytes out) {
                std::uint8_t* body = out.data() + header_length;
                std::copy(payload.first.begin(), payload.first.end(), body);
                std::copy(payload.second.begin(), payload.second.end(),
                          body + payload.first.size());
                std::optional<std::uint32_t> pseudo;
                if (!offload) {
                  pseudo = pseudo_header_sum(tuple.local.address, tuple.remote.address,
                                             kIpProtocolTcp, static_cast<std::uint32_t>(length));
                }
                emit_tcp(header, Bytes{body, payload.size()}, out, pseudo);
              });
}

std::uint16_t TcpLayer::mss_toward(const IpAddress& remote) const {
  const auto route = ip_.route_to(remote);
  return static_cast<std::uint16_t>(route ? route->mss : ctx_.config.default_mss);
}

}  // namespace synack
