#include "synack/wire/tcp.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "synack/wire/checksum.hpp"

namespace synack {
namespace {

// Option kinds and lengths: RFC 9293 section 3.2 (EOL, NOP, MSS), RFC 7323 (window scale,
// timestamps), RFC 2018 (SACK-permitted, SACK).
constexpr std::uint8_t kOptEnd = 0;
constexpr std::uint8_t kOptNop = 1;
constexpr std::uint8_t kOptMss = 2;
constexpr std::uint8_t kOptWindowScale = 3;
constexpr std::uint8_t kOptSackPermitted = 4;
constexpr std::uint8_t kOptSack = 5;
constexpr std::uint8_t kOptTimestamps = 8;
constexpr std::size_t kMssLength = 4;
constexpr std::size_t kWindowScaleLength = 3;
constexpr std::size_t kSackPermittedLength = 2;
constexpr std::size_t kTimestampsLength = 10;
constexpr std::size_t kSackBlockLength = 8;
constexpr std::size_t kMaxOptionSpace = kTcpMaxHeaderLength - kTcpMinHeaderLength;

bool sack_length_valid(std::size_t length) {
  if (length < 2 || (length - 2) % kSackBlockLength != 0) return false;
  const std::size_t blocks = (length - 2) / kSackBlockLength;
  return blocks >= 1 && blocks <= kTcpMaxSackBlocks;
}

// Reads one option with a length byte (kind, len, value) into `options`. The caller has
// checked that `len` bytes are present.
Expected<bool, WireError> read_option(std::uint8_t kind, const std::uint8_t* p, std::size_t len,
                                      TcpOptions& options) {
  switch (kind) {
    case kOptMss:
      if (len != kMssLength) return Unexpected{WireError::kBadOption};
      options.mss = load_be16(p + 2);
      break;
    case kOptWindowScale:
      if (len != kWindowScaleLength) return Unexpected{WireError::kBadOption};
      options.window_scale = p[2];
      break;
    case kOptSackPermitted:
      if (len != kSackPermittedLength) return Unexpected{WireError::kBadOption};
      options.sack_permitted = true;
      break;
    case kOptTimestamps:
      if (len != kTimestampsLength) return Unexpected{WireError::kBadOption};
      options.timestamps = TcpTimestamps{load_be32(p + 2), load_be32(p + 6)};
      break;
    case kOptSack: {
      if (!sack_length_valid(len)) return Unexpected{WireError::kBadOption};
      const std::size_t blocks = (len - 2) / kSackBlockLength;
      options.sack_block_count = static_cast<std::uint8_t>(blocks);
      for (std::size_t i = 0; i < blocks; ++i) {
        const std::uint8_t* block = p + 2 + i * kSackBlockLength;
        options.sack_blocks[i] = SackBlock{SeqNum{load_be32(block)}, SeqNum{load_be32(block + 4)}};
      }
      break;
    }
    default:
      break;  // unknown kinds are skipped by their length (RFC 9293 section 3.2)
  }
  return true;
}

// Walks the option bytes. A later instance of an option replaces an earlier one.
Expected<TcpOptions, WireError> parse_options(Bytes area) {
  TcpOptions options;
  std::size_t i = 0;
  while (i < area.size()) {
    const std::uint8_t kind = area[i];
    if (kind == kOptEnd) break;
    if (kind == kOptNop) {
      ++i;
      continue;
    }
    if (i + 1 >= area.size()) return Unexpected{WireError::kBadOption};
    const std::size_t len = area[i + 1];
    if (len < 2 || len > area.size() - i) return Unexpected{WireError::kBadOption};
    auto read = read_option(kind, area.data() + i, len, options);
    if (!read) return Unexpected{read.error()};
    i += len;
  }
  return options;
}

// Option space used by everything except SACK blocks, in Linux's layout.
std::size_t fixed_options_length(const TcpOptions& o) {
  std::size_t n = 0;
  if (o.mss) n += 4;
  if (o.timestamps || o.sack_permitted) n += (o.timestamps ? 12 : 4);
  if (o.window_scale) n += 4;
  return n;
}

// SACK blocks that fit after the other options: NOP,NOP,kind,len then 8 bytes per block.
std::size_t sack_blocks_to_emit(const TcpOptions& o) {
  const std::size_t wanted = std::min<std::size_t>(o.sack_block_count, kTcpMaxSackBlocks);
  if (wanted == 0) return 0;
  const std::size_t room = kMaxOptionSpace - std::min(kMaxOptionSpace, fixed_options_length(o));
  if (room < 4 + kSackBlockLength) return 0;
  return std::min(wanted, (room - 4) / kSackBlockLength);
}

// Lays out options the way Linux's tcp_options_write() does, so every option is 4-byte
// aligned and our SYNs look like a Linux host's. Writes only when `out` is non-null.
std::size_t layout_options(const TcpOptions& o, std::uint8_t* out) {
  std::uint8_t buffer[kMaxOptionSpace] = {};
  std::size_t n = 0;
  auto put = [&](std::uint8_t byte) { buffer[n++] = byte; };
  auto put16 = [&](std::uint16_t v) {
    put(static_cast<std::uint8_t>(v >> 8));
    put(static_cast<std::uint8_t>(v));
  };
  auto put32 = [&](std::uint32_t v) {
    put16(static_cast<std::uint16_t>(v >> 16));
    put16(static_cast<std::uint16_t>(v));
  };
  if (o.mss) {
    put(kOptMss);
    put(kMssLength);
    put16(*o.mss);
  }
  if (o.timestamps) {
    if (o.sack_permitted) {
      put(kOptSackPermitted);
      put(kSackPermittedLength);
    } else {
      put(kOptNop);
      put(kOptNop);
    }
    put(kOptTimestamps);
    put(kTimestampsLength);
    put32(o.timestamps->value);
    put32(o.timestamps->echo);
  } else if (o.sack_permitted) {
    put(kOptNop);
    put(kOptNop);
    put(kOptSackPermitted);
    put(kSackPermittedLength);
  }
  if (o.window_scale) {
    put(kOptNop);
    put(kOptWindowScale);
    put(kWindowScaleLength);
    put(*o.window_scale);
  }
  const std::size_t blocks = sack_blocks_to_emit(o);
  if (blocks > 0) {
    put(kOptNop);
    put(kOptNop);
    put(kOptSack);
    put(static_cast<std::uint8_t>(2 + blocks * kSackBlockLength));
    for (std::size_t i = 0; i < blocks; ++i) {
      put32(o.sack_blocks[i].left.raw());
      put32(o.sack_blocks[i].right.raw());
    }
  }
  while (n % 4 != 0) put(kOptEnd);  // defensive: every item above is already 4-byte sized
  if (out != nullptr) std::memcpy(out, buffer, n);
  return n;
}

}  // namespace

std::string tcp_flags_to_string(std::uint8_t flags) {
  // Bit order (FIN first); tcpdump prints the same set as letters.
  static constexpr std::pair<std::uint8_t, const char*> kNames[] = {
      {tcp_flags::kFin, "FIN"}, {tcp_flags::kSyn, "SYN"}, {tcp_flags::kRst, "RST"},
      {tcp_flags::kPsh, "PSH"}, {tcp_flags::kAck, "ACK"}, {tcp_flags::kUrg, "URG"},
      {tcp_flags::kEce, "ECE"}, {tcp_flags::kCwr, "CWR"}};
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((flags & bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out.empty() ? "none" : out;
}

std::size_t TcpOptions::emitted_sack_block_count() const {
  return sack_blocks_to_emit(*this);
}

std::size_t TcpRepr::header_length() const {
  return kTcpMinHeaderLength + layout_options(options, nullptr);
}

Expected<TcpView, WireError> TcpView::parse(Bytes bytes) {
  if (bytes.size() < kTcpMinHeaderLength) return Unexpected{WireError::kTruncated};
  const std::size_t header_length = std::size_t{bytes[12]} / 16 * 4;
  if (header_length < kTcpMinHeaderLength || header_length > bytes.size()) {
    return Unexpected{WireError::kBadHeaderLength};
  }
  auto options =
      parse_options(bytes.subspan(kTcpMinHeaderLength, header_length - kTcpMinHeaderLength));
  if (!options) return Unexpected{options.error()};
  return TcpView{bytes};
}

std::uint16_t TcpView::src_port() const {
  return load_be16(&bytes_[0]);
}
std::uint16_t TcpView::dst_port() const {
  return load_be16(&bytes_[2]);
}
SeqNum TcpView::seq() const {
  return SeqNum{load_be32(&bytes_[4])};
}
SeqNum TcpView::ack() const {
  return SeqNum{load_be32(&bytes_[8])};
}
std::size_t TcpView::header_length() const {
  return std::size_t{bytes_[12]} / 16 * 4;
}
std::uint8_t TcpView::flags() const {
  return bytes_[13];
}
std::uint16_t TcpView::window() const {
  return load_be16(&bytes_[14]);
}
std::uint16_t TcpView::checksum() const {
  return load_be16(&bytes_[16]);
}
std::uint16_t TcpView::urgent() const {
  return load_be16(&bytes_[18]);
}
Bytes TcpView::options() const {
  return bytes_.subspan(kTcpMinHeaderLength, header_length() - kTcpMinHeaderLength);
}
Bytes TcpView::payload() const {
  return bytes_.subspan(header_length());
}

bool TcpView::verify_checksum(std::uint32_t pseudo_sum) const {
  return checksum_fold(checksum_add(pseudo_sum, bytes_)) == 0xffff;
}

TcpRepr TcpView::repr() const {
  TcpRepr r;
  r.src_port = src_port();
  r.dst_port = dst_port();
  r.seq = seq();
  r.ack = ack();
  r.flags = flags();
  r.window = window();
  r.urgent = urgent();
  // parse() validated the options, so this cannot fail.
  auto parsed = parse_options(options());
  if (parsed) r.options = *parsed;
  return r;
}

std::size_t emit_tcp(const TcpRepr& repr, Bytes payload, MutableBytes out,
                     std::optional<std::uint32_t> pseudo_sum) {
  const std::size_t header_length = repr.header_length();
  const std::size_t total = header_length + payload.size();
  if (out.size() < total) return 0;
  std::uint8_t* p = out.data();
  store_be16(p + 0, repr.src_port);
  store_be16(p + 2, repr.dst_port);
  store_be32(p + 4, repr.seq.raw());
  store_be32(p + 8, repr.ack.raw());
  p[12] = static_cast<std::uint8_t>((header_length / 4) << 4);
  p[13] = repr.flags;
  store_be16(p + 14, repr.window);
  store_be16(p + 16, 0);
  store_be16(p + 18, repr.urgent);
  layout_options(repr.options, p + kTcpMinHeaderLength);
  if (!payload.empty()) std::memcpy(p + header_length, payload.data(), payload.size());
  if (pseudo_sum) {
    const std::uint32_t sum = checksum_add(*pseudo_sum, Bytes{p, total});
    store_be16(p + 16, static_cast<std::uint16_t>(~checksum_fold(sum)));
  }
  return total;
}

}  // namespace synack
