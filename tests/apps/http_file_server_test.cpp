// HttpFileServer over two simulated stacks: exact response bytes for real files on disk.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "apps/app_harness.hpp"
#include "synack/apps/http_file_server.hpp"

namespace synack::testing {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string ok_head(std::string_view type, std::size_t length, std::string_view extra = {}) {
  return "HTTP/1.1 200 OK\r\nServer: synack\r\nContent-Type: " + std::string(type) +
         "\r\nContent-Length: " + std::to_string(length) + "\r\n" + std::string(extra) + "\r\n";
}

std::string error_response(int status, std::string_view reason, std::string_view extra = {},
                           bool body = true) {
  const std::string text = std::to_string(status) + " " + std::string(reason) + "\n";
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nServer: synack\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
         std::to_string(text.size()) + "\r\n" + std::string(extra) + "\r\n" + (body ? text : "");
}

class HttpFileServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("synack_http_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "www";
    fs::create_directories(root_ / "sub");
    fs::create_directories(root_ / "docs");
    write_file(root_ / "hello.txt", "hello");
    write_file(root_ / "index.html", "<h1>synack</h1>\n");
    write_file(root_ / "docs" / "index.html", "docs index");
    write_file(root_ / "a b.json", "{}");
    big_ = random_bytes(300000, 99);
    write_file(root_ / "big.bin", big_);
    write_file(base_ / "secret.txt", "secret");
    fs::create_symlink(base_ / "secret.txt", root_ / "escape.txt");
    fs::create_symlink(root_ / "hello.txt", root_ / "link.txt");
    listener_ = p_.listen(80);
    server_ = std::make_unique<apps::HttpFileServer>(p_.server.tcp(), listener_, root_);
  }
  void TearDown() override { fs::remove_all(base_); }

  ScriptedClient& client() {
    if (!client_)
      client_ =
          std::make_unique<ScriptedClient>(p_.client.tcp(), p_.sim.now(), p_.server_endpoint(80));
    return *client_;
  }
  // Runs until the client has `bytes` bytes (or EOF), then a further second of quiet so that
  // anything extra would show.
  void exchange(std::string_view request, std::size_t bytes) {
    ScriptedClient& c = client();
    c.write(request);
    run_apps(
        p_, {server_.get(), &c}, [&] { return c.received().size() >= bytes || c.eof(); },
        seconds(30));
    run_apps(
        p_, {server_.get(), &c}, [] { return false; }, seconds(1));
  }

  TcpPair p_;
  fs::path base_;
  fs::path root_;
  std::string big_;
  SocketId listener_ = 0;
  std::unique_ptr<apps::HttpFileServer> server_;
  std::unique_ptr<ScriptedClient> client_;
};

TEST_F(HttpFileServerTest, GetServesTheFileByteExactAndKeepsTheConnection) {
  const std::string expected = ok_head("text/plain; charset=utf-8", 5) + "hello";
  exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", expected.size());
  EXPECT_EQ(client().received(), expected);
  EXPECT_FALSE(client().eof());  // HTTP/1.1 persists by default
  EXPECT_EQ(server_->stats().requests, 1u);
  EXPECT_EQ(server_->stats().responses_2xx, 1u);
  EXPECT_EQ(server_->stats().body_bytes_sent, 5u);
  EXPECT_EQ(server_->open_connections(), 1u);
}

TEST_F(HttpFileServerTest, LargeFileIsStreamedWithExactContentLength) {
  const std::string expected =
      ok_head("application/octet-stream", big_.size(), "Connection: close\r\n") + big_;
  exchange("GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", expected.size());
  ASSERT_EQ(client().received().size(), expected.size());
  EXPECT_TRUE(client().received() == expected);
  EXPECT_TRUE(client().eof());
  EXPECT_EQ(server_->stats().body_bytes_sent, big_.size());
}

TEST_F(HttpFileServerTest, TwoRequestsOnOneKeepAliveConnection) {
  const std::string first = ok_head("text/plain; charset=utf-8", 5) + "hello";
  exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", first.size());
  const std::string second = ok_head("text/html; charset=utf-8", 16) + "<h1>synack</h1>\n";
  exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n", first.size() + second.size());
  EXPECT_EQ(client().received(), first + second);
  EXPECT_FALSE(client().eof());
  EXPECT_EQ(server_->stats().connections_accepted, 1u);
  EXPECT_EQ(server_->stats().requests, 2u);
}

TEST_F(HttpFileServerTest, PipelinedRequestsAreAnsweredInOrder) {
  const std::string expected = ok_head("text/plain; charset=utf-8", 5) + "hello" +
                               error_response(404, "Not Found") +
                               ok_head("text/plain; charset=utf-8", 5) +
                               ok_head("application/json", 2, "Connection: close\r\n") + "{}";
  exchange(
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /link.txt HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /a%20b.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      expected.size());
  EXPECT_EQ(client().received(), expected);
  EXPECT_TRUE(client().eof());
  EXPECT_EQ(server_->stats().requests, 4u);
}

TEST_F(HttpFileServerTest, HeadHasHeadersButNoBody) {
  const std::string expected = ok_head("application/octet-stream", big_.size());
  exchange("HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n", expected.size());
  EXPECT_EQ(client().received(), expected);
  EXPECT_FALSE(client().eof());
  EXPECT_EQ(server_->stats().body_bytes_sent, 0u);
}

