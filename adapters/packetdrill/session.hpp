#pragma once
// One packetdrill script's view of synack: a Stack with one raw-IP (TUN-like) interface, a
// virtual clock, a table of file descriptors and the FIFO of packets the stack sent.
//
// packetdrill calls in from two threads: its main thread runs the script (injects and sniffs
// packets, sleeps until each event, reads the clock, makes the non-blocking calls) and a
// syscall thread makes the calls a script marks as blocking (`+0...0.1 accept(...)`). Every
// public function takes the one mutex. Time is virtual and deterministic: only the thread that
// called first (packetdrill's main thread, the "driver") moves the clock, and only through its
// own calls: usleep, gettimeofday (one tick per read, so packetdrill's short spin waits end),
// netdev_receive (to the next timer when nothing is queued) and its own poll timeouts. Before
// each of its calls, and at every step of the clock, the driver waits until every thread
// blocked in the session has seen the latest change and either gone back to sleep or finished
// its call ("settled"): a blocked accept() that an inbound ACK completes returns before the
// driver looks at the stack again, whatever the machine's load. No wall-clock timeouts.
//
// Descriptors are real eventfds, so packetdrill's final libc close() of leftover sockets works;
// the eventfd carries a per-session tag so free() closes only descriptors still ours.
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "so_flags.hpp"
#include "synack/stack/stack.hpp"
#include "synack/tcp/congestion_control.hpp"

namespace synack::packetdrill {

// Per-descriptor socket state the stack does not keep (options, bind address, O_NONBLOCK).
struct SocketEntry {
  enum class Kind : std::uint8_t { kFresh, kListener, kConnection };
  Kind kind = Kind::kFresh;
  SocketId id = 0;
  std::optional<Endpoint> bound;
  bool nonblocking = false;
  bool connect_reported = false;  // a non-blocking connect's success was returned once
  bool shut_read = false;
  bool shut_write = false;
  // Stored options; those the stack cannot honour yet are only remembered (see README).
  bool reuse_address = false;
  bool keepalive = false;
  bool no_delay = false;
  bool linger_on = false;
  int linger_seconds = 0;
  int send_buffer = 0;     // 0: the stack's default
  int receive_buffer = 0;  // 0: the stack's default
  int max_segment = 0;     // TCP_MAXSEG as set, 0: not set
  int keep_idle = 7200;    // Linux defaults (tcp_keepalive_time/intvl/probes)
  int keep_interval = 75;
  int keep_count = 9;
  std::string congestion_control;
};

struct EpollEntry {
  std::map<int, epoll_event> interest;  // fd -> registered events and data
};

class Session {
 public:
  explicit Session(const SoFlags& flags);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Results follow the kernel ABI: >= 0, or -1 with errno set.
  int socket(int domain, int type, int protocol);
  int bind(int fd, const sockaddr* addr, socklen_t length);
  int listen(int fd, int backlog);
  int accept(int fd, sockaddr* addr, socklen_t* length);
  int connect(int fd, const sockaddr* addr, socklen_t length);
  ssize_t recv(int fd, const iovec* iov, int iovcnt, int flags);
  ssize_t send(int fd, const iovec* iov, int iovcnt, int flags);
  int fcntl(int fd, int cmd, long arg);
  int ioctl(int fd, unsigned long request, void* arg);
  int close(int fd);
  int shutdown(int fd, int how);
  int getsockopt(int fd, int level, int name, void* value, socklen_t* length);
  int setsockopt(int fd, int level, int name, const void* value, socklen_t length);
  int poll(pollfd* fds, nfds_t count, int timeout_ms);
  int epoll_create(int size);
  int epoll_ctl(int epfd, int op, int fd, epoll_event* event);
  int epoll_wait(int epfd, epoll_event* events, int max_events, int timeout_ms);

  int netdev_send(const void* packet, std::size_t length);
  int netdev_receive(void* buffer, std::size_t* length, long long* time_usecs);
  int usleep(std::uint64_t usecs);
  int gettimeofday(timeval* tv);

  // Wall-clock time at virtual time zero (a fixed epoch, so runs are reproducible).
  static constexpr std::int64_t kEpochUsecs = 1'700'000'000LL * 1'000'000;
  // What each of the driver's clock reads advances virtual time by: a frozen clock would hang
  // packetdrill, which spins on gettimeofday for waits shorter than 20 us.
  static constexpr Duration kClockTick = microseconds(5);
  // netdev_receive with nothing queued moves the clock timer by timer; a stack whose next
  // timer lies further ahead than this sends nothing the script could be waiting for.
  static constexpr Duration kIdleHorizon = seconds(3 * 3600);

