#include "synack/pcap/pcap_reader.hpp"

#include <pcap/pcap.h>

#include <cerrno>
#include <utility>

namespace synack {
namespace {

PcapLinkType link_type_for(int datalink) {
  if (datalink == DLT_EN10MB) return PcapLinkType::ethernet;
  if (datalink == DLT_RAW) return PcapLinkType::raw_ip;
  return PcapLinkType::unknown;
}

Instant timestamp_of(const pcap_pkthdr& header) {
  return from_micros(static_cast<std::int64_t>(header.ts.tv_sec) * 1'000'000 +
                     static_cast<std::int64_t>(header.ts.tv_usec));
}

}  // namespace

Result<PcapFile> read_pcap(const std::string& path) {
  char error[PCAP_ERRBUF_SIZE] = {};
  errno = 0;
  pcap_t* handle =
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, error);
  // libpcap reports errors as text: a file that cannot be opened leaves errno set (ENOENT, EACCES);
  // one that is not a capture does not, and libpcap's words say what is wrong with it (EINVAL).
  if (handle == nullptr) {
    if (errno != 0) return Unexpected{errno_error("open " + path)};
    return Unexpected{Error{EINVAL, error}};
  }

  PcapFile file;
  file.datalink = pcap_datalink(handle);
  file.link_type = link_type_for(file.datalink);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int status = 0;
  while ((status = pcap_next_ex(handle, &header, &data)) == 1) {
    PcapPacket packet;
    packet.time = timestamp_of(*header);
    packet.bytes.assign(data, data + header->caplen);
    packet.original_length = header->len;
    file.packets.push_back(std::move(packet));
  }
  if (status == PCAP_ERROR) {
    Error failure{EIO, pcap_geterr(handle)};
    pcap_close(handle);
    return Unexpected{std::move(failure)};
  }
  pcap_close(handle);
  return file;
}

}  // namespace synack
