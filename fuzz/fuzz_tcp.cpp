// Fuzzes TcpView::parse: every accessor on accepted input, then emit -> parse must give back the
// same values (SACK blocks cut to what emit_tcp fits, see TcpOptions::emitted_sack_block_count).
#include <cstdlib>
#include <string>
#include <vector>

#include "synack/wire/tcp.hpp"

using namespace synack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto view = TcpView::parse(Bytes{data, size});
  if (!view) return 0;
  volatile std::size_t sink = view->src_port() + view->dst_port() + view->seq().raw() +
                              view->ack().raw() + view->flags() + view->window() +
                              view->checksum() + view->urgent() + view->options().size() +
                              view->bytes().size();
  (void)sink;
  if (view->header_length() < kTcpMinHeaderLength || view->header_length() > kTcpMaxHeaderLength ||
      view->header_length() + view->payload().size() != size) {
    std::abort();
  }
  (void)view->verify_checksum(0x1234);
  const TcpRepr repr = view->repr();
  (void)tcp_flags_to_string(repr.flags);

  const std::size_t header_length = repr.header_length();
  if (header_length > kTcpMaxHeaderLength || header_length % 4 != 0) std::abort();
  std::vector<std::uint8_t> out(header_length + view->payload().size());
  if (emit_tcp(repr, view->payload(), out, 0xabcdu) != out.size()) std::abort();
  auto again = TcpView::parse(Bytes{out.data(), out.size()});
  if (!again || !again->verify_checksum(0xabcdu)) std::abort();
  TcpRepr expected = repr;
  const std::size_t fit = repr.options.emitted_sack_block_count();
  expected.options.sack_block_count = static_cast<std::uint8_t>(fit);
  for (std::size_t i = fit; i < kTcpMaxSackBlocks; ++i) expected.options.sack_blocks[i] = {};
  if (!(again->repr() == expected)) std::abort();
  if (again->payload().size() != view->payload().size()) std::abort();
  return 0;
}
