#include "synack/link/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <utility>

namespace synack {
namespace {

int datalink_for(PcapLinkType type) {
  return type == PcapLinkType::raw_ip ? DLT_RAW : DLT_EN10MB;
}

}  // namespace

PcapWriter::~PcapWriter() {
  close();
}

PcapWriter::PcapWriter(PcapWriter&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      dumper_(std::exchange(other.dumper_, nullptr)),
      error_(std::move(other.error_)) {}

PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = std::exchange(other.handle_, nullptr);
    dumper_ = std::exchange(other.dumper_, nullptr);
    error_ = std::move(other.error_);
  }
  return *this;
}

bool PcapWriter::open(const std::string& path, PcapLinkType link_type) {
  close();
  error_.clear();
  // A "dead" handle carries only the link type and snap length that the file header needs.
  handle_ = pcap_open_dead_with_tstamp_precision(datalink_for(link_type), kPcapSnapLength,
                                                 PCAP_TSTAMP_PRECISION_MICRO);
  if (handle_ == nullptr) {
    error_ = "pcap_open_dead failed";
    return false;
  }
  dumper_ = pcap_dump_open(handle_, path.c_str());
  if (dumper_ == nullptr) {
    error_ = pcap_geterr(handle_);
    pcap_close(handle_);
    handle_ = nullptr;
    return false;
  }
  return true;
}

bool PcapWriter::write(Instant time, Bytes frame) {
  if (dumper_ == nullptr) return false;
  const std::int64_t micros = to_micros(time);
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<decltype(header.ts.tv_sec)>(micros / 1'000'000);
  header.ts.tv_usec = static_cast<decltype(header.ts.tv_usec)>(micros % 1'000'000);
  header.len = static_cast<bpf_u_int32>(frame.size());
  header.caplen = static_cast<bpf_u_int32>(std::min<std::size_t>(frame.size(), kPcapSnapLength));
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, frame.data());
  return true;
}

void PcapWriter::flush() {
  if (dumper_ != nullptr) pcap_dump_flush(dumper_);
}

void PcapWriter::close() {
  if (dumper_ != nullptr) {
    pcap_dump_close(dumper_);
    dumper_ = nullptr;
  }
  if (handle_ != nullptr) {
    pcap_close(handle_);
    handle_ = nullptr;
  }
}

}  // namespace synack
