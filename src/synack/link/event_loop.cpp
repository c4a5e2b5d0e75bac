#include "synack/link/event_loop.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <utility>

#include "synack/link/monotonic_clock.hpp"

namespace synack {
namespace {

// epoll data: the fd in the low 32 bits, the watch generation in the high 32 bits.
std::uint64_t pack(int fd, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | static_cast<std::uint32_t>(fd);
}
int fd_of(std::uint64_t data) {
  return static_cast<int>(static_cast<std::uint32_t>(data));
}
std::uint32_t generation_of(std::uint64_t data) {
  return static_cast<std::uint32_t>(data >> 32);
}

// The timerfd has generation 0, which no watch uses.
constexpr std::uint32_t kTimerGeneration = 0;

}  // namespace

Result<EventLoop> EventLoop::create() {
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return Unexpected{errno_error("epoll_create1")};
  const int timer_fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd < 0) {
    Error error = errno_error("timerfd_create");
    ::close(epoll_fd);
    return Unexpected{std::move(error)};
  }
  ::epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = pack(timer_fd, kTimerGeneration);
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, timer_fd, &event) < 0) {
    Error error = errno_error("epoll_ctl add timerfd");
    ::close(timer_fd);
    ::close(epoll_fd);
    return Unexpected{std::move(error)};
  }
  return EventLoop(epoll_fd, timer_fd);
}

EventLoop::EventLoop(EventLoop&& other) noexcept
    : epoll_fd_(std::exchange(other.epoll_fd_, -1)),
      timer_fd_(std::exchange(other.timer_fd_, -1)),
      watches_(std::move(other.watches_)),
      next_generation_(other.next_generation_),
      timer_deadline_(other.timer_deadline_),
      on_timer_(std::move(other.on_timer_)),
      stop_requested_(other.stop_requested_) {}

EventLoop::~EventLoop() {
  if (timer_fd_ >= 0) ::close(timer_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

Status EventLoop::watch(int fd, std::uint32_t events, ReadyCallback on_ready) {
  const bool replacing = watches_.contains(fd);
  const std::uint32_t generation = next_generation_++;
  if (next_generation_ == kTimerGeneration) next_generation_ = 1;
  ::epoll_event event{};
  event.events = events;
  event.data.u64 = pack(fd, generation);
  if (::epoll_ctl(epoll_fd_, replacing ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) < 0) {
    return Unexpected{errno_error("epoll_ctl watch fd " + std::to_string(fd))};
  }
  watches_[fd] = Watch{generation, std::make_shared<ReadyCallback>(std::move(on_ready))};
  return {};
}

Status EventLoop::modify(int fd, std::uint32_t events) {
  const auto it = watches_.find(fd);
  if (it == watches_.end()) return Unexpected{Error{ENOENT, "fd " + std::to_string(fd)}};
  ::epoll_event event{};
  event.events = events;
  event.data.u64 = pack(fd, it->second.generation);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) < 0) {
    return Unexpected{errno_error("epoll_ctl modify fd " + std::to_string(fd))};
  }
  return {};
}

Status EventLoop::unwatch(int fd) {
  if (watches_.erase(fd) == 0) return Unexpected{Error{ENOENT, "fd " + std::to_string(fd)}};
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) < 0) {
    return Unexpected{errno_error("epoll_ctl unwatch fd " + std::to_string(fd))};
  }
  return {};
}

void EventLoop::set_timer(Instant deadline, TimerCallback on_timer) {
  on_timer_ = std::move(on_timer);
  timer_deadline_ = deadline;
  arm_timerfd(deadline);
}

void EventLoop::arm_timerfd(Instant deadline) {
  ::itimerspec spec{};  // all zero: disarmed
  if (deadline != kNever) {
    // An all-zero it_value would disarm, so the earliest deadline is 1 ns after the clock's
    // origin; any past deadline expires at once (timerfd_create(2), TFD_TIMER_ABSTIME).
    const std::int64_t micros = to_micros(deadline) > 0 ? to_micros(deadline) : 0;
    spec.it_value.tv_sec = static_cast<time_t>(micros / 1'000'000);
    spec.it_value.tv_nsec = static_cast<long>((micros % 1'000'000) * 1000);
    if (micros == 0) spec.it_value.tv_nsec = 1;
  }
  // Cannot fail for a valid timerfd and a normalised itimerspec.
  ::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

int EventLoop::wait_timeout_ms(Instant until) const {
  if (until == kNever) return -1;
  const std::int64_t remaining_us = to_micros(until - monotonic_now());
  if (remaining_us <= 0) return 0;
  // Round up so the loop never wakes before `until` only to wait again with a zero timeout.
  const std::int64_t ms = (remaining_us + 999) / 1000;
  return ms > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(ms);
}

void EventLoop::run(Instant until) {
  while (!stop_requested_) {
    if (until != kNever && monotonic_now() >= until) break;
    const int count = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()),
                                   wait_timeout_ms(until));
    if (count < 0) {
      if (errno == EINTR) continue;
      break;  // EBADF/EINVAL: the loop itself is broken; nothing left to wait for.
    }
    for (int i = 0; i < count && !stop_requested_; ++i)
      dispatch(events_[static_cast<std::size_t>(i)]);
  }
  stop_requested_ = false;
}

void EventLoop::dispatch(const ::epoll_event& event) {
  const int fd = fd_of(event.data.u64);
  const std::uint32_t generation = generation_of(event.data.u64);
  if (generation == kTimerGeneration && fd == timer_fd_) {
    fire_timer();
    return;
  }
  const auto it = watches_.find(fd);
  if (it == watches_.end() || it->second.generation != generation) return;  // stale
  // Hold a reference: the callback may unwatch (destroy) its own watch.
  const std::shared_ptr<ReadyCallback> on_ready = it->second.on_ready;
  (*on_ready)(event.events);
}

void EventLoop::fire_timer() {
  std::uint64_t expirations = 0;
  // EAGAIN here means the timer was re-armed after it expired but before this event was
  // dispatched (timerfd_settime resets the count): the old deadline no longer applies.
  if (::read(timer_fd_, &expirations, sizeof expirations) != sizeof expirations) return;
  timer_deadline_ = kNever;
  // Moved out so the callback can set a new timer (and replace on_timer_) while it runs.
  TimerCallback fired = std::move(on_timer_);
  on_timer_ = nullptr;
  if (fired) fired();
}

}  // namespace synack
