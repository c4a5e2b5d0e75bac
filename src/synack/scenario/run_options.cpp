#include "synack/scenario/run_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace synack::scenario {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

template <typename T>
std::optional<T> number(std::string_view text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// strtod rather than from_chars: the libc++ of Emscripten 3.1.6 has no floating-point
// from_chars. Plain decimals only ("0.25", "1.5"), no exponents, signs, hex or "inf".
template <>
std::optional<double> number<double>(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos)
    return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

// "500ms", "2s", "250us"; a bare number is milliseconds.
std::optional<Duration> duration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    double micros;
  };
  for (const Unit u : {Unit{"us", 1}, Unit{"ms", 1e3}, Unit{"s", 1e6}, Unit{"", 1e3}}) {
    if (!text.ends_with(u.suffix)) continue;
    const auto value = number<double>(text.substr(0, text.size() - u.suffix.size()));
    if (!value || *value < 0 || !std::isfinite(*value) || *value > 1e6) return std::nullopt;
    return Duration{static_cast<std::int64_t>(std::llround(*value * u.micros))};
  }
  return std::nullopt;
}

std::string duration_text(Duration d) {
  const auto us = d.count();
  if (us % 1'000'000 == 0) return fmt::format("{}s", us / 1'000'000);
  if (us % 1'000 == 0) return fmt::format("{}ms", us / 1'000);
  return fmt::format("{}us", us);
}

const char* action_name(sim::FaultAction a) {
  switch (a) {
    case sim::FaultAction::drop:
      return "drop";
    case sim::FaultAction::delay:
      return "delay";
    case sim::FaultAction::duplicate:
      return "duplicate";
  }
  return "drop";
}

}  // namespace

bool Knobs::empty() const {
  return !msl && !syn_retries && !synack_retries && !max_syn_backlog && !accept_backlog &&
         !syncookies && !loss && !delay && !fixed_isn;
}

