#pragma once
// The TCP layer of a host: it owns every connection, listener and TIME_WAIT entry, finds the
// one each arriving segment belongs to (4-tuple, then TIME_WAIT, then listener, else RST),
// allocates ephemeral ports, and offers the socket API: listen, accept, connect, send, recv,
// shutdown, close, abort, non-blocking with readiness events and errno-style errors.
//
// Sans-IO: segments arrive through TransportHandler::on_tcp with the current time and leave
// through IpServices::send_ip; application calls are queued and take effect at the next poll
// (connect, which needs the time for its ISN, is handed it).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "synack/core/error.hpp"
#include "synack/stack/transport.hpp"
#include "synack/tcp/connection.hpp"
#include "synack/tcp/context.hpp"
#include "synack/tcp/demonstration.hpp"
#include "synack/tcp/listener.hpp"
#include "synack/tcp/time_wait.hpp"
#include "synack/tcp/tuple_key.hpp"

namespace synack {

// A socket handle: slot index in the low 32 bits, the slot's generation in the high 32 bits, so
// a stale handle never reaches a socket that reused the slot.
using SocketId = std::uint64_t;

// Readiness bits, as poll(2) names them.
namespace readiness {
inline constexpr std::uint32_t kReadable = 1;  // data, EOF, error, or a connection to accept
inline constexpr std::uint32_t kWritable = 2;  // send buffer space in a sending state
inline constexpr std::uint32_t kError = 4;     // a pending error (see take_error)
inline constexpr std::uint32_t kHangup = 8;    // the connection is closed both ways
}  // namespace readiness

enum class ShutdownHow : std::uint8_t { kRead, kWrite, kBoth };

class TcpLayer : public TransportHandler, private SegmentSink {
 public:
  TcpLayer(IpServices& ip, const TcpConfig& config = {},
           std::optional<TcpSecrets> secrets = std::nullopt);
  TcpLayer(const TcpLayer&) = delete;
  TcpLayer& operator=(const TcpLayer&) = delete;
  ~TcpLayer() override;

  // ---- socket API: Result<T> or Status, errors carry errno values (core/error.hpp) ----
  // Listens on `local` (address all-zero = any local address). EADDRINUSE if taken.
  // Options (buffer sizes, Nagle, keepalive, congestion control) default to the TcpConfig's;
  // connections accepted from a listener inherit the listener's.
  Result<SocketId> listen(const Endpoint& local, int backlog,
                          std::optional<TcpSocketOptions> options = std::nullopt);
  // The next completed connection, EAGAIN if none (EINVAL for a non-listener).
  Result<SocketId> accept(SocketId listener);
  // Starts an active open (non-blocking: like EINPROGRESS, the socket becomes writable when
  // ESTABLISHED, or reports ECONNREFUSED / ETIMEDOUT through take_error()); ENOBUFS at the
  // max_connections limit. Without `local`
  // the source address comes from the route and the port from the ephemeral range.
  Result<SocketId> connect(Instant now, const Endpoint& remote,
                           std::optional<Endpoint> local = std::nullopt,
                           std::optional<TcpSocketOptions> options = std::nullopt);
  // Bytes taken into the send buffer: EAGAIN when full, EPIPE after shutdown, the connection's
  // error once it failed, ENOTCONN before it exists.
  Result<std::size_t> send(SocketId socket, Bytes data);
  // Bytes read; 0 at end of stream (peer's FIN); EAGAIN when nothing is there yet.
  Result<std::size_t> recv(SocketId socket, MutableBytes out);
  Status shutdown(SocketId socket, ShutdownHow how);
  // Releases the handle. A connection closes gracefully (FIN, or RST if unread data remains)
  // and lives on, orphaned, until its close completes.
  Status close(SocketId socket);
  // RST now and release the handle.
  Status abort(SocketId socket);
  Status set_no_delay(SocketId socket, bool on);
  // SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT.
  Status set_keepalive(SocketId socket, bool on, Duration idle, Duration interval, int probes);
  // TCP_CONGESTION.
  Status set_congestion(SocketId socket, CongestionAlgorithm algorithm);
  std::optional<TcpSocketOptions> socket_options(SocketId socket) const;

