#pragma once
// An application over the TcpLayer socket API. Sans-IO like the stack beneath it: a driver (the
// simulator in tests, an epoll loop on a TAP device) calls poll(now) after every stack step; the
// app looks at its sockets' readiness and makes non-blocking socket calls, where EAGAIN means
// "later, when the next poll comes".
#include "synack/core/time.hpp"

namespace synack::apps {

class App {
 public:
  virtual ~App() = default;
  virtual void poll(Instant now) = 0;
  // When the app wants a poll even if no packet arrives (a timer of its own); kNever if never.
  virtual Instant next_deadline() const { return kNever; }
};

}  // namespace synack::apps
