#include "net_session.hpp"

#include <net/if.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <sys/epoll.h>

#include "synack/core/entropy.hpp"

namespace synack::cli {
namespace {

// Bad input from the command line: EINVAL with what was wrong.
Unexpected<Error> fail(std::string message) {
  return Unexpected{Error{EINVAL, std::move(message)}};
}

Result<MacAddress> random_local_mac() {
  MacAddress mac;
  if (const int error = fill_with_os_entropy(mac.octets); error != 0) {
    return Unexpected{Error{error, "reading the system's entropy"}};
  }
  // Locally administered (bit 1), unicast (bit 0 clear): IEEE 802 section 8.2.
  mac.octets[0] = static_cast<std::uint8_t>((mac.octets[0] & 0xfc) | 0x02);
  return mac;
}

std::optional<MacAddress> parse_mac(const std::string& text) {
  MacAddress mac;
  unsigned v[6];
  char tail;
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                  &tail) != 6) {
    return std::nullopt;
  }
  for (int i = 0; i < 6; ++i) {
    if (v[i] > 0xff) return std::nullopt;
    mac.octets[i] = static_cast<std::uint8_t>(v[i]);
  }
  return mac;
}

// "10ms", "2s", "500us" or a bare number of milliseconds.
std::optional<Duration> parse_duration(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || value < 0) return std::nullopt;
  const std::string_view unit{end, static_cast<std::size_t>(text.data() + text.size() - end)};
  double scale = 1000;  // milliseconds
  if (unit == "us")
    scale = 1;
  else if (unit == "s")
    scale = 1e6;
  else if (unit != "ms" && !unit.empty())
    return std::nullopt;
  return microseconds(static_cast<std::int64_t>(value * scale));
}

std::optional<double> parse_probability(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view rest{end, static_cast<std::size_t>(text.data() + text.size() - end)};
  if (ec != std::errc{}) return std::nullopt;
  if (rest == "%")
    value /= 100;
  else if (!rest.empty())
    return std::nullopt;
  if (value < 0 || value > 1) return std::nullopt;
  return value;
}

}  // namespace

void add_device_options(CLI::App& cmd, DeviceOptions& o) {
  cmd.add_option("--dev", o.dev, "TAP (or with --tun, TUN) device to attach to")->required();
  cmd.add_flag("--tun", o.tun, "The device is a TUN device (IP packets, no Ethernet, no ARP)");
  cmd.add_option("--ip", o.address, "This stack's address and prefix, e.g. 198.18.0.2/24")
      ->required();
  cmd.add_option("--gateway", o.gateway, "Next hop for destinations outside the prefix");
  cmd.add_option("--mac", o.mac, "Ethernet address (default: random, locally administered)");
  cmd.add_option("--mtu", o.mtu, "Largest IP packet (default: the device's MTU)");
  cmd.add_option("--pcap", o.pcap, "Capture the device's traffic to this pcap file");
  cmd.add_option("--events", o.events, "Write every TCP event as a JSON line to this file");
  cmd.add_option("--impair", o.impair,
                 "Impair both directions inside synack, where tc netem is missing: "
                 "loss=5%,delay=10ms,jitter=5ms,reorder=10%,reorder-delay=20ms,duplicate=1%");
  cmd.add_option("--impair-seed", o.impair_seed, "Seed for --impair's random fates");
  cmd.add_flag("--stats", o.stats, "Print TCP, IP and device counters on exit");
  cmd.add_option("--stats-interval", o.stats_interval,
                 "Also print the counters every SECONDS while running (SIGUSR1 prints them once)")
      ->check(CLI::PositiveNumber);
  cmd.add_flag("--create", o.create,
               "Create the device if it does not exist (default: refuse, so that a mistyped "
               "name fails instead of serving on a new, unconfigured device)");
}

CLI::Validator tcp_port_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        unsigned long port = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (ec != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535) {
          return "a TCP port is a number from 1 to 65535, not " + text;
        }
        return {};
      },
      "PORT (1-65535)");
}

Result<std::pair<Ipv4Address, std::uint8_t>> parse_cidr(const std::string& text) {
  const auto slash = text.find('/');
  const auto address = Ipv4Address::parse(text.substr(0, slash));
  if (!address) return fail(fmt::format("not an IPv4 address: {}", text));
  if (slash == std::string::npos) return std::pair{*address, std::uint8_t{24}};
  unsigned prefix = 0;
  const std::string p = text.substr(slash + 1);
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
  if (ec != std::errc{} || end != p.data() + p.size() || prefix > 32) {
    return fail(fmt::format("bad prefix length in {}", text));
  }
  return std::pair{*address, static_cast<std::uint8_t>(prefix)};
}

