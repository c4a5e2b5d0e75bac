#pragma once
// Writes frames to a classic libpcap capture file (tcpdump/Wireshark format). Timestamps are
// whatever Instant the caller passes: the simulator passes virtual time, so a given seed gives a
// byte-identical file on every run.
#include <string>

#include "synack/core/bytes.hpp"
#include "synack/core/time.hpp"

// libpcap's handle types, declared here so users of this header need not include <pcap.h>.
struct pcap;
struct pcap_dumper;

namespace synack {

// The link-layer header type recorded in the file header.
enum class PcapLinkType {
  ethernet,  // DLT_EN10MB: frames start with a 14-byte Ethernet II header.
  raw_ip,    // DLT_RAW: frames are bare IPv4/IPv6 packets (point-to-point IP links).
  unknown,   // Only produced by the reader, for files of any other type.
};

// Frames longer than this are truncated in the file (the original length is still recorded).
inline constexpr int kPcapSnapLength = 65535;

class PcapWriter {
 public:
  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(PcapWriter&& other) noexcept;
  PcapWriter& operator=(PcapWriter&& other) noexcept;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Creates (truncates) `path`. On failure returns false and error() says why.
  bool open(const std::string& path, PcapLinkType link_type = PcapLinkType::ethernet);
  bool is_open() const { return dumper_ != nullptr; }
  // Appends one record stamped with `time` (microsecond resolution). False if not open.
  bool write(Instant time, Bytes frame);
  void flush();
  // Flushes and closes; safe to call twice. The destructor calls it.
  void close();

  const std::string& error() const { return error_; }

 private:
  ::pcap* handle_ = nullptr;
  ::pcap_dumper* dumper_ = nullptr;
  std::string error_;
};

}  // namespace synack
