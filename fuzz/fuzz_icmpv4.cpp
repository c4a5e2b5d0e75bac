// Fuzzes Icmpv4View::parse; echo messages re-emit byte for byte (checksum aside), destination
// unreachable re-emits to the same values (its unused word is zeroed on emit).
#include <cstdlib>
#include <cstring>
#include <vector>

#include "synack/wire/icmpv4.hpp"

using namespace synack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto view = Icmpv4View::parse(Bytes{data, size});
  if (!view) return 0;
  const Icmpv4Repr repr = view->repr();
  const Bytes payload = view->payload();
  if (payload.size() + kIcmpv4HeaderLength != size) std::abort();
  std::vector<std::uint8_t> out(size);
  switch (repr.kind) {
    case Icmpv4Kind::kEchoReply:
    case Icmpv4Kind::kEchoRequest: {
      if (repr.code != 0) return 0;  // echo with a nonzero code: nothing to rebuild exactly
      const bool reply = repr.kind == Icmpv4Kind::kEchoReply;
      if (emit_icmpv4_echo(reply, repr.identifier, repr.sequence, payload, out) != size) {
        std::abort();
      }
      // Everything but the checksum must match: 0x0000 and 0xffff are the same one's-complement
      // value, and a sender may use either (RFC 1071 section 2 (A)).
      if (std::memcmp(out.data(), data, 2) != 0 ||
          std::memcmp(out.data() + 4, data + 4, size - 4) != 0) {
        std::abort();
      }
      if (!Icmpv4View::parse(Bytes{out.data(), out.size()})) std::abort();
      break;
    }
    case Icmpv4Kind::kDestinationUnreachable: {
      if (emit_icmpv4_unreachable(repr.code, payload, out, repr.next_hop_mtu) != size) {
        std::abort();
      }
      auto again = Icmpv4View::parse(Bytes{out.data(), out.size()});
      if (!again || !(again->repr() == repr)) std::abort();
      break;
    }
    case Icmpv4Kind::kOther:
      if (repr.identifier != 0 || repr.sequence != 0 || repr.next_hop_mtu != 0) std::abort();
      break;
  }
  return 0;
}
