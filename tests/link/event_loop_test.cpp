// EventLoop: the timer (order, never early, latest call wins, disarm, past deadlines), fd
// watches (readiness, unwatch, unwatch of a pending event, re-watch), stop() and run(until),
// and EINTR. Checks are on order and on "not before the deadline", never on how late.
#include "synack/link/event_loop.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <thread>
#include <vector>

#include "synack/link/monotonic_clock.hpp"

namespace synack {
namespace {

// An eventfd made readable by signal(): a minimal fd to watch.
class Readable {
 public:
  Readable() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Readable() { ::close(fd_); }
  Readable(const Readable&) = delete;
  Readable& operator=(const Readable&) = delete;
  int fd() const { return fd_; }
  void signal() const {
    const std::uint64_t one = 1;
    ASSERT_EQ(::write(fd_, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  }
  void drain() const {
    std::uint64_t value = 0;
    ASSERT_EQ(::read(fd_, &value, sizeof value), static_cast<ssize_t>(sizeof value));
  }

 private:
  int fd_;
};

TEST(MonotonicClock, NeverGoesBackwards) {
  const Instant a = monotonic_now();
  const Instant b = monotonic_now();
  EXPECT_GT(to_micros(a), 0);
  EXPECT_LE(a, b);
}

TEST(EventLoop, TimerChainFiresInOrderAndNeverBeforeItsDeadline) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  const Instant start = monotonic_now();
  const std::array<Duration, 4> offsets = {milliseconds(3), milliseconds(1), milliseconds(4),
                                           microseconds(1500)};
  struct Firing {
    std::size_t index;
    Instant deadline;
    Instant fired_at;
  };
  std::vector<Firing> firings;
  std::size_t next = 0;
  Instant deadline = start + offsets[0];
  std::function<void()> on_timer = [&] {
    firings.push_back({next, deadline, monotonic_now()});
    if (++next == offsets.size()) {
      loop.stop();
      return;
    }
    deadline = monotonic_now() + offsets[next];
    loop.set_timer(deadline, on_timer);
  };
  loop.set_timer(deadline, on_timer);
  loop.run(start + seconds(10));  // the bound only guards against a hang

  ASSERT_EQ(firings.size(), offsets.size());
  for (std::size_t i = 0; i < firings.size(); ++i) {
    EXPECT_EQ(firings[i].index, i);
    EXPECT_GE(firings[i].fired_at, firings[i].deadline) << "firing " << i << " was early";
    if (i > 0) {
      EXPECT_GE(firings[i].fired_at, firings[i - 1].fired_at);
    }
  }
  EXPECT_EQ(loop.timer_deadline(), kNever);  // a fired timer is disarmed
}

TEST(EventLoop, LatestSetTimerWins) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  const Instant start = monotonic_now();
  int early_fired = 0;
  int late_fired = 0;
  Instant late_fired_at;
  loop.set_timer(start + milliseconds(1), [&] { ++early_fired; });
  loop.set_timer(start + milliseconds(5), [&] {
    ++late_fired;
    late_fired_at = monotonic_now();
    loop.stop();
  });
  loop.run(start + seconds(10));
  EXPECT_EQ(early_fired, 0);
  EXPECT_EQ(late_fired, 1);
  EXPECT_GE(late_fired_at, start + milliseconds(5));
}

TEST(EventLoop, NeverDisarmsAndRunReturnsAtUntil) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  int fired = 0;
  const Instant start = monotonic_now();
  loop.set_timer(start + milliseconds(2), [&] { ++fired; });
  loop.set_timer(kNever, [&] { ++fired; });
  const Instant until = start + milliseconds(20);
  loop.run(until);
  EXPECT_GE(monotonic_now(), until);
  EXPECT_EQ(fired, 0);
}

TEST(EventLoop, PastDeadlinesIncludingTheClockOriginFireAtOnce) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  int fired = 0;
  // kEpoch is an all-zero time, which timerfd would read as "disarm" if passed through as is.
  loop.set_timer(kEpoch, [&] {
    ++fired;
    loop.set_timer(monotonic_now() - milliseconds(5), [&] {
      ++fired;
      loop.stop();
    });
  });
  loop.run(monotonic_now() + seconds(10));
  EXPECT_EQ(fired, 2);
}

