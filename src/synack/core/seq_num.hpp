#pragma once
// TCP sequence numbers: 32-bit values compared modulo 2^32 (RFC 9293 section 3.4).
// a < b means "b is ahead of a by less than 2^31". Differences are signed 32-bit distances.
#include <cstdint>
#include <functional>

namespace synack {

class SeqNum {
 public:
  constexpr SeqNum() = default;
  constexpr explicit SeqNum(std::uint32_t raw) : raw_(raw) {}

  constexpr std::uint32_t raw() const { return raw_; }

  // Signed distance from `other` to this: positive when this is ahead of `other`.
  constexpr std::int32_t operator-(SeqNum other) const {
    return static_cast<std::int32_t>(raw_ - other.raw_);
  }
  constexpr SeqNum operator+(std::uint32_t n) const { return SeqNum{raw_ + n}; }
  constexpr SeqNum operator-(std::uint32_t n) const { return SeqNum{raw_ - n}; }
  constexpr SeqNum& operator+=(std::uint32_t n) {
    raw_ += n;
    return *this;
  }
  constexpr SeqNum& operator-=(std::uint32_t n) {
    raw_ -= n;
    return *this;
  }

  constexpr bool operator==(const SeqNum&) const = default;
  constexpr bool operator<(SeqNum o) const { return (*this - o) < 0; }
  constexpr bool operator>(SeqNum o) const { return (*this - o) > 0; }
  constexpr bool operator<=(SeqNum o) const { return (*this - o) <= 0; }
  constexpr bool operator>=(SeqNum o) const { return (*this - o) >= 0; }

 private:
  std::uint32_t raw_ = 0;
};

// lo <= s < hi, modulo 2^32 (the "acceptable" range tests of RFC 9293 section 3.10.7).
constexpr bool seq_in_range(SeqNum s, SeqNum lo, SeqNum hi) {
  return lo <= s && s < hi;
}
// lo <= s <= hi.
constexpr bool seq_in_closed_range(SeqNum s, SeqNum lo, SeqNum hi) {
  return lo <= s && s <= hi;
}
constexpr SeqNum seq_max(SeqNum a, SeqNum b) {
  return a < b ? b : a;
}
constexpr SeqNum seq_min(SeqNum a, SeqNum b) {
  return a < b ? a : b;
}

}  // namespace synack

template <>
struct std::hash<synack::SeqNum> {
  std::size_t operator()(synack::SeqNum s) const noexcept { return s.raw(); }
};
