#include "synack/scenario/evidence_format.hpp"

#include <fmt/format.h>

namespace synack::scenario {

std::string secs(Instant t) {
  return fmt::format("{:.3f} s", to_seconds(t));
}
std::string secs(Duration d) {
  return fmt::format("{:.3f} s", to_seconds(d));
}

std::string secs_list(const std::vector<Instant>& times) {
  std::vector<Duration> d;
  for (Instant t : times) d.push_back(t.time_since_epoch());
  return secs_list(d);
}

std::string secs_list(const std::vector<Duration>& durations) {
  if (durations.empty()) return "none";
  std::string out;
  for (Duration d : durations)
    out += (out.empty() ? "" : ", ") + fmt::format("{:.3f}", to_seconds(d));
  return out + " s";
}

std::vector<Duration> intervals(const std::vector<Instant>& times) {
  std::vector<Duration> out;
  for (std::size_t i = 1; i < times.size(); ++i) out.push_back(times[i] - times[i - 1]);
  return out;
}

bool doubling(const std::vector<Duration>& gaps) {
  for (std::size_t i = 1; i < gaps.size(); ++i) {
    if (gaps[i] != 2 * gaps[i - 1]) return false;
  }
  return !gaps.empty();
}

std::string percent(double fraction) {
  return fmt::format("{:.1f}%", fraction * 100);
}

}  // namespace synack::scenario
