#include "synack/pcap/pcap_format.hpp"

namespace synack {
namespace {

constexpr std::uint32_t kMagicMicroseconds = 0xa1b2c3d4;
constexpr std::uint16_t kVersionMajor = 2;
constexpr std::uint16_t kVersionMinor = 4;
constexpr std::uint32_t kLinktypeEthernet = 1;
constexpr std::uint32_t kLinktypeRaw = 101;

void put_le16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}

void put_le32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

std::uint32_t pcap_linktype_value(PcapLinkType type) {
  return type == PcapLinkType::raw_ip ? kLinktypeRaw : kLinktypeEthernet;
}

std::array<std::uint8_t, kPcapFileHeaderSize> pcap_file_header(PcapLinkType type) {
  std::array<std::uint8_t, kPcapFileHeaderSize> h{};
  put_le32(&h[0], kMagicMicroseconds);
  put_le16(&h[4], kVersionMajor);
  put_le16(&h[6], kVersionMinor);
  // Bytes 8-15: time zone offset and timestamp accuracy, both 0 as every writer sets them.
  put_le32(&h[16], kPcapSnapLength);
  put_le32(&h[20], pcap_linktype_value(type));
  return h;
}

std::array<std::uint8_t, kPcapRecordHeaderSize> pcap_record_header(Instant time,
                                                                   std::size_t frame_length) {
  const std::int64_t micros = to_micros(time);
  std::array<std::uint8_t, kPcapRecordHeaderSize> h{};
  put_le32(&h[0], static_cast<std::uint32_t>(micros / 1'000'000));
  put_le32(&h[4], static_cast<std::uint32_t>(micros % 1'000'000));
  put_le32(&h[8], static_cast<std::uint32_t>(pcap_captured_length(frame_length)));
  put_le32(&h[12], static_cast<std::uint32_t>(frame_length));
  return h;
}

}  // namespace synack
