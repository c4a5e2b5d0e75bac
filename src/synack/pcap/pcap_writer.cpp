#include "synack/pcap/pcap_writer.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

namespace synack {

PcapWriter::~PcapWriter() {
  close();
}

PcapWriter::PcapWriter(PcapWriter&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)),
      path_(std::move(other.path_)),
      error_(std::move(other.error_)) {}

PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
  if (this != &other) {
    close();
    file_ = std::exchange(other.file_, nullptr);
    path_ = std::move(other.path_);
    error_ = std::move(other.error_);
  }
  return *this;
}

bool PcapWriter::open(const std::string& path, PcapLinkType link_type) {
  close();
  error_.clear();
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    error_ = path + ": " + std::strerror(errno);
    return false;
  }
  const auto header = pcap_file_header(link_type);
  if (!put(header.data(), header.size())) {
    close();
    return false;
  }
  return true;
}

bool PcapWriter::write(Instant time, Bytes frame) {
  if (file_ == nullptr) return false;
  const auto header = pcap_record_header(time, frame.size());
  return put(header.data(), header.size()) && put(frame.data(), pcap_captured_length(frame.size()));
}

bool PcapWriter::put(const void* data, std::size_t size) {
  if (size == 0 || std::fwrite(data, 1, size, file_) == size) return true;
  error_ = path_ + ": " + std::strerror(errno);
  return false;
}

void PcapWriter::flush() {
  if (file_ != nullptr) std::fflush(file_);
}

void PcapWriter::close() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
}

}  // namespace synack