Expected<SegmentFault, std::string> parse_fault(std::string_view text) {
  const auto parts = split(text, ':');
  const std::string usage = fmt::format(
      "bad fault '{}': expected drop:SENDER:N, delay:SENDER:N:TIME or duplicate:SENDER:N:TIME "
      "(SENDER client or server, N counts that sender's segments from 1)",
      text);
  if (parts.size() < 3 || parts.size() > 4) return Unexpected{usage};
  SegmentFault f;
  if (parts[0] == "drop") {
    f.action = sim::FaultAction::drop;
  } else if (parts[0] == "delay") {
    f.action = sim::FaultAction::delay;
  } else if (parts[0] == "duplicate") {
    f.action = sim::FaultAction::duplicate;
  } else {
    return Unexpected{usage};
  }
  if (parts[1] == "client") {
    f.sender = Host::client;
  } else if (parts[1] == "server") {
    f.sender = Host::server;
  } else {
    return Unexpected{usage};
  }
  const auto n = number<std::size_t>(parts[2]);
  if (!n || *n == 0 || *n > 100'000) return Unexpected{usage};
  f.occurrence = *n;
  if (f.action == sim::FaultAction::drop) {
    if (parts.size() != 3) return Unexpected{usage};
    return f;
  }
  if (parts.size() != 4) return Unexpected{usage};
  const auto amount = duration(parts[3]);
  if (!amount) return Unexpected{usage};
  f.amount = *amount;
  return f;
}

std::string to_string(const SegmentFault& f) {
  std::string s = fmt::format("{}:{}:{}", action_name(f.action),
                              f.sender == Host::client ? "client" : "server", f.occurrence);
  if (f.action != sim::FaultAction::drop) s += fmt::format(":{}", duration_text(f.amount));
  return s;
}

Expected<Knobs, std::string> with_knob(Knobs k, std::string_view text) {
  const auto eq = text.find('=');
  const std::string bad = fmt::format(
      "bad setting '{}': expected msl=TIME, syn_retries=N, synack_retries=N, "
      "max_syn_backlog=N, accept_backlog=N, syncookies=0|1|2, loss=0..1, delay=TIME or "
      "isn=fixed|random",
      text);
  if (eq == std::string_view::npos) return Unexpected{bad};
  const std::string_view name = text.substr(0, eq);
  const std::string_view value = text.substr(eq + 1);
  auto count = [&](int low, int high) -> std::optional<int> {
    const auto n = number<int>(value);
    if (!n || *n < low || *n > high) return std::nullopt;
    return n;
  };
  if (name == "msl") {
    const auto d = duration(value);
    if (!d || *d <= Duration{0}) return Unexpected{bad};
    k.msl = *d;
  } else if (name == "syn_retries" || name == "synack_retries") {
    const auto n = count(0, 20);
    if (!n) return Unexpected{bad};
    (name == "syn_retries" ? k.syn_retries : k.synack_retries) = *n;
  } else if (name == "max_syn_backlog" || name == "accept_backlog") {
    const auto n = count(1, 65535);
    if (!n) return Unexpected{bad};
    if (name == "accept_backlog") {
      k.accept_backlog = *n;
    } else {
      k.max_syn_backlog = static_cast<std::size_t>(*n);
    }
  } else if (name == "syncookies") {
    const auto n = count(0, 2);
    if (!n) return Unexpected{bad};
    k.syncookies = *n;
  } else if (name == "loss") {
    const auto p = number<double>(value);
    if (!p || !(*p >= 0 && *p <= 1)) return Unexpected{bad};
    k.loss = *p;
  } else if (name == "delay") {
    const auto d = duration(value);
    if (!d) return Unexpected{bad};
    k.delay = *d;
  } else if (name == "isn") {
    if (value != "fixed" && value != "random") return Unexpected{bad};
    k.fixed_isn = value == "fixed";
  } else {
    return Unexpected{bad};
  }
  return k;
}

std::vector<std::string> to_strings(const Knobs& k) {
  std::vector<std::string> out;
  if (k.msl) out.push_back(fmt::format("msl={}", duration_text(*k.msl)));
  if (k.syn_retries) out.push_back(fmt::format("syn_retries={}", *k.syn_retries));
  if (k.synack_retries) out.push_back(fmt::format("synack_retries={}", *k.synack_retries));
  if (k.max_syn_backlog) out.push_back(fmt::format("max_syn_backlog={}", *k.max_syn_backlog));
  if (k.accept_backlog) out.push_back(fmt::format("accept_backlog={}", *k.accept_backlog));
  if (k.syncookies) out.push_back(fmt::format("syncookies={}", *k.syncookies));
  if (k.loss) out.push_back(fmt::format("loss={}", *k.loss));
  if (k.delay) out.push_back(fmt::format("delay={}", duration_text(*k.delay)));
  if (k.fixed_isn) out.push_back(*k.fixed_isn ? "isn=fixed" : "isn=random");
  return out;
}

void apply_client_knobs(const Knobs& k, TcpConfig& tcp) {
  if (k.msl) tcp.msl = *k.msl;
  if (k.syn_retries) tcp.syn_retries = *k.syn_retries;
  if (k.fixed_isn) tcp.fixed_isn = *k.fixed_isn ? std::optional<std::uint32_t>(1000) : std::nullopt;
}

void apply_server_knobs(const Knobs& k, TcpConfig& tcp) {
  if (k.msl) tcp.msl = *k.msl;
  if (k.synack_retries) tcp.synack_retries = *k.synack_retries;
  if (k.max_syn_backlog) tcp.max_syn_backlog = *k.max_syn_backlog;
  if (k.syncookies) tcp.syncookies = *k.syncookies;
  if (k.fixed_isn) tcp.fixed_isn = *k.fixed_isn ? std::optional<std::uint32_t>(5000) : std::nullopt;
}

void install_faults(const std::vector<SegmentFault>& faults, sim::Link& link) {
  for (const SegmentFault& f : faults) {
    const auto direction =
        f.sender == Host::client ? sim::Direction::a_to_b : sim::Direction::b_to_a;
    link.add_fault(direction,
                   sim::FaultRule{[](Bytes) { return true; }, f.occurrence, f.action, f.amount});
  }
}

}  // namespace synack::scenario
