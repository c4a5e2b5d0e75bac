// PcapWriter and read_pcap: file format, the same bytes as libpcap's own writer, round trip,
// and that the real tools accept the files.
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "synack/pcap/pcap_reader.hpp"
#include "synack/pcap/pcap_writer.hpp"

namespace synack {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("synack_pcap_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

ByteVector file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return ByteVector(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The IPv4 header from Wikipedia's "IPv4 header checksum" example (192.168.0.1 ->
// 192.168.0.199, UDP, total length 115, checksum 0xb861), carrying a UDP datagram from port
// 50000 to 50001 with the checksum left at zero (RFC 768: "no checksum").
ByteVector ipv4_udp_packet(std::uint8_t fill) {
  constexpr std::array<std::uint8_t, 28> kHeaders = {
      0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
      0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7, 0xc3, 0x50, 0xc3, 0x51, 0x00, 0x5f, 0x00, 0x00};
  ByteVector packet(115, fill);
  std::copy(kHeaders.begin(), kHeaders.end(), packet.begin());
  return packet;
}

ByteVector ethernet_frame(std::uint8_t fill) {
  constexpr std::array<std::uint8_t, 14> kHeader = {0x02, 0, 0, 0, 0,    0x02, 0x02,
                                                    0,    0, 0, 0, 0x01, 0x08, 0x00};
  const ByteVector packet = ipv4_udp_packet(fill);
  ByteVector frame(kHeader.size() + packet.size());
  std::copy(kHeader.begin(), kHeader.end(), frame.begin());
  std::copy(packet.begin(), packet.end(), frame.begin() + kHeader.size());
  return frame;
}

TEST(PcapWriter, WritesTheClassicFileFormat) {
  const std::string path = temp_path("format.pcap");
  {
    PcapWriter writer;
    const Status opened = writer.open(path);
    ASSERT_TRUE(opened) << opened.error();
    const ByteVector frame = {0xde, 0xad, 0xbe, 0xef};
    ASSERT_TRUE(writer.write(from_micros(3'000'042), as_bytes(frame)));
  }  // The destructor closes and flushes.
  const ByteVector bytes = file_bytes(path);
  // Global header (libpcap file format): magic a1b2c3d4 little-endian, version 2.4, thiszone 0,
  // sigfigs 0, snaplen 65535, network 1 (LINKTYPE_ETHERNET); then the record header: ts_sec 3,
  // ts_usec 42, incl_len 4, orig_len 4.
  const ByteVector expected = {0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
                               0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x01, 0x00,
                               0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x04,
                               0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(bytes, expected);
  std::filesystem::remove(path);
}

// libpcap's pcap_dump as the reference: the same frames and times give the same file, byte for
// byte, for both link types and a frame longer than the snap length.
ByteVector written_by_libpcap(const std::string& path, int dlt,
                              const std::vector<std::pair<Instant, ByteVector>>& frames) {
  pcap_t* dead =
      pcap_open_dead_with_tstamp_precision(dlt, kPcapSnapLength, PCAP_TSTAMP_PRECISION_MICRO);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  if (dumper == nullptr) {
    pcap_close(dead);
    return {};
  }
  for (const auto& [time, frame] : frames) {
    pcap_pkthdr header{};
    header.ts.tv_sec = to_micros(time) / 1'000'000;
    header.ts.tv_usec = to_micros(time) % 1'000'000;
    header.len = static_cast<bpf_u_int32>(frame.size());
    header.caplen = static_cast<bpf_u_int32>(pcap_captured_length(frame.size()));
    pcap_dump(reinterpret_cast<u_char*>(dumper), &header, frame.data());
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
  return file_bytes(path);
}

TEST(PcapWriter, WritesTheSameBytesAsLibpcap) {
  const std::vector<std::pair<Instant, ByteVector>> frames = {
      {from_micros(0), ethernet_frame(1)},
      {from_micros(1'999'999), ethernet_frame(2)},
      {from_micros(3'600'000'123), ByteVector(70'000, 0xa5)}};
  for (const auto& [type, dlt] :
       {std::pair{PcapLinkType::ethernet, DLT_EN10MB}, std::pair{PcapLinkType::raw_ip, DLT_RAW}}) {
    const std::string ours = temp_path("ours.pcap");
    {
      PcapWriter writer;
      const Status opened = writer.open(ours, type);
      ASSERT_TRUE(opened) << opened.error();
      for (const auto& [time, frame] : frames) ASSERT_TRUE(writer.write(time, as_bytes(frame)));
    }
    const std::string theirs = temp_path("libpcap.pcap");
    const ByteVector reference = written_by_libpcap(theirs, dlt, frames);
    ASSERT_FALSE(reference.empty());
    EXPECT_EQ(file_bytes(ours), reference) << "link type " << dlt;
    std::filesystem::remove(ours);
    std::filesystem::remove(theirs);
  }
}

TEST(PcapFormat, HeadersForWritersWithoutFiles) {
  // What a writer into memory (the browser build) puts first and before each frame.
  const auto file = pcap_file_header(PcapLinkType::raw_ip);
  const std::array<std::uint8_t, 24> expected_file = {
      0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0};
  EXPECT_EQ(file, expected_file);
  const auto record = pcap_record_header(from_micros(5'000'007), 70'000);
  const std::array<std::uint8_t, 16> expected_record = {5,    0,    0, 0, 7,    0,    0,    0,
                                                        0xff, 0xff, 0, 0, 0x70, 0x11, 0x01, 0};
  EXPECT_EQ(record, expected_record);
}

TEST(PcapWriter, RawIpUsesLinktypeRaw) {
  const std::string path = temp_path("raw.pcap");
  PcapWriter writer;
  ASSERT_TRUE(writer.open(path, PcapLinkType::raw_ip));
  writer.close();
  const ByteVector bytes = file_bytes(path);
  ASSERT_EQ(bytes.size(), 24u);
  EXPECT_EQ(bytes[20], 101);  // LINKTYPE_RAW in the file, whatever DLT_RAW is locally.
  std::filesystem::remove(path);
}

TEST(PcapWriter, ReportsOpenFailureAndRefusesWritesWhenClosed) {
  PcapWriter writer;
  const Status opened = writer.open("/nonexistent-dir/file.pcap");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error(), ENOENT);
  EXPECT_EQ(opened.error().message(), "/nonexistent-dir/file.pcap: No such file or directory");
  EXPECT_FALSE(writer.is_open());
  const ByteVector frame = {1, 2, 3};
  const Status written = writer.write(kEpoch, as_bytes(frame));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), EBADF);
}

TEST(PcapReader, RoundTripsPacketsTimesAndLinkType) {
  const std::string path = temp_path("roundtrip.pcap");
  const std::array<Instant, 3> times = {from_micros(0), from_micros(999'999),
                                        from_micros(61'000'001)};
  {
    PcapWriter writer;
    ASSERT_TRUE(writer.open(path, PcapLinkType::ethernet));
    for (std::size_t i = 0; i < times.size(); ++i) {
      const ByteVector frame = ethernet_frame(static_cast<std::uint8_t>(i));
      writer.write(times[i], as_bytes(frame));
    }
  }
  auto file = read_pcap(path);
  ASSERT_TRUE(file.has_value()) << file.error();
  EXPECT_EQ(file->link_type, PcapLinkType::ethernet);
  ASSERT_EQ(file->packets.size(), 3u);
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(file->packets[i].time, times[i]);
    EXPECT_EQ(file->packets[i].bytes, ethernet_frame(static_cast<std::uint8_t>(i)));
    EXPECT_EQ(file->packets[i].original_length, 129u);
  }
  std::filesystem::remove(path);
}

TEST(PcapReader, TruncatesAtTheSnapLengthButKeepsTheOriginalLength) {
  const std::string path = temp_path("snap.pcap");
  {
    PcapWriter writer;
    ASSERT_TRUE(writer.open(path));
    const ByteVector huge(70'000, 0x5a);
    writer.write(kEpoch, as_bytes(huge));
  }
  auto file = read_pcap(path);
  ASSERT_TRUE(file.has_value()) << file.error();
  ASSERT_EQ(file->packets.size(), 1u);
  EXPECT_EQ(file->packets[0].bytes.size(), 65535u);
  EXPECT_EQ(file->packets[0].original_length, 70'000u);
  std::filesystem::remove(path);
}

TEST(PcapReader, ReportsMissingAndGarbageFiles) {
  const auto missing = read_pcap("/nonexistent-dir/none.pcap");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), ENOENT);
  EXPECT_EQ(missing.error().context, "open /nonexistent-dir/none.pcap");
  const std::string path = temp_path("garbage.pcap");
  {
    std::ofstream out(path, std::ios::binary);
    out << "this is not a capture file at all";
  }
  auto file = read_pcap(path);
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error(), EINVAL);
  EXPECT_FALSE(file.error().context.empty());
  std::filesystem::remove(path);
}

// --- the real tools must read our files without complaint ---

bool tool_available(const std::string& tool) {
  return std::system(("command -v " + tool + " > /dev/null 2>&1").c_str()) == 0;
}

struct ToolRun {
  int status = -1;
  std::string out;
  std::string err;
};

ToolRun run_tool(const std::string& command) {
  const std::string err_path = temp_path("tool_stderr.txt");
  ToolRun run;
  FILE* pipe = ::popen((command + " 2> " + err_path).c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.out.append(buffer.data(), n);
  run.status = ::pclose(pipe);
  std::ifstream in(err_path);
  run.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::filesystem::remove(err_path);
  return run;
}

// Removes lines the tools print on every run that are not about the file: tcpdump's
// "reading from file ..." banner and tshark's notice when the tests run as root.
std::string without_banners(const std::string& text) {
  std::istringstream in(text);
  std::string line, kept;
  while (std::getline(in, line)) {
    if (line.rfind("reading from file", 0) == 0) continue;
    if (line.rfind("Running as user \"root\"", 0) == 0) continue;
    kept += line + "\n";
  }
  return kept;
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string write_sample(const std::string& name, PcapLinkType type) {
  const std::string path = temp_path(name);
  PcapWriter writer;
  if (!writer.open(path, type)) return {};
  for (std::uint8_t i = 0; i < 5; ++i) {
    const ByteVector frame =
        type == PcapLinkType::ethernet ? ethernet_frame(i) : ipv4_udp_packet(i);
    writer.write(from_micros(1'000'000 + i * 1500), as_bytes(frame));
  }
  return path;
}

class ToolAccepts : public ::testing::TestWithParam<PcapLinkType> {};

TEST_P(ToolAccepts, Tcpdump) {
  if (!tool_available("tcpdump")) GTEST_SKIP() << "tcpdump not installed";
  const std::string path = write_sample("tcpdump.pcap", GetParam());
  ASSERT_FALSE(path.empty());
  const ToolRun run = run_tool("tcpdump -n -r " + path);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(without_banners(run.err), "");
  EXPECT_EQ(line_count(run.out), 5u) << run.out;
  EXPECT_NE(run.out.find("192.168.0.1.50000 > 192.168.0.199.50001: UDP, length 87"),
            std::string::npos)
      << run.out;
  std::filesystem::remove(path);
}

TEST_P(ToolAccepts, Tshark) {
  if (!tool_available("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string path = write_sample("tshark.pcap", GetParam());
  ASSERT_FALSE(path.empty());
  const ToolRun run = run_tool("tshark -n -r " + path);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(without_banners(run.err), "");
  EXPECT_EQ(line_count(run.out), 5u) << run.out;
  EXPECT_EQ(run.out.find("Malformed"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("50000 → 50001 Len=87"), std::string::npos) << run.out;
  std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(LinkTypes, ToolAccepts,
                         ::testing::Values(PcapLinkType::ethernet, PcapLinkType::raw_ip),
                         [](const auto& info) {
                           return std::string(info.param == PcapLinkType::ethernet ? "Ethernet"
                                                                                   : "RawIp");
                         });

}  // namespace
}  // namespace synack