  std::uint32_t events(SocketId socket) const;
  // The pending error (SO_ERROR): returned once, then cleared; 0 if none, EBADF for a socket
  // that is not open. An errno value as data, like getsockopt(SO_ERROR)'s, not a failed call.
  int take_error(SocketId socket);
  // The connection's state as the application sees it (CLOSED once it left for TIME_WAIT).
  std::optional<TcpState> state(SocketId socket) const;
  std::optional<FourTuple> tuple(SocketId socket) const;
  // Inspection for tests, tools and scenarios.
  const TcpConnection* connection(SocketId socket) const;
  const Listener* listener(SocketId socket) const;
  const TimeWaitTable& time_wait() const { return time_wait_; }
  // The state of any 4-tuple this layer knows: connection, half-open entry or TIME_WAIT.
  std::optional<TcpState> state_of(const FourTuple& tuple) const;
  std::size_t connection_count() const { return demux_.size(); }

  const TcpCounters& counters() const { return ctx_.counters; }
  const TcpConfig& config() const { return ctx_.config; }
  void set_event_callback(TcpEventCallback callback) { ctx_.on_event = std::move(callback); }

  // NOT FOR PRODUCTION: switches on deliberately unsafe behaviour (a fixed ISN, a short or no
  // TIME_WAIT) that the scenario catalog and tests demonstrate; see DemonstrationSettings. Only
  // while the layer holds no socket and no TIME_WAIT entry (EBUSY otherwise), so no connection
  // ever sees two behaviours.
  Status use_demonstration_settings(const DemonstrationSettings& settings);
  const DemonstrationSettings& demonstration_settings() const { return ctx_.demonstration; }

  // ---- TransportHandler ----
  void on_tcp(Instant now, const IpAddress& src, const IpAddress& dst, Bytes segment,
              bool checksum_verified_or_offloaded) override;
  Instant next_deadline() const override;
  void poll(Instant now) override;
  // EHOSTUNREACH for the connection that sent the packet (see TcpConnection::on_network_error).
  void on_unreachable(Instant now, const IpAddress& src, const IpAddress& dst,
                      Bytes transport_header) override;

 private:
  struct Socket {
    std::uint32_t generation = 0;
    bool in_use = false;
    bool app_owned = false;  // the application holds the handle
    bool detached = false;   // the connection left the demux table (CLOSED or TIME_WAIT)
    int pending_error = 0;
    SocketId parent = 0;  // listener whose accept queue holds it, until accept()
    std::unique_ptr<TcpConnection> connection;
    std::unique_ptr<Listener> listener;
    Instant scheduled = kNever;  // deadline last pushed to deadlines_
  };

  // SegmentSink: a segment from any connection, listener or TIME_WAIT entry goes to IP.
  void send_segment(const FourTuple& tuple, const TcpRepr& header,
                    const SplitBytes& payload) override;

  SocketId allocate_socket();
  Socket* find(SocketId id);
  const Socket* find(SocketId id) const;
  // Only handles the application holds: closed, aborted or not yet accepted ones are not.
  Socket* find_owned(SocketId id);
  const Socket* find_owned(SocketId id) const;
  void release(SocketId id);
  Listener* find_listener(const Endpoint& local);
  void on_passive_open(Instant now, SocketId listener_id, const PassiveOpen& open,
                       const InboundSegment& seg);
  void send_reset_for_unknown(Instant now, const InboundSegment& seg);
  std::optional<std::uint16_t> pick_ephemeral_port(const IpAddress& local, const Endpoint& remote);
  bool tuple_in_use(const FourTuple& tuple) const;
  // After anything touched a connection: reap it if finished, else reschedule its deadline.
  void settle(SocketId id);
  void finish_connection(SocketId id, Socket& s);
  std::uint16_t mss_toward(const IpAddress& remote) const;

  IpServices& ip_;
  TcpContext ctx_;
  Instant now_;
  std::vector<Socket> sockets_;
  std::vector<std::uint32_t> free_slots_;
  // Keyed (SipHash) so that peers choosing addresses and ports cannot aim them at one bucket.
  std::unordered_map<FourTuple, SocketId, KeyedTupleHash> demux_;
  std::map<Endpoint, SocketId> listeners_;
  TimeWaitTable time_wait_;
  using Deadline = std::pair<Instant, SocketId>;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  std::uint32_t ephemeral_counter_ = 0;
};

}  // namespace synack
