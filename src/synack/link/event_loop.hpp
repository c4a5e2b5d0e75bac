#pragma once
// A single-threaded event loop over epoll(7) with one timerfd on CLOCK_MONOTONIC: the I/O half
// of the sans-IO split. Drivers watch file descriptors and keep the one timer at their node's
// next deadline; the loop calls them back when a descriptor is ready or the deadline passes.
//
// Watches are level-triggered, so a callback that leaves data unread is called again on the
// next iteration: a driver can bound its work per wakeup without losing readiness.
#include <sys/epoll.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "synack/core/error.hpp"
#include "synack/core/time.hpp"
// Deadlines given to the loop are CLOCK_MONOTONIC Instants: users need monotonic_now().
#include "synack/link/monotonic_clock.hpp"

namespace synack {

class EventLoop {
 public:
  using ReadyCallback = std::function<void(std::uint32_t events)>;
  using TimerCallback = std::function<void()>;

  // A loop with its epoll instance and timerfd, or why they could not be created.
  static Result<EventLoop> create();
  ~EventLoop();
  EventLoop(EventLoop&& other) noexcept;
  EventLoop& operator=(EventLoop&&) = delete;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Calls `on_ready` with the epoll event bits (EPOLLIN, EPOLLOUT, EPOLLHUP, ...) while `fd` is
  // ready for `events`. Replaces an earlier watch of the same fd. The error is epoll's if it
  // refuses the fd. Safe to call from callbacks.
  Status watch(int fd, std::uint32_t events, ReadyCallback on_ready);
  // ENOENT if `fd` is not watched.
  Status modify(int fd, std::uint32_t events);
  // Stops watching `fd`; a callback for it still pending in the current batch is not called.
  // Call before closing the fd. ENOENT if `fd` is not watched.
  Status unwatch(int fd);
  bool is_watched(int fd) const { return watches_.contains(fd); }

  // Wakes at `deadline` (CLOCK_MONOTONIC, see monotonic_now()) and calls `on_timer` once. There
  // is one timer: the latest call wins; kNever disarms it. A deadline already passed fires on
  // the next iteration.
  void set_timer(Instant deadline, TimerCallback on_timer);
  Instant timer_deadline() const { return timer_deadline_; }

  // Dispatches events until stop() is called or `until` (monotonic) has passed. Interrupted
  // waits (EINTR) are retried. A stop() requested before run() makes it return at once.
  void run(Instant until = kNever);
  // Makes run() return after the current callback. For use from callbacks (not thread-safe).
  void stop() { stop_requested_ = true; }

 private:
  struct Watch {
    std::uint32_t generation;
    std::shared_ptr<ReadyCallback> on_ready;
  };

  EventLoop(int epoll_fd, int timer_fd) : epoll_fd_(epoll_fd), timer_fd_(timer_fd) {}
  int wait_timeout_ms(Instant until) const;
  void dispatch(const ::epoll_event& event);
  void fire_timer();
  void arm_timerfd(Instant deadline);

  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  // Generations tell a stale event (its fd was unwatched, maybe re-watched, earlier in the same
  // batch) from a live one: each event carries the generation of the watch that produced it.
  std::unordered_map<int, Watch> watches_;
  std::uint32_t next_generation_ = 1;
  Instant timer_deadline_ = kNever;
  TimerCallback on_timer_;
  bool stop_requested_ = false;
  std::array<::epoll_event, 64> events_{};
};

}  // namespace synack
