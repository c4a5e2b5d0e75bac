#pragma once
// Repeated measurements of one quantity, summarised as benchmarks report them.
#include <algorithm>
#include <vector>

namespace synack::bench {

struct Summary {
  std::vector<double> runs;
  double min = 0;
  double median = 0;
  double max = 0;

  static Summary of(std::vector<double> runs) {
    Summary s;
    s.runs = runs;
    if (runs.empty()) return s;
    std::sort(runs.begin(), runs.end());
    s.min = runs.front();
    s.max = runs.back();
    const std::size_t n = runs.size();
    s.median = n % 2 ? runs[n / 2] : (runs[n / 2 - 1] + runs[n / 2]) / 2;
    return s;
  }
};

}  // namespace synack::bench
