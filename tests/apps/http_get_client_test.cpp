// HttpGetClient against HttpFileServer and against scripted servers (close-delimited HTTP/1.0,
// chunked), and connection failures.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "apps/app_harness.hpp"
#include "synack/apps/http_file_server.hpp"
#include "synack/apps/http_get_client.hpp"

namespace synack::testing {
namespace {

namespace fs = std::filesystem;
using apps::HttpGetClient;

struct Collected {
  std::string body;
  std::vector<std::pair<std::uint64_t, std::int64_t>> progress;
};

std::unique_ptr<HttpGetClient> make_client(TcpPair& p, std::uint16_t port, std::string path,
                                           Collected& out) {
  return std::make_unique<HttpGetClient>(
      p.client.tcp(), p.sim.now(), p.server_endpoint(port), "198.18.0.2", std::move(path),
      [&out](Bytes b) { out.body.append(reinterpret_cast<const char*>(b.data()), b.size()); },
      [&out](std::uint64_t received, std::int64_t total) {
        out.progress.emplace_back(received, total);
      });
}

TEST(HttpGetClient, FetchesAFileFromHttpFileServerByContentLength) {
  const fs::path root = fs::temp_directory_path() / "synack_get_client_root";
  fs::remove_all(root);
  fs::create_directories(root);
  const std::string data = random_bytes(200000, 5);
  std::ofstream(root / "data.bin", std::ios::binary) << data;
  TcpPair p;
  apps::HttpFileServer server(p.server.tcp(), p.listen(80), root);
  Collected got;
  auto client = make_client(p, 80, "/data.bin", got);
  ASSERT_TRUE(run_apps(
      p, {&server, client.get()}, [&] { return client->finished(); }, seconds(30)));
  fs::remove_all(root);
  const auto& r = client->result();
  EXPECT_TRUE(r.ok()) << r.describe();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.body_bytes, 200000u);
  EXPECT_EQ(r.describe(), "HTTP 200 OK, 200000 body bytes");
  EXPECT_TRUE(got.body == data);
  ASSERT_FALSE(got.progress.empty());
  EXPECT_EQ(got.progress.front(), (std::pair<std::uint64_t, std::int64_t>{0, 200000}));
  EXPECT_EQ(got.progress.back(), (std::pair<std::uint64_t, std::int64_t>{200000, 200000}));
  const std::vector<std::pair<std::string, std::string>> fields{
      {"Server", "synack"},
      {"Content-Type", "application/octet-stream"},
      {"Content-Length", "200000"},
      {"Connection", "close"}};
  EXPECT_EQ(r.fields, fields);
}

TEST(HttpGetClient, ReadsAnHttp10BodyUntilTheServerCloses) {
  TcpPair p;
  const std::string body = random_bytes(50000, 8);
  ScriptedServer server(p.server.tcp(), p.listen(8000),
                        {"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n",
                         body.substr(0, 20000), body.substr(20000)});
  Collected got;
  auto client = make_client(p, 8000, "/file", got);
  ASSERT_TRUE(run_apps(
      p, {&server, client.get()}, [&] { return client->finished(); }, seconds(30)));
  EXPECT_EQ(server.request(),
            "GET /file HTTP/1.1\r\nHost: 198.18.0.2\r\nUser-Agent: synack\r\nAccept: */*\r\n"
            "Connection: close\r\n\r\n");
  EXPECT_TRUE(client->result().ok()) << client->result().describe();
  EXPECT_EQ(client->result().status, 200);
  EXPECT_TRUE(got.body == body);
  EXPECT_EQ(got.progress.back(), (std::pair<std::uint64_t, std::int64_t>{50000, -1}));
}

TEST(HttpGetClient, PythonStyleHttp10WithContentLengthThenClose) {
  TcpPair p;
  ScriptedServer server(p.server.tcp(), p.listen(8000),
                        {"HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11\r\n"
                         "Content-Length: 11\r\n\r\nhello world"});
  Collected got;
  auto client = make_client(p, 8000, "/", got);
  ASSERT_TRUE(run_apps(
      p, {&server, client.get()}, [&] { return client->finished(); }, seconds(10)));
  EXPECT_TRUE(client->result().ok());
  EXPECT_EQ(got.body, "hello world");
  EXPECT_EQ(client->result().fields.front().second, "SimpleHTTP/0.6 Python/3.11");
}

TEST(HttpGetClient, DecodesAChunkedBodySentInTinySegments) {
  TcpPair p;
  // Each piece leaves in its own segment, splitting sizes, extensions, data and CRLFs.
  ScriptedServer server(p.server.tcp(), p.listen(8000),
                        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r", "\n4", "\r", "\nWi",
                         "ki\r\n6;name=va", "lue\r\npedia \r\nE\r\nin \r\n\r\nchunks.",
                         "\r\n0\r\nExpires: never\r", "\n", "\r\n"});
  Collected got;
  auto client = make_client(p, 8000, "/chunked", got);
  ASSERT_TRUE(run_apps(
      p, {&server, client.get()}, [&] { return client->finished(); }, seconds(10)));
  EXPECT_TRUE(client->result().ok()) << client->result().describe();
  EXPECT_EQ(got.body, "Wikipedia in \r\n\r\nchunks.");
  EXPECT_EQ(client->result().body_bytes, 24u);
  EXPECT_EQ(got.progress.back(), (std::pair<std::uint64_t, std::int64_t>{24, -1}));
}

TEST(HttpGetClient, ABodyCutShortIsAnError) {
  TcpPair p;
  ScriptedServer server(p.server.tcp(), p.listen(8000),
                        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"});
  Collected got;
  auto client = make_client(p, 8000, "/", got);
  ASSERT_TRUE(run_apps(
      p, {&server, client.get()}, [&] { return client->finished(); }, seconds(10)));
  EXPECT_FALSE(client->result().ok());
  EXPECT_EQ(client->result().error_code, 0);
  EXPECT_EQ(client->result().error, "connection closed after 3 of 10 body bytes");
  EXPECT_EQ(got.body, "abc");
}

TEST(HttpGetClient, AMalformedStatusLineIsAProtocolError) {
  TcpPair p;
  ScriptedServer server(p.server.tcp(), p.listen(8000), {"HTTP/1.1 2OO OK\r\n\r\n"});
  Collected got;
  auto client = make_client(p, 8000, "/", got);
  ASSERT_TRUE(run_apps(
      p, {&server, client.get()}, [&] { return client->finished(); }, seconds(10)));
  EXPECT_FALSE(client->result().ok());
  EXPECT_EQ(client->result().error, "malformed status line");
}

TEST(HttpGetClient, ConnectionRefusedReportsEconnrefused) {
  TcpPair p;
  Collected got;
  auto client = make_client(p, 8080, "/", got);
  ASSERT_TRUE(run_apps(
      p, {client.get()}, [&] { return client->finished(); }, seconds(5)));
  EXPECT_FALSE(client->result().ok());
  EXPECT_EQ(client->result().error_code, ECONNREFUSED);
  EXPECT_TRUE(got.body.empty());
}

}  // namespace
}  // namespace synack::testing