 private:
  class Collector;
  struct OutboundPacket {
    ByteVector bytes;
    Instant sent;
  };

  // A thread blocked in the session (in wait()): what it waits for and the last change it saw.
  struct Waiter {
    std::thread::id thread;
    std::optional<Instant> deadline;
    std::uint64_t seen_generation = 0;
  };

  // ---- time and the stack ----
  // Every public call starts here: the first caller becomes the driver; the driver settles.
  void begin_call(std::unique_lock<std::mutex>& lock, bool reads_clock_only = false);
  bool is_driver() const { return driver_ == std::this_thread::get_id(); }
  // The driver waits until every other blocked thread has seen the latest change.
  void settle(std::unique_lock<std::mutex>& lock);
  // The next moment something happens by itself: a stack timer or a blocked call's timeout.
  Instant next_event_time() const;
  // Moves virtual time to `t` event by event (each timer fires at its own time, stamping what
  // it sends; each timed-out waiter returns at its deadline), settling after each step.
  void advance_to(std::unique_lock<std::mutex>& lock, Instant t);
  // Runs the stack at the current time (sends what application calls queued) and wakes waiters.
  void pump();
  void changed() {
    ++generation_;
    wake_.notify_all();
  }
  // Sleeps until `ready()` or, with a deadline, until virtual time reaches it. The driver
  // itself blocked with a deadline moves the clock (nobody else would); any other thread waits
  // for the driver to move it.
  template <class Ready>
  bool wait(std::unique_lock<std::mutex>& lock, std::optional<Instant> deadline, Ready ready);

  // ---- descriptors ----
  int new_descriptor();
  SocketEntry* find_socket(int fd);
  std::uint32_t readiness_of(const SocketEntry& s) const;  // poll(2) bits
  Endpoint local_endpoint_for_listen(SocketEntry& s);
  // Buffer sizes take effect at listen/connect (the stack sizes buffers when it creates them).
  TcpSocketOptions options_for(const SocketEntry& s) const;
  void apply_options(const SocketEntry& s);
  int fail_connect(SocketEntry& s);
  ssize_t recv_locked(std::unique_lock<std::mutex>& lock, int fd, const iovec* iov, int iovcnt,
                      int flags);
  ssize_t send_locked(std::unique_lock<std::mutex>& lock, int fd, const iovec* iov, int iovcnt,
                      int flags);
  int get_socket_option(SocketEntry& s, int name, void* value, socklen_t* length);
  int get_tcp_option(SocketEntry& s, int name, void* value, socklen_t* length);
  int set_socket_option(SocketEntry& s, int name, const void* value, socklen_t length);
  int set_tcp_option(SocketEntry& s, int name, const void* value, socklen_t length);
  bool port_in_use(int except_fd, std::uint16_t port, bool reuse) const;

  SoFlags flags_;
  std::mutex mutex_;
  std::condition_variable wake_;     // driver -> waiters: something changed
  std::condition_variable settled_;  // waiters -> driver: a waiter saw the change or left
  std::uint64_t generation_ = 0;     // bumped on every change waiters might care about
  std::vector<Waiter*> waiters_;
  std::optional<std::thread::id> driver_;
  // When a thread other than the driver finished a call it had blocked in: packetdrill's
  // syscall thread reads the clock right after, and must read the completion time, not
  // whatever the driver has moved the clock to since.
  std::map<std::thread::id, Instant> completed_at_;
  Stack stack_;
  std::size_t iface_ = 0;
  Instant now_ = kEpoch;
  // Virtual time zero is the script's first call; the clock reads before it (packetdrill
  // spins on them, for a wall-clock dependent count, to pick its start time) move only this.
  std::int64_t epoch_usecs_ = kEpochUsecs;
  bool started_ = false;
  std::deque<OutboundPacket> outbound_;
  std::map<int, SocketEntry> sockets_;
  std::map<int, EpollEntry> epolls_;
  std::uint32_t tag_;  // eventfd initial value marking this session's descriptors
};

}  // namespace synack::packetdrill
