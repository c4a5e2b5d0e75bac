#include "synack/sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace synack::sim {
namespace {

TEST(EventQueue, PopsInTimeOrder) {
  EventQueue<int> queue;
  queue.push(from_micros(30), 3);
  queue.push(from_micros(10), 1);
  queue.push(from_micros(20), 2);
  EXPECT_EQ(queue.next_time(), from_micros(10));
  std::vector<int> order;
  while (!queue.empty()) order.push_back(queue.pop().payload);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(queue.next_time(), kNever);
}

TEST(EventQueue, TiesComeOutInInsertionOrder) {
  EventQueue<int> queue;
  // Enough entries that the heap reshuffles them; equal times must still keep push order.
  for (int i = 0; i < 100; ++i) queue.push(from_micros(i % 2 == 0 ? 5 : 7), i);
  std::vector<int> order;
  while (!queue.empty()) order.push_back(queue.pop().payload);
  std::vector<int> expected;
  for (int i = 0; i < 100; i += 2) expected.push_back(i);
  for (int i = 1; i < 100; i += 2) expected.push_back(i);
  EXPECT_EQ(order, expected);
}

TEST(EventQueue, SequenceKeepsCountingAcrossPops) {
  EventQueue<int> queue;
  queue.push(from_micros(5), 1);
  EXPECT_EQ(queue.pop().sequence, 0u);
  queue.push(from_micros(5), 2);
  queue.push(from_micros(5), 3);
  EXPECT_EQ(queue.pop().payload, 2);
  EXPECT_EQ(queue.pop().payload, 3);
}

}  // namespace
}  // namespace synack::sim
