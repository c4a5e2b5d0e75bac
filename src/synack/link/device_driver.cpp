#include "synack/link/device_driver.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "synack/link/monotonic_clock.hpp"
#include "synack/link/wall_clock.hpp"

namespace synack {
namespace {

// A node that keeps reporting work due after being polled would spin the step forever; past
// this many polls in one step the rest waits for the (already expired) timer, so fds and other
// drivers still get their turn.
constexpr int kMaxPollsPerStep = 16;

void set_non_blocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK) == 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

}  // namespace

DeviceDriver::DeviceDriver(EventLoop& loop, NetworkNode& node, int fd, std::size_t iface)
    : loop_(loop), node_(node), fd_(fd), iface_(iface), read_buffer_(kReadBufferSize) {
  set_non_blocking(fd_);
  loop_.watch(fd_, EPOLLIN, [this](std::uint32_t events) { on_ready(events); });
  arm_timer();
}

DeviceDriver::~DeviceDriver() {
  if (!closed_) loop_.unwatch(fd_);
  loop_.set_timer(kNever, nullptr);
}

Status DeviceDriver::capture_to(const std::string& pcap_path, PcapLinkType type) {
  return capture_.open(pcap_path, type);
}

void DeviceDriver::kick() {
  const Instant now = monotonic_now();
  poll_due(now);
  arm_timer();
}

void DeviceDriver::send_frame(std::size_t iface, Bytes frame) {
  if (iface != iface_ || closed_) {
    ++stats_.other_iface_drops;
    return;
  }
  ssize_t written;
  do {
    written = ::write(fd_, frame.data(), frame.size());
  } while (written < 0 && errno == EINTR);
  if (written < 0) {
    ++stats_.write_errors;
    return;
  }
  ++stats_.frames_out;
  stats_.bytes_out += frame.size();
  if (capture_.is_open()) capture_.write(wall_clock_now(), frame);
}

void DeviceDriver::on_ready(std::uint32_t events) {
  const Instant now = monotonic_now();
  read_frames(now, events);
  if (!closed_) finish_step(now);
}

void DeviceDriver::on_timer() {
  const Instant now = monotonic_now();
  node_.poll(now, *this);
  finish_step(now);
}

void DeviceDriver::read_frames(Instant now, std::uint32_t events) {
  ++stats_.read_wakeups;
  for (std::size_t i = 0; i < kMaxFramesPerWakeup; ++i) {
    const ssize_t length = ::read(fd_, read_buffer_.data(), read_buffer_.size());
    if (length < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      ++stats_.read_errors;
      // A persistent error with a hang-up would make a level-triggered fd spin.
      if ((events & (EPOLLHUP | EPOLLERR)) != 0) handle_closed();
      return;
    }
    if (length == 0) {  // end of file: a socketpair's peer closed
      handle_closed();
      return;
    }
    const Bytes frame{read_buffer_.data(), static_cast<std::size_t>(length)};
    ++stats_.frames_in;
    stats_.bytes_in += frame.size();
    if (capture_.is_open()) capture_.write(wall_clock_now(), frame);
    node_.receive_frame(now, iface_, frame, *this);
  }
}

void DeviceDriver::finish_step(Instant now) {
  // Timers that came due while frames were read fire in this step too.
  poll_due(now);
  if (after_step_) after_step_(now);
  poll_due(now);
  arm_timer();
}

void DeviceDriver::poll_due(Instant now) {
  for (int i = 0; i < kMaxPollsPerStep && node_.next_deadline() <= now; ++i) {
    node_.poll(now, *this);
  }
}

void DeviceDriver::arm_timer() {
  // The loop disarms its timer when it fires, so an unchanged deadline is still armed with our
  // callback: skip the timerfd_settime system call.
  const Instant deadline = node_.next_deadline();
  if (deadline == loop_.timer_deadline()) return;
  loop_.set_timer(deadline, [this] { on_timer(); });
}

void DeviceDriver::handle_closed() {
  if (closed_) return;
  closed_ = true;
  loop_.unwatch(fd_);
  if (on_closed_) on_closed_();
}

}  // namespace synack
