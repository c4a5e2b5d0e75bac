// Fuzzes EthernetView::parse; re-emitting the header must reproduce the first 14 bytes.
#include <cstdlib>
#include <cstring>

#include "synack/wire/ethernet.hpp"

using namespace synack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto view = EthernetView::parse(Bytes{data, size});
  if (!view) {
    if (size >= kEthernetHeaderLength) std::abort();
    return 0;
  }
  const EthernetRepr repr = view->repr();
  (void)repr.dst.is_broadcast();
  if (view->payload().size() + kEthernetHeaderLength != size) std::abort();
  std::uint8_t out[kEthernetHeaderLength];
  if (emit_ethernet(repr, out) != kEthernetHeaderLength) std::abort();
  if (std::memcmp(out, data, kEthernetHeaderLength) != 0) std::abort();
  auto again = EthernetView::parse(out);
  if (!again || !(again->repr() == repr)) std::abort();
  return 0;
}
