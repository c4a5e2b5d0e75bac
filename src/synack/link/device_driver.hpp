#pragma once
// Drives a sans-IO NetworkNode (normally a Stack) from a packet file descriptor on an EventLoop:
// a TUN/TAP device, or in tests one end of a SOCK_SEQPACKET socketpair. One read or write on the
// fd is one frame.
//
// Each step reads the clock (CLOCK_MONOTONIC) once, then:
//   readable fd: reads up to kMaxFramesPerWakeup frames and hands each to node.receive_frame();
//   timer:       calls node.poll() (the loop's timer is kept at node.next_deadline());
// then calls the application's after_step hook (it makes socket calls) and polls the node again
// while next_deadline() <= now, so output the application queued leaves in the same step.
//
// Frames the node sends are written at once, from the node's own buffer. A write the kernel
// refuses (EAGAIN, ENOBUFS: the device queue is full) is counted and the frame dropped, like a
// full NIC queue: TCP retransmits, and the driver never blocks and never queues without bound.
// Reads use one preallocated buffer: no allocation per frame.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "synack/core/bytes.hpp"
#include "synack/core/time.hpp"
#include "synack/link/event_loop.hpp"
#include "synack/pcap/pcap_writer.hpp"
#include "synack/stack/node.hpp"

namespace synack {

class DeviceDriver : public FrameOutput {
 public:
  // Frames read per readable wakeup before the driver lets other fds and the timer run.
  static constexpr std::size_t kMaxFramesPerWakeup = 64;
  // Largest frame read: an IPv4 packet of 65535 bytes plus an Ethernet header, with room to
  // spare. Longer frames are truncated by read(2) and reach the node malformed (and counted).
  static constexpr std::size_t kReadBufferSize = 65536 + 64;

  struct Stats {
    std::uint64_t frames_in = 0;
    std::uint64_t frames_out = 0;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    std::uint64_t write_errors = 0;  // frames dropped because write(2) failed
    std::uint64_t read_errors = 0;   // read(2) failures other than EAGAIN/EINTR
    std::uint64_t read_wakeups = 0;  // readable steps, each reading 1..kMaxFramesPerWakeup frames
    std::uint64_t other_iface_drops = 0;  // frames the node sent on an interface not ours
  };

  // Sets `fd` non-blocking, watches it on `loop` and arms the timer at node.next_deadline().
  // `iface` is the node's interface index that `fd` carries. The loop, node and fd must outlive
  // the driver; the driver does not close the fd.
  DeviceDriver(EventLoop& loop, NetworkNode& node, int fd, std::size_t iface = 0);
  ~DeviceDriver() override;
  DeviceDriver(const DeviceDriver&) = delete;
  DeviceDriver& operator=(const DeviceDriver&) = delete;

  // The application's turn, after every step, with that step's time.
  void set_after_step(std::function<void(Instant now)> hook) { after_step_ = std::move(hook); }
  // Called once when the fd reports end of file or a hang-up (the peer of a socketpair closed,
  // the device went away); the driver has stopped watching it.
  void set_on_closed(std::function<void()> hook) { on_closed_ = std::move(hook); }

  // Records every frame read or written, stamped with CLOCK_REALTIME so tshark shows wall time;
  // use PcapLinkType::ethernet for TAP and raw_ip for TUN.
  Status capture_to(const std::string& pcap_path, PcapLinkType type);
  void flush_capture() { capture_.flush(); }
  void close_capture() { capture_.close(); }

  // Call after the application did something outside a step (e.g. stdin data arrived) so
  // pending output is sent and the timer re-armed.
  void kick();

  const Stats& stats() const { return stats_; }
  bool closed() const { return closed_; }
  int fd() const { return fd_; }

  // FrameOutput: writes one frame to the fd (the node calls this during receive_frame/poll).
  void send_frame(std::size_t iface, Bytes frame) override;

 private:
  void on_ready(std::uint32_t events);
  void on_timer();
  void read_frames(Instant now, std::uint32_t events);
  void finish_step(Instant now);
  void poll_due(Instant now);
  void arm_timer();
  void handle_closed();

  EventLoop& loop_;
  NetworkNode& node_;
  int fd_;
  std::size_t iface_;
  std::function<void(Instant)> after_step_;
  std::function<void()> on_closed_;
  PcapWriter capture_;
  Stats stats_;
  bool closed_ = false;
  ByteVector read_buffer_;
};

}  // namespace synack
