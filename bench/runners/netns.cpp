#include "bench/runners/netns.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace synack::bench {

void fail(const std::string& what) {
  throw std::runtime_error(what);
}

void fail_errno(const std::string& what) {
  fail(fmt::format("{}: {}", what, std::strerror(errno)));
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

void run_command(const std::vector<std::string>& argv) {
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) fail_errno("pipe");
  Fd err_read(err_pipe[0]);
  Fd err_write(err_pipe[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  err_write = Fd();
  const std::string command = fmt::format("{}", fmt::join(argv, " "));
  if (rc != 0) fail(fmt::format("cannot run `{}`: {}", command, std::strerror(rc)));
  std::string errors;
  char buf[512];
  ssize_t n;
  while ((n = ::read(err_read.get(), buf, sizeof buf)) != 0) {
    if (n > 0) errors.append(buf, static_cast<std::size_t>(n));
    if (n < 0 && errno != EINTR) break;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!errors.empty() && errors.back() == '\n') errors.pop_back();
    fail(fmt::format("`{}` failed: {}", command, errors.empty() ? "no message" : errors));
  }
}

Namespace::Namespace(std::string benchmark, int n)
    : benchmark_(std::move(benchmark)), name_(fmt::format("synack-bench-{}-{}", ::getpid(), n)) {
  run_command({"ip", "netns", "add", name_});
  try {
    // IPv6 router solicitations and duplicate address detection would be noise on the links.
    // -e: a kernel without IPv6 has no such keys, which is fine.
    run_command({"ip", "netns", "exec", name_, "sysctl", "-q", "-e", "-w",
                 "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"});
  } catch (...) {
    remove();
    throw;
  }
}

void Namespace::ip(std::vector<std::string> args) const {
  args.insert(args.begin(), {"ip", "-n", name_});
  run_command(args);
}

void Namespace::sysctl(const std::vector<std::string>& settings) const {
  std::vector<std::string> argv = {"ip", "netns", "exec", name_, "sysctl", "-q", "-w"};
  argv.insert(argv.end(), settings.begin(), settings.end());
  run_command(argv);
}

void Namespace::enter() const {
  const Fd ns(::open(("/var/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC));
  if (ns.get() < 0) fail_errno("open namespace " + name_);
  if (::setns(ns.get(), CLONE_NEWNET) != 0) fail_errno("setns " + name_);
}

void Namespace::remove() noexcept {
  try {
    run_command({"ip", "netns", "del", name_});
  } catch (const std::exception& e) {
    fmt::print(stderr, "synack bench {}: {}\n", benchmark_, e.what());
  }
}

}  // namespace synack::bench