TEST_F(HttpFileServerTest, MissingFileIs404AndTheConnectionStays) {
  const std::string expected = error_response(404, "Not Found");
  exchange("GET /nope.txt HTTP/1.1\r\nHost: x\r\n\r\n", expected.size());
  EXPECT_EQ(client().received(), expected);
  EXPECT_FALSE(client().eof());
  EXPECT_EQ(server_->stats().responses_4xx, 1u);
}

TEST_F(HttpFileServerTest, DirectoryServesIndexHtmlElse404) {
  const std::string docs = ok_head("text/html; charset=utf-8", 10) + "docs index";
  const std::string sub = error_response(404, "Not Found");
  exchange("GET /docs/ HTTP/1.1\r\nHost: x\r\n\r\nGET /sub HTTP/1.1\r\nHost: x\r\n\r\n",
           docs.size() + sub.size());
  EXPECT_EQ(client().received(), docs + sub);
}

TEST_F(HttpFileServerTest, PathsEscapingTheRootAreRefused) {
  const std::string forbidden = error_response(403, "Forbidden");
  exchange(
      "GET /../secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /sub/%2e%2e/%2E%2E/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /escape.txt HTTP/1.1\r\nHost: x\r\n\r\n",
      3 * forbidden.size());
  EXPECT_EQ(client().received(), forbidden + forbidden + forbidden);
  EXPECT_EQ(client().received().find("secret\n"), std::string::npos);
}

TEST_F(HttpFileServerTest, MalformedRequestGets400AndTheConnectionCloses) {
  const std::string expected = error_response(400, "Bad Request", "Connection: close\r\n");
  exchange("GARBAGE\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", expected.size() + 1);
  EXPECT_EQ(client().received(), expected);  // the pipelined GET after it is not answered
  EXPECT_TRUE(client().eof());
  // The server half-closed and released the socket after the client's own FIN.
  client().shutdown_write();
  run_apps(
      p_, {server_.get(), &client()}, [&] { return server_->open_connections() == 0; }, seconds(5));
  EXPECT_EQ(server_->open_connections(), 0u);
  EXPECT_EQ(server_->stats().connections_closed, 1u);
}

TEST_F(HttpFileServerTest, Http11WithoutHostIs400) {
  const std::string expected = error_response(400, "Bad Request", "Connection: close\r\n");
  exchange("GET /hello.txt HTTP/1.1\r\n\r\n", expected.size() + 1);
  EXPECT_EQ(client().received(), expected);
  EXPECT_TRUE(client().eof());
}

TEST_F(HttpFileServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
  const std::string expected =
      ok_head("text/plain; charset=utf-8", 5, "Connection: close\r\n") + "hello";
  exchange("GET /hello.txt HTTP/1.0\r\n\r\n", expected.size() + 1);
  EXPECT_EQ(client().received(), expected);
  EXPECT_TRUE(client().eof());
}

TEST_F(HttpFileServerTest, Http10KeepAliveIsHonoured) {
  const std::string expected =
      ok_head("text/plain; charset=utf-8", 5, "Connection: keep-alive\r\n") + "hello";
  exchange("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", expected.size() + 1);
  EXPECT_EQ(client().received(), expected);
  EXPECT_FALSE(client().eof());
}

TEST_F(HttpFileServerTest, OtherMethodsGet405WithAllow) {
  const std::string expected = error_response(405, "Method Not Allowed", "Allow: GET, HEAD\r\n");
  exchange("DELETE /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", expected.size());
  EXPECT_EQ(client().received(), expected);
  EXPECT_FALSE(client().eof());
}

TEST_F(HttpFileServerTest, OversizedHeadGets431) {
  const std::string expected =
      error_response(431, "Request Header Fields Too Large", "Connection: close\r\n");
  exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(9000, 'a') + "\r\n\r\n",
           expected.size() + 1);
  EXPECT_EQ(client().received(), expected);
  EXPECT_TRUE(client().eof());
}

TEST_F(HttpFileServerTest, RequestBodyIsSkippedBeforeTheNextRequest) {
  const std::string expected = ok_head("text/plain; charset=utf-8", 5) + "hello";
  exchange(
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nGET "
      "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n",
      2 * expected.size());
  EXPECT_EQ(client().received(), expected + expected);
}

TEST_F(HttpFileServerTest, WithAClockEveryResponseCarriesTheDateItWasGenerated) {
  // RFC 9110 6.6.1: an origin server with a clock sends Date, in IMF-fixdate. The time comes
  // in with poll(): here virtual time zero is the RFC's example instant.
  apps::HttpServerOptions options;
  options.unix_time_at_zero = seconds(784111777);
  server_ = std::make_unique<apps::HttpFileServer>(p_.server.tcp(), listener_, root_, options);
  const std::string date_at_start = "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n";
  const std::string first = "HTTP/1.1 200 OK\r\n" + date_at_start +
                            ok_head("text/plain; charset=utf-8", 5).substr(17) + "hello";
  exchange("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n", first.size());
  ASSERT_EQ(client().received(), first);
  ASSERT_LT(p_.sim.now(), kEpoch + seconds(2));  // 1 s of quiet after a response within 1 s

  // An hour later on the same connection, and an error response carries it too.
  run_apps(
      p_, {server_.get(), &client()}, [] { return false; }, seconds(3600));
  const std::string second = error_response(404, "Not Found");
  const std::string second_dated =
      "HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 09:49:38 GMT\r\n" +
      second.substr(std::string("HTTP/1.1 404 Not Found\r\n").size());
  exchange("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n", first.size() + second_dated.size());
  EXPECT_EQ(client().received().substr(first.size()), second_dated);
}

}  // namespace
}  // namespace synack::testing
