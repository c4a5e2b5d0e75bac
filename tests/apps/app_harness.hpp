#pragma once
// Test support for the apps: a driver that polls apps after every simulator step (as the real
// event loop does after every stack step), and tiny scripted peers written with the socket API.
#include <algorithm>
#include <cerrno>
#include <functional>
#include <string>
#include <vector>

#include "support/tcp_pair.hpp"
#include "synack/apps/app.hpp"
#include "synack/core/random.hpp"

namespace synack::testing {

// Runs until done() or `limit`, polling every app after each step; an app's own deadline
// becomes a simulator wake-up so it is polled then even if no packet arrives.
inline bool run_apps(TcpPair& p, const std::vector<apps::App*>& apps,
                     const std::function<bool()>& done, Duration limit) {
  Instant scheduled = kNever;
  return p.run_until(
      [&] {
        Instant next = kNever;
        for (apps::App* a : apps) {
          a->poll(p.sim.now());
          next = earliest(next, a->next_deadline());
        }
        if (next != kNever && next != scheduled) {
          scheduled = next;
          p.sim.schedule_at(std::max(next, p.sim.now()), [] {});
        }
        return done();
      },
      limit);
}

inline Bytes text_bytes(std::string_view s) {
  return Bytes{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// A client that sends what it is given and keeps everything it receives, until EOF.
class ScriptedClient : public apps::App {
 public:
  ScriptedClient(TcpLayer& tcp, Instant now, Endpoint server) : tcp_(tcp) {
    socket_ = *tcp_.connect(now, server);
  }
  void write(std::string_view data) { pending_ += data; }
  void shutdown_write() { shut_ = true; }
  void poll(Instant) override {
    while (!pending_.empty()) {
      auto n = tcp_.send(socket_, text_bytes(pending_));
      if (!n) break;
      pending_.erase(0, *n);
    }
    if (shut_ && pending_.empty() && !shut_done_ && tcp_.state(socket_) == TcpState::kEstablished) {
      tcp_.shutdown(socket_, ShutdownHow::kWrite);
      shut_done_ = true;
    }
    std::uint8_t buffer[4096];
    while (!eof_) {
      auto n = tcp_.recv(socket_, MutableBytes{buffer, sizeof buffer});
      if (!n) {
        if (n.error() != EAGAIN) error_ = n.error().code;
        break;
      }
      if (*n == 0) eof_ = true;
      received_.append(reinterpret_cast<const char*>(buffer), *n);
    }
  }
  const std::string& received() const { return received_; }
  bool eof() const { return eof_; }
  int error() const { return error_; }
  SocketId socket() const { return socket_; }

 private:
  TcpLayer& tcp_;
  SocketId socket_ = 0;
  std::string pending_;
  bool shut_ = false;
  bool shut_done_ = false;
  std::string received_;
  bool eof_ = false;
  int error_ = 0;
};

// A server for one connection: reads until the request head's empty line (or, with
// `wait_for_eof`, until the client's FIN), then sends `pieces` one per `gap` of time with Nagle
// off (so each leaves in its own segment), then closes.
class ScriptedServer : public apps::App {
 public:
  ScriptedServer(TcpLayer& tcp, SocketId listener, std::vector<std::string> pieces,
                 Duration gap = milliseconds(1), bool wait_for_eof = false)
      : tcp_(tcp),
        listener_(listener),
        pieces_(std::move(pieces)),
        gap_(gap),
        wait_for_eof_(wait_for_eof) {}
  void poll(Instant now) override {
    if (socket_ == 0) {
      auto a = tcp_.accept(listener_);
      if (!a) return;
      socket_ = *a;
      tcp_.set_no_delay(socket_, true);
    }
    std::uint8_t buffer[4096];
    while (!request_done_) {
      auto n = tcp_.recv(socket_, MutableBytes{buffer, sizeof buffer});
      if (!n) break;
      if (*n == 0) {
        eof_at_ = now;
        request_done_ = true;
        break;
      }
      request_.append(reinterpret_cast<const char*>(buffer), *n);
      if (!wait_for_eof_ && request_.find("\r\n\r\n") != std::string::npos) request_done_ = true;
    }
    if (!request_done_ || closed_) return;
    if (next_piece_at_ == kNever) next_piece_at_ = now;
    while (next_ < pieces_.size() && now >= next_piece_at_) {
      const std::string& piece = pieces_[next_];
      auto sent = tcp_.send(socket_, text_bytes(std::string_view(piece).substr(offset_)));
      if (!sent) return;
      offset_ += *sent;
      if (offset_ < piece.size()) return;
      offset_ = 0;
      ++next_;
      next_piece_at_ = now + gap_;
    }
    if (next_ == pieces_.size()) {
      tcp_.close(socket_);
      closed_ = true;
    }
  }
  Instant next_deadline() const override {
    return closed_ || next_piece_at_ == kNever ? kNever : next_piece_at_;
  }
  const std::string& request() const { return request_; }
  Instant eof_at() const { return eof_at_; }
  bool closed() const { return closed_; }

 private:
  TcpLayer& tcp_;
  SocketId listener_;
  std::vector<std::string> pieces_;
  Duration gap_;
  bool wait_for_eof_;
  SocketId socket_ = 0;
  std::string request_;
  bool request_done_ = false;
  Instant eof_at_ = kNever;
  std::size_t next_ = 0;
  std::size_t offset_ = 0;
  Instant next_piece_at_ = kNever;
  bool closed_ = false;
};

// Seeded pseudo-random bytes.
inline std::string random_bytes(std::size_t n, std::uint64_t seed) {
  Random random(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(random.next_u64() >> 56);
  return out;
}

}  // namespace synack::testing
