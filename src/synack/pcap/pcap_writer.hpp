#pragma once
// Writes frames to a classic capture file (tcpdump/Wireshark format, pcap_format.hpp) with the
// C standard library alone. Timestamps are whatever Instant the caller passes: the simulator
// passes virtual time, so a given seed gives a byte-identical file on every run.
#include <cstdio>
#include <string>

#include "synack/core/bytes.hpp"
#include "synack/core/error.hpp"
#include "synack/core/time.hpp"
#include "synack/pcap/pcap_format.hpp"

namespace synack {

class PcapWriter {
 public:
  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(PcapWriter&& other) noexcept;
  PcapWriter& operator=(PcapWriter&& other) noexcept;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Creates (truncates) `path` and writes the file header.
  Status open(const std::string& path, PcapLinkType link_type = PcapLinkType::ethernet);
  bool is_open() const { return file_ != nullptr; }
  // Appends one record stamped with `time` (microsecond resolution). EBADF if not open.
  Status write(Instant time, Bytes frame);
  void flush();
  // Flushes and closes; safe to call twice. The destructor calls it.
  void close();

 private:
  Status put(const void* data, std::size_t size);

  std::FILE* file_ = nullptr;
  std::string path_;
};

}  // namespace synack
