#pragma once
// Helpers the benchmarks that need private network namespaces share (tap.cpp,
// linux_synflood.cpp): a closing fd, running `ip` without a shell, and a namespace of the
// benchmark's own (synack-bench-<pid>-<n>, created with `ip netns add`) that is deleted on every
// exit path. Threads enter one with setns(2), which moves only the calling thread, so the host's
// namespace, interfaces and sysctls are never touched. Failures throw std::runtime_error.
#include <future>
#include <string>
#include <utility>
#include <vector>

namespace synack::bench {

[[noreturn]] void fail(const std::string& what);
// `what` followed by strerror(errno).
[[noreturn]] void fail_errno(const std::string& what);

// A file descriptor closed on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }

 private:
  int fd_;
};

// Runs `argv` without a shell and waits for it; a failure carries the command's stderr.
void run_command(const std::vector<std::string>& argv);

// A network namespace of the benchmark's own, deleted again when the guard goes. `benchmark`
// only names the benchmark in the message printed if the deletion fails.
class Namespace {
 public:
  Namespace(std::string benchmark, int n);
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;
  ~Namespace() { remove(); }

  const std::string& name() const { return name_; }
  // `ip -n NAME ARGS...`: configures the namespace's links without entering it.
  void ip(std::vector<std::string> args) const;
  // `sysctl -w SETTING...` inside the namespace (per-namespace settings only, e.g. net.ipv4.tcp_*).
  void sysctl(const std::vector<std::string>& settings) const;
  // Moves the calling thread (only it) into the namespace.
  void enter() const;

 private:
  void remove() noexcept;

  std::string benchmark_;
  std::string name_;
};

// Runs `work` on a new thread inside `ns`; the future rethrows what it threw.
template <typename Work>
auto start_in(const Namespace& ns, Work work) {
  return std::async(std::launch::async, [&ns, work = std::move(work)]() mutable {
    ns.enter();
    return work();
  });
}

}  // namespace synack::bench