TEST(EventLoop, WatchReportsReadinessUntilUnwatched) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  Readable readable;
  std::vector<std::uint32_t> seen;
  ASSERT_TRUE(loop.watch(readable.fd(), EPOLLIN, [&](std::uint32_t events) {
    seen.push_back(events);
    readable.drain();
    loop.stop();
  }));
  EXPECT_TRUE(loop.is_watched(readable.fd()));
  readable.signal();
  loop.run(monotonic_now() + seconds(10));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], std::uint32_t{EPOLLIN});

  ASSERT_TRUE(loop.unwatch(readable.fd()));
  EXPECT_FALSE(loop.is_watched(readable.fd()));
  EXPECT_FALSE(loop.unwatch(readable.fd()));
  readable.signal();
  loop.run(monotonic_now() + milliseconds(20));
  EXPECT_EQ(seen.size(), 1u);
}

TEST(EventLoop, LevelTriggeredWatchRepeatsWhileDataIsLeftUnread) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  Readable readable;
  int calls = 0;
  loop.watch(readable.fd(), EPOLLIN, [&](std::uint32_t) {
    if (++calls == 3) {
      readable.drain();
      loop.stop();
    }
  });
  readable.signal();
  loop.run(monotonic_now() + seconds(10));
  EXPECT_EQ(calls, 3);
}

TEST(EventLoop, ModifyChangesTheWatchedEvents) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  Readable readable;  // an eventfd is always writable while its counter is below the maximum
  std::vector<std::uint32_t> seen;
  loop.watch(readable.fd(), EPOLLIN, [&](std::uint32_t events) {
    seen.push_back(events);
    loop.stop();
  });
  ASSERT_TRUE(loop.modify(readable.fd(), EPOLLOUT));
  loop.run(monotonic_now() + seconds(10));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], std::uint32_t{EPOLLOUT});
  EXPECT_FALSE(loop.modify(-1, EPOLLIN));
}

TEST(EventLoop, UnwatchFromACallbackSuppressesTheOtherPendingEvent) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  Readable first;
  Readable second;
  int calls = 0;
  // Whichever callback runs first unwatches the other, whose event is already in the batch.
  loop.watch(first.fd(), EPOLLIN, [&](std::uint32_t) {
    ++calls;
    loop.unwatch(second.fd());
    first.drain();
  });
  loop.watch(second.fd(), EPOLLIN, [&](std::uint32_t) {
    ++calls;
    loop.unwatch(first.fd());
    second.drain();
  });
  first.signal();
  second.signal();
  loop.run(monotonic_now() + milliseconds(30));
  EXPECT_EQ(calls, 1);
}

TEST(EventLoop, CallbackMayUnwatchItselfAndWatchAgain) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  Readable readable;
  std::vector<int> order;
  loop.watch(readable.fd(), EPOLLIN, [&](std::uint32_t) {
    order.push_back(1);
    loop.unwatch(readable.fd());  // destroys this very callback's watch
    loop.watch(readable.fd(), EPOLLIN, [&](std::uint32_t) {
      order.push_back(2);
      readable.drain();
      loop.stop();
    });
  });
  readable.signal();
  loop.run(monotonic_now() + seconds(10));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(EventLoop, StopReturnsFromRunAndTheLoopRunsAgain) {
  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  int fired = 0;
  loop.set_timer(monotonic_now(), [&] {
    ++fired;
    loop.stop();
  });
  loop.run();  // without until: only stop() ends it
  EXPECT_EQ(fired, 1);

  loop.set_timer(monotonic_now() + milliseconds(1), [&] {
    ++fired;
    loop.stop();
  });
  loop.run();
  EXPECT_EQ(fired, 2);

  loop.stop();  // requested before run(): run() returns at once
  loop.set_timer(monotonic_now(), [&] { ++fired; });
  loop.run();
  EXPECT_EQ(fired, 2);
}

void ignore_signal(int) {}

TEST(EventLoop, SurvivesSignalsInterruptingTheWait) {
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = ignore_signal;  // no SA_RESTART: epoll_wait fails with EINTR
  sigemptyset(&action.sa_mask);
  ASSERT_EQ(::sigaction(SIGUSR1, &action, &previous), 0);

  auto created = EventLoop::create();
  ASSERT_TRUE(created) << created.error();
  EventLoop& loop = *created;
  int fired = 0;
  const Instant deadline = monotonic_now() + milliseconds(60);
  loop.set_timer(deadline, [&] {
    ++fired;
    loop.stop();
  });
  const pthread_t loop_thread = ::pthread_self();
  std::thread interrupter([loop_thread] {
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      ::pthread_kill(loop_thread, SIGUSR1);
    }
  });
  loop.run(monotonic_now() + seconds(10));
  interrupter.join();
  ::sigaction(SIGUSR1, &previous, nullptr);
  EXPECT_EQ(fired, 1);
  EXPECT_GE(monotonic_now(), deadline);
}

}  // namespace
}  // namespace synack
