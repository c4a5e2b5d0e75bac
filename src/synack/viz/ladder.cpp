#include "synack/viz/ladder.hpp"

#include <algorithm>

namespace synack::viz {

namespace {
template <typename T, typename TimeOf>
void stable_sort_by(std::vector<T>& items, TimeOf time_of) {
  std::stable_sort(items.begin(), items.end(),
                   [&](const T& a, const T& b) { return time_of(a) < time_of(b); });
}
}  // namespace

void Ladder::sort_by_time() {
  stable_sort_by(arrows, [](const Arrow& a) { return a.sent; });
  stable_sort_by(states, [](const StateMark& m) { return m.time; });
  stable_sort_by(timers, [](const TimerMark& m) { return m.time; });
  stable_sort_by(notes, [](const Note& n) { return n.time; });
}

}  // namespace synack::viz
