// The HTTP parsing pieces on their own: head framing across tiny segments, request and response
// heads, the chunked decoder, URLs and static-file resolution.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "synack/apps/http_body_decoder.hpp"
#include "synack/apps/http_head_framer.hpp"
#include "synack/apps/http_request.hpp"
#include "synack/apps/http_response_head.hpp"
#include "synack/apps/http_url.hpp"
#include "synack/apps/static_files.hpp"

namespace synack::apps::http {
namespace {

Bytes text(std::string_view s) {
  return Bytes{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(HeadFramer, ARequestSplitIntoOneByteSegmentsCompletesOnlyAtItsLastByte) {
  const std::string request =
      "GET /a/b.txt?x=1 HTTP/1.1\r\nHost: example\r\nConnection: close\r\n\r\n";
  const std::string stream = request + "GET /next";  // a pipelined request follows
  HeadFramer framer(8192);
  std::string buffered;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    buffered.push_back(stream[i]);
    const auto scan = framer.scan(buffered);
    if (i + 1 < request.size()) {
      ASSERT_EQ(scan, HeadFramer::Scan::kIncomplete) << "at byte " << i;
    } else {
      ASSERT_EQ(scan, HeadFramer::Scan::kComplete) << "at byte " << i;
      break;
    }
  }
  ASSERT_EQ(framer.head_length(), request.size());
  const auto parsed =
      parse_request_head(std::string_view(buffered).substr(0, framer.head_length()));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->method, "GET");
  EXPECT_EQ(parsed->target, "/a/b.txt?x=1");
  EXPECT_EQ(parsed->version_minor, 1);
  EXPECT_FALSE(parsed->keep_alive);
  EXPECT_EQ(parsed->content_length, 0u);
}

TEST(HeadFramer, BareLfLinesAndLeadingEmptyLinesAreAccepted) {
  HeadFramer framer(100);
  const std::string head = "\r\nGET / HTTP/1.0\nHost: h\n\n";
  ASSERT_EQ(framer.scan(head), HeadFramer::Scan::kComplete);
  EXPECT_EQ(framer.head_length(), head.size());
  const auto parsed = parse_request_head(head);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->version_minor, 0);
  EXPECT_FALSE(parsed->keep_alive);
}

TEST(HeadFramer, AHeadOverTheBoundIsTooLarge) {
  HeadFramer framer(16);
  EXPECT_EQ(framer.scan("GET / HTTP/1.1\r\n"), HeadFramer::Scan::kIncomplete);  // 16 bytes
  EXPECT_EQ(framer.scan("GET / HTTP/1.1\r\nH"), HeadFramer::Scan::kTooLarge);
  framer.reset();
  EXPECT_EQ(framer.scan("GET / HTTP/1.1\r\n\r\n"), HeadFramer::Scan::kTooLarge);  // 18 bytes
}

struct BadRequest {
  const char* head;
  int status;
};

TEST(ParseRequestHead, MalformedHeadsGiveTheirStatus) {
  const BadRequest cases[] = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n", 400},
      {"GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400},  // only origin-form
      {"G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET / HTTP/1.x\r\nHost: h\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
      {"GET / HTTP/1.1\r\n\r\n", 400},                        // no Host
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},  // two Hosts
      {"GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400},            // space before colon
      {"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400},  // obs-fold
      {"GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
  };
  for (const auto& c : cases) {
    const auto r = parse_request_head(c.head);
    ASSERT_FALSE(r.has_value()) << c.head;
    EXPECT_EQ(r.error(), c.status) << c.head;
  }
}

TEST(ParseRequestHead, ConnectionTokensAndContentLength) {
  auto r = parse_request_head(
      "HEAD /x HTTP/1.1\r\nhost: h\r\nConnection: Upgrade, Close\r\nContent-Length: 12\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->method, "HEAD");
  EXPECT_FALSE(r->keep_alive);
  EXPECT_EQ(r->content_length, 12u);
  r = parse_request_head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->keep_alive);
}

TEST(ParseResponseHead, StatusFieldsAndFraming) {
  const auto r = parse_response_head(
      "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nX-A:  spaced  \r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->version_minor, 1);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->reason, "Not Found");
  EXPECT_EQ(r->content_length, 9u);
  EXPECT_EQ(r->field("x-a"), "spaced");
  EXPECT_TRUE(r->connection_close);
  const auto chunked = parse_response_head(
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
  ASSERT_TRUE(chunked.has_value());
  EXPECT_TRUE(chunked->chunked);
  EXPECT_FALSE(chunked->content_length.has_value());  // RFC 9112 6.3: chunked wins
  EXPECT_TRUE(parse_response_head("HTTP/1.1 200\r\n\r\n").has_value());  // no reason
  EXPECT_FALSE(parse_response_head("ICY 200 OK\r\n\r\n").has_value());
  EXPECT_FALSE(parse_response_head("HTTP/1.1 99 Low\r\n\r\n").has_value());
  EXPECT_FALSE(parse_response_head("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n").has_value());
}

// The chunked example from Wikipedia's "Chunked transfer encoding" article, with a chunk
// extension and a trailer field added, fed one byte at a time.
TEST(BodyDecoder, ChunkedBodyFedOneByteAtATime) {
  const std::string wire =
      "4\r\nWiki\r\n6;name=value\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: x\r\n\r\n";
  auto decoder = BodyDecoder::with_framing(BodyDecoder::Framing::kChunked);
  std::string body;
  std::size_t consumed = 0;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    ASSERT_FALSE(decoder.complete()) << i;
    const auto used = decoder.feed(text(std::string_view(wire).substr(i, 1)), [&](Bytes b) {
      body.append(reinterpret_cast<const char*>(b.data()), b.size());
    });
    ASSERT_TRUE(used.has_value()) << i;
    consumed += *used;
  }
  EXPECT_TRUE(decoder.complete());
  EXPECT_EQ(consumed, wire.size());
  EXPECT_EQ(body, "Wikipedia in \r\n\r\nchunks.");
  EXPECT_EQ(decoder.body_bytes(), 24u);
}

TEST(BodyDecoder, ChunkedStopsAtTheMessageEndAndRejectsBadFraming) {
  auto decoder = BodyDecoder::with_framing(BodyDecoder::Framing::kChunked);
  const auto used = decoder.feed(text("3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200"), [](Bytes) {});
  ASSERT_TRUE(used.has_value());
  EXPECT_EQ(*used, 13u);
  EXPECT_TRUE(decoder.complete());
  const char* bad[] = {"x\r\n", "3\r\nabcX", "3\r\nabc\rX", "3\rX", "1234567890123456\r\n"};
  for (const char* b : bad) {
    auto d = BodyDecoder::with_framing(BodyDecoder::Framing::kChunked);
    EXPECT_FALSE(d.feed(text(b), [](Bytes) {}).has_value()) << b;
  }
  auto truncated = BodyDecoder::with_framing(BodyDecoder::Framing::kChunked);
  ASSERT_TRUE(truncated.feed(text("5\r\nab"), [](Bytes) {}).has_value());
  const Status finished = truncated.finish_at_eof();
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error(), EPROTO);
  EXPECT_EQ(finished.error().context, "connection closed inside chunked body");
}

TEST(BodyDecoder, ContentLengthTakesExactlyItsBytes) {
  auto decoder = BodyDecoder::with_framing(BodyDecoder::Framing::kLength, 4);
  std::string body;
  const auto used = decoder.feed(text("abcdEXTRA"), [&](Bytes b) {
    body.append(reinterpret_cast<const char*>(b.data()), b.size());
  });
  ASSERT_TRUE(used.has_value());
  EXPECT_EQ(*used, 4u);
  EXPECT_EQ(body, "abcd");
  EXPECT_TRUE(decoder.complete());
  EXPECT_EQ(decoder.expected_total(), 4);
}

TEST(BodyDecoder, NoBodyFor204And304AndHead) {
  ResponseHead h;
  h.status = 204;
  h.content_length = 10;
  EXPECT_TRUE(BodyDecoder::for_response(h).complete());
  h.status = 304;
  EXPECT_TRUE(BodyDecoder::for_response(h).complete());
  h.status = 200;
  EXPECT_TRUE(BodyDecoder::for_response(h, /*request_was_head=*/true).complete());
  EXPECT_FALSE(BodyDecoder::for_response(h).complete());
}

TEST(ParseHttpUrl, HostPortAndPath) {
  auto u = parse_http_url("http://10.0.0.2:8080/files/a.txt?x=1#frag");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->address, (Ipv4Address{{10, 0, 0, 2}}));
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->path, "/files/a.txt?x=1");
  EXPECT_EQ(u->host_header(), "10.0.0.2:8080");
  EXPECT_EQ(u->endpoint, (Endpoint{IpAddress::v4(Ipv4Address{{10, 0, 0, 2}}), 8080}));
  u = parse_http_url("HTTP://192.168.1.1");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->host_header(), "192.168.1.1");
  u = parse_http_url("http://1.2.3.4?q");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->path, "/?q");
  for (const char* bad :
       {"https://1.2.3.4/", "http://example.com/", "http://1.2.3.4:0/", "http://1.2.3.4:65536/",
        "http://1.2.3.4:x/", "http://u@1.2.3.4/", "http://1.2.3.4/a b", "", "http://"}) {
    EXPECT_FALSE(parse_http_url(bad).has_value()) << bad;
  }
}

