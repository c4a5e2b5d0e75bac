#pragma once
// How scenarios write times and figures into their evidence: "1.020 s", "0.000, 1.000 s", "4.0%".
#include <string>
#include <vector>

#include "synack/core/time.hpp"

namespace synack::scenario {

// "1.020 s"
std::string secs(Instant t);
std::string secs(Duration d);
// "0.000, 1.000, 3.000 s" ("none" when empty)
std::string secs_list(const std::vector<Instant>& times);
std::string secs_list(const std::vector<Duration>& durations);
// Differences between consecutive times: 1.000, 2.000 s.
std::vector<Duration> intervals(const std::vector<Instant>& times);
// Each interval is twice the one before (exactly, in microseconds).
bool doubling(const std::vector<Duration>& gaps);
// "12.5%"
std::string percent(double fraction);

}  // namespace synack::scenario
