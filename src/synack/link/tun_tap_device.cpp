#include "synack/link/tun_tap_device.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace synack {
namespace {

constexpr std::size_t kDefaultMtu = 1500;

// An ifreq naming `name`; the caller has checked that it fits (IFNAMSIZ includes the NUL).
::ifreq request_for(const std::string& name) {
  ::ifreq request{};
  std::memcpy(request.ifr_name, name.data(), name.size());
  return request;
}

}  // namespace

Result<TunTapDevice> TunTapDevice::open(const std::string& name, DeviceKind kind) {
  if (name.size() >= IFNAMSIZ) {
    return Unexpected{Error{ENAMETOOLONG, "device name '" + name + "' is longer than " +
                                              std::to_string(IFNAMSIZ - 1) + " characters"}};
  }
  const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Unexpected{errno_error("open /dev/net/tun")};

  // IFF_NO_PI: no 4-byte packet-information prefix, so a frame is exactly what the wire carries
  // (Documentation/networking/tuntap.rst).
  ::ifreq request = request_for(name);
  request.ifr_flags =
      static_cast<short>((kind == DeviceKind::kTap ? IFF_TAP : IFF_TUN) | IFF_NO_PI);
  if (::ioctl(fd, TUNSETIFF, &request) < 0) {
    Error error = errno_error("TUNSETIFF " + (name.empty() ? "(any)" : name));
    ::close(fd);
    return Unexpected{std::move(error)};
  }
  request.ifr_name[IFNAMSIZ - 1] = '\0';
  return TunTapDevice(fd, kind, std::string(request.ifr_name));
}

TunTapDevice::TunTapDevice(TunTapDevice&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), kind_(other.kind_), name_(std::move(other.name_)) {}

TunTapDevice& TunTapDevice::operator=(TunTapDevice&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    kind_ = other.kind_;
    name_ = std::move(other.name_);
  }
  return *this;
}

TunTapDevice::~TunTapDevice() {
  close();
}

void TunTapDevice::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::size_t TunTapDevice::mtu() const {
  // The MTU belongs to the network interface, not the tun fd: ask through any socket of the
  // device's network namespace (netdevice(7)).
  const int socket_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (socket_fd < 0) return kDefaultMtu;
  ::ifreq request = request_for(name_);
  const int result = ::ioctl(socket_fd, SIOCGIFMTU, &request);
  ::close(socket_fd);
  if (result < 0 || request.ifr_mtu <= 0) return kDefaultMtu;
  return static_cast<std::size_t>(request.ifr_mtu);
}

}  // namespace synack
