#pragma once
// The part every two-stack testbed shares: a simulator with a client stack (198.18.0.1) and a
// server stack (198.18.0.2) on it, the TCP events each records, and the socket calls scenarios
// and tests make on them. How the two are joined (one direct link, or a hub with an attacker)
// is the derived testbed's business.
#include <functional>
#include <optional>
#include <vector>

#include "synack/sim/simulator.hpp"
#include "synack/stack/stack.hpp"
#include "synack/tcp/demonstration.hpp"
#include "synack/testbed/addresses.hpp"

namespace synack::testbed {

class ClientAndServer {
 public:
  ClientAndServer(const ClientAndServer&) = delete;
  ClientAndServer& operator=(const ClientAndServer&) = delete;

  sim::Simulator sim;
  Stack client;
  Stack server;
  // Every TCP event of each side, in order (when the testbed records them).
  std::vector<TcpEvent> client_events;
  std::vector<TcpEvent> server_events;

  Endpoint server_endpoint(std::uint16_t port = kServerPort) const {
    return testbed::server_endpoint(port);
  }
  Endpoint client_endpoint(std::uint16_t port) const { return testbed::client_endpoint(port); }

  // The server listens on `port` (backlog 0: the testbed's default, 16 unless set); later calls
  // to open_connection() accept from this listener.
  std::optional<SocketId> listen(std::uint16_t port = kServerPort, int backlog = 0);
  // The listener of the last successful listen().
  std::optional<SocketId> listener() const { return listener_; }
  // The client connects to the server's `server_port`, from an ephemeral port or `local_port`.
  std::optional<SocketId> connect(std::optional<std::uint16_t> local_port = std::nullopt,
                                  std::uint16_t server_port = kServerPort);

  void run_for(Duration d) { sim.run_for(d); }
  // Runs until `done` holds (checked after every simulator step) or `limit` has passed.
  bool run_until(const std::function<bool()>& done, Duration limit) {
    return sim.run_until(done, sim.now() + limit);
  }

 protected:
  ClientAndServer(std::uint64_t seed, const sim::SimulatorOptions& sim_options,
                  const StackConfig& client_config, const StackConfig& server_config);
  ~ClientAndServer() = default;

  // Appends every TCP event of each side to client_events / server_events from now on.
  void record_events();
  // Hands each side its demonstration settings (unsafe on purpose), when it has any.
  void use_demonstration_settings(const std::optional<DemonstrationSettings>& client_settings,
                                  const std::optional<DemonstrationSettings>& server_settings);

  void set_listen_backlog(int backlog) { listen_backlog_ = backlog; }

 private:
  std::optional<SocketId> listener_;
  int listen_backlog_ = 16;
};

}  // namespace synack::testbed
