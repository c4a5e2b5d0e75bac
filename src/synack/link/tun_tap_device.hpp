#pragma once
// A Linux TUN or TAP device opened through /dev/net/tun: the file descriptor a DeviceDriver reads
// frames from and writes frames to. TAP carries Ethernet frames (an InterfaceConfig with
// ethernet = true, ARP included); TUN carries bare IP packets (ethernet = false).
//
// Configuring the device (link up, addresses, routes) is left to the administrator, e.g.
// `ip link set synack0 up`: this class only attaches to it.
#include <cstddef>
#include <string>
#include <utility>

#include "synack/core/error.hpp"

namespace synack {

enum class DeviceKind { kTap, kTun };

class TunTapDevice {
 public:
  // Attaches to (or creates, with CAP_NET_ADMIN) the device `name` with IFF_NO_PI, so every
  // read and write is exactly one frame with no extra header; the fd is non-blocking and
  // close-on-exec. An empty name lets the kernel choose one (tap0, tun0, ...). The error says
  // which step failed and why, e.g. "open /dev/net/tun: Permission denied".
  static Result<TunTapDevice> open(const std::string& name, DeviceKind kind);

  TunTapDevice(TunTapDevice&& other) noexcept;
  TunTapDevice& operator=(TunTapDevice&& other) noexcept;
  TunTapDevice(const TunTapDevice&) = delete;
  TunTapDevice& operator=(const TunTapDevice&) = delete;
  ~TunTapDevice();

  int fd() const { return fd_; }
  DeviceKind kind() const { return kind_; }
  // The name the kernel gave the device (the requested one, or the one it chose).
  const std::string& name() const { return name_; }
  // The device's MTU (SIOCGIFMTU on an AF_INET socket), or 1500 if it cannot be read.
  std::size_t mtu() const;

 private:
  TunTapDevice(int fd, DeviceKind kind, std::string name)
      : fd_(fd), kind_(kind), name_(std::move(name)) {}
  void close();

  int fd_ = -1;
  DeviceKind kind_ = DeviceKind::kTap;
  std::string name_;
};

}  // namespace synack