Result<Endpoint> parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return fail(fmt::format("expected HOST:PORT: {}", text));
  const auto address = Ipv4Address::parse(text.substr(0, colon));
  if (!address) return fail(fmt::format("not an IPv4 address: {}", text.substr(0, colon)));
  unsigned port = 0;
  const std::string p = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc{} || end != p.data() + p.size() || port == 0 || port > 65535) {
    return fail(fmt::format("bad port: {}", p));
  }
  return Endpoint{IpAddress::v4(*address), static_cast<std::uint16_t>(port)};
}

Result<sim::Impairments> parse_impairments(const std::string& text) {
  sim::Impairments imp;
  imp.mtu = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) return fail(fmt::format("expected KEY=VALUE: {}", item));
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    bool ok = true;
    if (key == "loss" || key == "reorder" || key == "duplicate" || key == "corrupt") {
      const auto p = parse_probability(value);
      ok = p.has_value();
      if (ok) {
        (key == "loss"        ? imp.loss
         : key == "reorder"   ? imp.reorder
         : key == "duplicate" ? imp.duplicate
                              : imp.corrupt) = *p;
      }
    } else if (key == "delay" || key == "jitter" || key == "reorder-delay") {
      const auto d = parse_duration(value);
      ok = d.has_value();
      if (ok) (key == "delay" ? imp.delay : key == "jitter" ? imp.jitter : imp.reorder_delay) = *d;
    } else {
      return fail(fmt::format("unknown impairment: {}", key));
    }
    if (!ok) return fail(fmt::format("bad value for {}: {}", key, value));
  }
  if (imp.reorder > 0 && imp.reorder_delay == Duration{0}) imp.reorder_delay = imp.delay;
  return imp;
}

std::string errno_text(int error) {
  return std::strerror(error);
}

Result<std::unique_ptr<NetSession>> NetSession::open(const DeviceOptions& options) {
  if (!options.create && ::if_nametoindex(options.dev.c_str()) == 0) {
    return Unexpected{Error{
        ENODEV, fmt::format("no device {} in this network namespace (create it with `ip tuntap "
                            "add dev {} mode {}`, or pass --create)",
                            options.dev, options.dev, options.tun ? "tun" : "tap")}};
  }
  auto device = TunTapDevice::open(options.dev, options.tun ? DeviceKind::kTun : DeviceKind::kTap);
  if (!device) return Unexpected{device.error()};
  auto loop = EventLoop::create();
  if (!loop) return Unexpected{loop.error()};
  std::unique_ptr<NetSession> session{
      new NetSession(options, std::move(*device), std::move(*loop))};
  if (Status started = session->start(); !started) return Unexpected{started.error()};
  return session;
}

NetSession::NetSession(const DeviceOptions& options, TunTapDevice device, EventLoop loop)
    : options_(options), device_(std::move(device)), loop_(std::move(loop)) {}

NetSession::~NetSession() {
  if (events_) std::fclose(events_);
  if (signal_fd_ >= 0) ::close(signal_fd_);
  if (stats_timer_fd_ >= 0) ::close(stats_timer_fd_);
}

Status NetSession::start() {
  const auto cidr = parse_cidr(options_.address);
  if (!cidr) return Unexpected{cidr.error()};
  address_ = cidr->first;
  InterfaceConfig iface;
  iface.address = cidr->first;
  iface.prefix_length = cidr->second;
  iface.ethernet = !options_.tun;
  iface.mtu = options_.mtu != 0 ? options_.mtu : device_.mtu();
  if (!options_.gateway.empty()) {
    iface.gateway = Ipv4Address::parse(options_.gateway);
    if (!iface.gateway) return fail(fmt::format("not an IPv4 address: {}", options_.gateway));
  }
  if (!options_.mac.empty()) {
    const auto mac = parse_mac(options_.mac);
    if (!mac) return fail(fmt::format("not an Ethernet address: {}", options_.mac));
    iface.mac = *mac;
  } else {
    const auto mac = random_local_mac();
    if (!mac) return Unexpected{mac.error()};
    iface.mac = *mac;
  }
  stack_.add_interface(iface);

  if (!options_.events.empty()) {
    events_ = std::fopen(options_.events.c_str(), "w");
    if (!events_) return Unexpected{errno_error(options_.events)};
    tcp().set_event_callback([this](const TcpEvent& e) {
      std::fprintf(events_, "%s\n", e.to_json().c_str());
      std::fflush(events_);
    });
  }

  NetworkNode* node = &stack_;
  if (!options_.impair.empty()) {
    const auto imp = parse_impairments(options_.impair);
    if (!imp) return Unexpected{imp.error()};
    impaired_ = std::make_unique<sim::ImpairedNode>(stack_, *imp, *imp, options_.impair_seed);
    node = impaired_.get();
  }
  node_ = std::make_unique<WithApplicationDeadline>(*node);
  driver_ = std::make_unique<DeviceDriver>(loop_, *node_, device_.fd());
  if (!options_.pcap.empty()) {
    const Status capturing = driver_->capture_to(
        options_.pcap, options_.tun ? PcapLinkType::raw_ip : PcapLinkType::ethernet);
    if (!capturing) return capturing;
  }

  if (Status watching = watch_signals(); !watching) return watching;
  return start_stats_timer();
}

