#pragma once
// Deterministic pseudo-random numbers for the simulator: xoshiro256** seeded by splitmix64.
// Written out here (not <random> distributions) so that a seed gives the same sequence with
// every standard library and compiler, which keeps captures byte-identical.
#include <cstdint>

namespace synack {

class Random {
 public:
  explicit Random(std::uint64_t seed);

  std::uint64_t next_u64();
  // Uniform in [0, 1).
  double next_double();
  // Uniform in [0, bound); bound > 0.
  std::uint64_t next_below(std::uint64_t bound);
  // True with probability p.
  bool chance(double p);

 private:
  std::uint64_t state_[4];
};

}  // namespace synack
