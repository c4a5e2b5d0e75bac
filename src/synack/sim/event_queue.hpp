#pragma once
// A priority queue of timed events ordered by (time, insertion sequence): events due at the same
// instant come out in the order they were scheduled, so a simulation never depends on how the
// standard library breaks ties.
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include "synack/core/time.hpp"

namespace synack::sim {

template <typename Payload>
class EventQueue {
 public:
  struct Entry {
    Instant time;
    std::uint64_t sequence = 0;
    Payload payload;
  };

  void push(Instant time, Payload payload) {
    queue_.push(Entry{time, next_sequence_++, std::move(payload)});
  }
  bool empty() const { return queue_.empty(); }
  std::size_t size() const { return queue_.size(); }
  // kNever when empty.
  Instant next_time() const { return queue_.empty() ? kNever : queue_.top().time; }
  // Removes and returns the earliest entry; the queue must not be empty.
  Entry pop() {
    Entry entry = queue_.top();
    queue_.pop();
    return entry;
  }

 private:
  struct Later {
    bool operator()(const Entry& x, const Entry& y) const {
      if (x.time != y.time) return x.time > y.time;
      return x.sequence > y.sequence;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, Later> queue_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace synack::sim