Status NetSession::watch_signals() {
  // SIGINT and SIGTERM end the loop cleanly (the capture is flushed, counters printed);
  // SIGUSR1 prints the counters and carries on.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal_fd_ = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) return Unexpected{errno_error("signalfd")};
  return loop_.watch(signal_fd_, EPOLLIN, [this](std::uint32_t) {
    signalfd_siginfo info;
    while (::read(signal_fd_, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGUSR1) {
        print_stats(stderr);
      } else {
        stopped_by_signal_ = true;
        loop_.stop();
      }
    }
  });
}

Status NetSession::start_stats_timer() {
  if (options_.stats_interval <= 0) return {};
  stats_timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (stats_timer_fd_ < 0) return Unexpected{errno_error("timerfd_create")};
  const auto usecs = static_cast<std::int64_t>(options_.stats_interval * 1e6);
  itimerspec period{};
  period.it_interval.tv_sec = static_cast<time_t>(usecs / 1'000'000);
  period.it_interval.tv_nsec = static_cast<long>(usecs % 1'000'000) * 1000;
  if (period.it_interval.tv_sec == 0 && period.it_interval.tv_nsec == 0) {
    period.it_interval.tv_nsec = 1000;
  }
  period.it_value = period.it_interval;
  if (timerfd_settime(stats_timer_fd_, 0, &period, nullptr) != 0) {
    return Unexpected{errno_error("timerfd_settime")};
  }
  return loop_.watch(stats_timer_fd_, EPOLLIN, [this](std::uint32_t) {
    std::uint64_t expirations = 0;
    if (::read(stats_timer_fd_, &expirations, sizeof expirations) == sizeof expirations) {
      print_stats(stderr);
    }
  });
}

void NetSession::set_application(std::function<void(Instant)> app,
                                 std::function<Instant()> app_deadline) {
  node_->app_deadline = std::move(app_deadline);
  driver_->set_after_step(std::move(app));
}

bool NetSession::run() {
  driver_->kick();
  loop_.run();
  return stopped_by_signal_;
}

void NetSession::print_stats(std::FILE* out) const {
  const auto& d = driver_->stats();
  std::fprintf(
      out, "device %s: %llu frames in (%llu bytes), %llu out (%llu bytes), %llu write errors\n",
      device_.name().c_str(), static_cast<unsigned long long>(d.frames_in),
      static_cast<unsigned long long>(d.bytes_in), static_cast<unsigned long long>(d.frames_out),
      static_cast<unsigned long long>(d.bytes_out),
      static_cast<unsigned long long>(d.write_errors));
  if (impaired_) {
    const auto& in = impaired_->inbound_stats();
    const auto& o = impaired_->outbound_stats();
    std::fprintf(
        out, "impaired: inbound %llu lost, %llu reordered; outbound %llu lost, %llu reordered\n",
        static_cast<unsigned long long>(in.frames_lost),
        static_cast<unsigned long long>(in.frames_reordered),
        static_cast<unsigned long long>(o.frames_lost),
        static_cast<unsigned long long>(o.frames_reordered));
  }
  stack_.tcp().counters().for_each([out](std::string_view name, std::uint64_t value) {
    if (value != 0) {
      std::fprintf(out, "Tcp %.*s %llu\n", static_cast<int>(name.size()), name.data(),
                   static_cast<unsigned long long>(value));
    }
  });
  stack_.host().counters().for_each([out](std::string_view name, std::uint64_t value) {
    if (value != 0) {
      std::fprintf(out, "Ip %.*s %llu\n", static_cast<int>(name.size()), name.data(),
                   static_cast<unsigned long long>(value));
    }
  });
}

}  // namespace synack::cli
