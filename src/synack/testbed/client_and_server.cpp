#include "synack/testbed/client_and_server.hpp"

namespace synack::testbed {

ClientAndServer::ClientAndServer(std::uint64_t seed, const sim::SimulatorOptions& sim_options,
                                 const StackConfig& client_config, const StackConfig& server_config)
    : sim(seed, sim_options), client(client_config), server(server_config) {}

std::optional<SocketId> ClientAndServer::listen(std::uint16_t port, int backlog) {
  auto id = server.tcp().listen(server_endpoint(port), backlog > 0 ? backlog : listen_backlog_);
  if (!id) return std::nullopt;
  listener_ = *id;
  return *id;
}

std::optional<SocketId> ClientAndServer::connect(std::optional<std::uint16_t> local_port,
                                                 std::uint16_t server_port) {
  std::optional<Endpoint> local;
  if (local_port) local = client_endpoint(*local_port);
  auto id = client.tcp().connect(sim.now(), server_endpoint(server_port), local);
  if (!id) return std::nullopt;
  return *id;
}

void ClientAndServer::record_events() {
  client.tcp().set_event_callback([this](const TcpEvent& e) { client_events.push_back(e); });
  server.tcp().set_event_callback([this](const TcpEvent& e) { server_events.push_back(e); });
}

void ClientAndServer::use_demonstration_settings(
    const std::optional<DemonstrationSettings>& client_settings,
    const std::optional<DemonstrationSettings>& server_settings) {
  if (client_settings) client.tcp().use_demonstration_settings(*client_settings);
  if (server_settings) server.tcp().use_demonstration_settings(*server_settings);
}

}  // namespace synack::testbed
