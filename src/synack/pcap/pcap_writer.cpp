#include "synack/pcap/pcap_writer.hpp"

#include <cerrno>
#include <utility>

namespace synack {

PcapWriter::~PcapWriter() {
  close();
}

PcapWriter::PcapWriter(PcapWriter&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)), path_(std::move(other.path_)) {}

PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
  if (this != &other) {
    close();
    file_ = std::exchange(other.file_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

Status PcapWriter::open(const std::string& path, PcapLinkType link_type) {
  close();
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) return Unexpected{errno_error(path)};
  const auto header = pcap_file_header(link_type);
  Status written = put(header.data(), header.size());
  if (!written) close();
  return written;
}

Status PcapWriter::write(Instant time, Bytes frame) {
  if (file_ == nullptr) return Unexpected{Error{EBADF, "capture file not open"}};
  const auto header = pcap_record_header(time, frame.size());
  if (Status written = put(header.data(), header.size()); !written) return written;
  return put(frame.data(), pcap_captured_length(frame.size()));
}

Status PcapWriter::put(const void* data, std::size_t size) {
  if (size == 0 || std::fwrite(data, 1, size, file_) == size) return {};
  return Unexpected{errno_error(path_)};
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