TEST(StaticFiles, ResolvesInsideTheRootOnly) {
  namespace fs = std::filesystem;
  const fs::path base = fs::temp_directory_path() / "synack_static_files_test";
  fs::remove_all(base);
  fs::create_directories(base / "www" / "d");
  std::ofstream(base / "www" / "d" / "page.HTML") << "x";
  std::ofstream(base / "outside") << "y";
  const fs::path root = fs::canonical(base / "www");
  const auto page = resolve_static_file(root, "/d/page.HTML?v=2");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->path, root / "d" / "page.HTML");
  EXPECT_EQ(page->size, 1u);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(resolve_static_file(root, "/d/../../outside").error(), 403);
  EXPECT_EQ(resolve_static_file(root, "/%2E%2E/outside").error(), 403);
  EXPECT_EQ(resolve_static_file(root, "/d/%").error(), 400);
  EXPECT_EQ(resolve_static_file(root, "/d/%zz").error(), 400);
  EXPECT_EQ(resolve_static_file(root, "/d/%00").error(), 400);
  EXPECT_EQ(resolve_static_file(root, "/d").error(), 404);  // no index.html
  EXPECT_EQ(resolve_static_file(root, "/nothing").error(), 404);
  EXPECT_EQ(content_type_for("a.png"), "image/png");
  EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
  fs::remove_all(base);
}

}  // namespace
}  // namespace synack::apps::http
