#include "demo_tcp.hpp"

#include <cerrno>

namespace synack::cli {
namespace {

constexpr std::uint16_t kPort = 80;
const std::string kRequest = "GET /hello HTTP/1.0\r\nHost: 198.18.0.2\r\n\r\n";
const std::string kBody = "Hello from synack: three messages to open, four to close.\n";

std::string response() {
  return "HTTP/1.0 200 OK\r\nContent-Length: " + std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
}

Bytes bytes_of(const std::string& s) {
  return Bytes{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Reads whatever is there into `into`; returns false at end of stream.
bool drain(TcpLayer& tcp, SocketId s, std::string& into) {
  std::uint8_t buf[2048];
  while (true) {
    auto n = tcp.recv(s, buf);
    if (!n) return true;        // EAGAIN (or an error the caller sees in the state)
    if (*n == 0) return false;  // the peer's FIN
    into.append(reinterpret_cast<const char*>(buf), *n);
  }
}

}  // namespace

TcpDemoResult run_tcp_demo(sim::Simulator& sim, Stack& client, Stack& server, Ipv4Address server_ip,
                           std::vector<TcpEvent>& client_events,
                           std::vector<TcpEvent>& server_events) {
  TcpDemoResult r;
  client.tcp().set_event_callback([&](const TcpEvent& e) { client_events.push_back(e); });
  server.tcp().set_event_callback([&](const TcpEvent& e) { server_events.push_back(e); });
  auto fail = [&](std::string why) {
    r.failure = std::move(why);
    return r;
  };
  auto run_until = [&](const std::function<bool()>& done, Duration limit) {
    return sim.run_until(done, sim.now() + limit);
  };

  const auto listener = server.tcp().listen(Endpoint{IpAddress::v4(server_ip), kPort}, 16);
  if (!listener) return fail("listen failed");
  const auto c = client.tcp().connect(sim.now(), Endpoint{IpAddress::v4(server_ip), kPort});
  if (!c) return fail("connect failed");
  r.client_tuple = *client.tcp().tuple(*c);

  // The client writes its request as soon as it is connected; the server answers it.
  SocketId s = 0;
  std::string request;
  if (!run_until([&] { return client.tcp().state(*c) == TcpState::kEstablished; }, seconds(30))) {
    return fail("the handshake did not complete");
  }
  client.tcp().send(*c, bytes_of(kRequest));
  if (!run_until(
          [&] {
            if (s == 0) {
              if (auto a = server.tcp().accept(*listener)) s = *a;
            }
            if (s != 0) drain(server.tcp(), s, request);
            return request.size() >= kRequest.size();
          },
          seconds(30))) {
    return fail("the request did not arrive");
  }
  r.request_bytes = request.size();
  r.client_isn = client.tcp().connection(*c)->iss();
  r.server_isn = server.tcp().connection(s)->iss();
  if (request != kRequest) return fail("the request arrived corrupted");
  server.tcp().send(s, bytes_of(response()));

  // The client reads the whole response, then closes first: it will hold TIME_WAIT.
  std::string answer;
  if (!run_until(
          [&] {
            drain(client.tcp(), *c, answer);
            return answer.size() >= response().size();
          },
          seconds(30))) {
    return fail("the response did not arrive");
  }
  r.response_bytes = answer.size();
  if (answer != response()) return fail("the response arrived corrupted");
  client.tcp().close(*c);

  // The server sees end of stream, then closes its side.
  std::string rest;
  if (!run_until([&] { return !drain(server.tcp(), s, rest); }, seconds(30))) {
    return fail("the server never saw the client's FIN");
  }
  server.tcp().close(s);
  if (!run_until([&] { return client.tcp().time_wait().size() == 1; }, seconds(30))) {
    return fail("the client did not reach TIME_WAIT");
  }
  for (const auto& e : client_events) {
    if (e.kind == TcpEventKind::kStateChange && e.to == TcpState::kTimeWait)
      r.time_wait_entered = e.time;
  }
  // TIME_WAIT lasts 2 MSL; let it run out.
  if (!run_until([&] { return client.tcp().time_wait().size() == 0; }, seconds(300))) {
    return fail("TIME_WAIT never ended");
  }
  r.time_wait_left = sim.now();
  r.ok = true;
  return r;
}

}  // namespace synack::cli
