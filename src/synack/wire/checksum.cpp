#include "synack/wire/checksum.hpp"

#include <bit>
#include <cstring>

namespace synack {
namespace {

// Adds with end-around carry: the one's-complement addition RFC 1071 section 2 (A) relies on.
std::uint64_t add_with_carry(std::uint64_t acc, std::uint64_t value) {
  acc += value;
  return acc + (acc < value ? 1 : 0);
}

std::uint64_t load_native64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Folds a 64-bit one's-complement sum to 16 bits; folding preserves the value modulo 0xffff.
std::uint16_t fold64(std::uint64_t sum) {
  sum = (sum & 0xffffffffULL) + (sum >> 32);
  sum = (sum & 0xffffffffULL) + (sum >> 32);
  sum = (sum & 0xffffULL) + (sum >> 16);
  sum = (sum & 0xffffULL) + (sum >> 16);
  sum = (sum & 0xffffULL) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

// Sum of `data` as 16-bit words in host byte order, folded to 16 bits. RFC 1071 section 2 (B):
// the one's-complement sum is byte-order independent, so summing native 64-bit loads and
// byte-swapping the folded result gives the big-endian sum.
std::uint16_t native_sum(Bytes data) {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  std::uint64_t a = 0, b = 0, c = 0, d = 0;  // independent carry chains for throughput
  while (n >= 32) {
    a = add_with_carry(a, load_native64(p));
    b = add_with_carry(b, load_native64(p + 8));
    c = add_with_carry(c, load_native64(p + 16));
    d = add_with_carry(d, load_native64(p + 24));
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    a = add_with_carry(a, load_native64(p));
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    // Zero-padding the tail in place keeps each byte in its word lane, and pads an odd final
    // byte with zero as RFC 1071 requires.
    std::uint8_t tail[8] = {};
    std::memcpy(tail, p, n);
    b = add_with_carry(b, load_native64(tail));
  }
  std::uint64_t total = add_with_carry(add_with_carry(a, b), add_with_carry(c, d));
  return fold64(total);
}

std::uint16_t native_to_big_endian16(std::uint16_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<std::uint16_t>((v >> 8) | (v << 8));
  } else {
    return v;
  }
}

}  // namespace

std::uint32_t checksum_add(std::uint32_t sum, Bytes data) {
  const std::uint16_t data_sum = native_to_big_endian16(native_sum(data));
  return fold64(std::uint64_t{sum} + data_sum);
}

std::uint16_t checksum_fold(std::uint32_t sum) {
  return fold64(sum);
}

std::uint16_t internet_checksum(Bytes data) {
  return static_cast<std::uint16_t>(~checksum_fold(checksum_add(0, data)));
}

std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::uint8_t protocol,
                                std::uint32_t length) {
  std::uint32_t sum = checksum_add(0, Bytes{src.bytes.data(), src.length()});
  sum = checksum_add(sum, Bytes{dst.bytes.data(), dst.length()});
  // IPv4: zero, protocol, 16-bit length. IPv6: 32-bit length, three zero bytes, next header.
  // Both add up to protocol + high and low halves of the length.
  std::uint64_t total = std::uint64_t{sum} + protocol + (length >> 16) + (length & 0xffff);
  return fold64(total);
}

}  // namespace synack
