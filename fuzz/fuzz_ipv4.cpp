// Fuzzes Ipv4View::parse with and without checksum verification, then emit -> parse round trip.
#include <cstdlib>
#include <cstring>
#include <vector>

#include "synack/wire/ipv4.hpp"

using namespace synack;

namespace {

void check(const Ipv4View& view, std::size_t size) {
  const Ipv4Repr repr = view.repr();
  (void)view.is_fragment();
  const Bytes payload = view.payload();
  if (view.header_length() < kIpv4MinHeaderLength || view.header_length() > 60 ||
      view.header_length() + payload.size() > size || payload.size() != repr.payload_length) {
    std::abort();
  }
  std::vector<std::uint8_t> out(kIpv4MinHeaderLength + payload.size());
  if (emit_ipv4(repr, out) != kIpv4MinHeaderLength) std::abort();
  if (!payload.empty())
    std::memcpy(out.data() + kIpv4MinHeaderLength, payload.data(), payload.size());
  auto again = Ipv4View::parse(Bytes{out.data(), out.size()});
  if (!again || !(again->repr() == repr)) std::abort();
  if (again->payload().size() != payload.size()) std::abort();
  if (again->is_fragment() != view.is_fragment()) std::abort();  // MF and offset survive
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto unchecked = Ipv4View::parse(Bytes{data, size}, false);
  auto checked = Ipv4View::parse(Bytes{data, size});
  if (checked && !unchecked) std::abort();  // verification can only reject more
  if (unchecked) check(*unchecked, size);
  return 0;
}
