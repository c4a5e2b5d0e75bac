#include "synack/wire/ethernet.hpp"

#include <algorithm>

namespace synack {
namespace {

MacAddress load_mac(const std::uint8_t* p) {
  MacAddress mac;
  std::copy_n(p, mac.octets.size(), mac.octets.begin());
  return mac;
}

}  // namespace

Expected<EthernetView, WireError> EthernetView::parse(Bytes frame) {
  if (frame.size() < kEthernetHeaderLength) return Unexpected{WireError::kTruncated};
  return EthernetView{frame};
}

EthernetRepr EthernetView::repr() const {
  return EthernetRepr{load_mac(&bytes_[0]), load_mac(&bytes_[6]), load_be16(&bytes_[12])};
}

std::size_t emit_ethernet(const EthernetRepr& repr, MutableBytes out) {
  if (out.size() < kEthernetHeaderLength) return 0;
  std::copy(repr.dst.octets.begin(), repr.dst.octets.end(), out.begin());
  std::copy(repr.src.octets.begin(), repr.src.octets.end(), out.begin() + 6);
  store_be16(&out[12], repr.ethertype);
  return kEthernetHeaderLength;
}

}  // namespace synack
