// The entry points packetdrill calls: C functions that find the Session behind `userdata` and
// forward. packetdrill calls every member unchecked, so all are filled in; when --so_flags could
// not be parsed the session is missing and every call fails (netdev_receive with packetdrill's
// fatal "zero-length packet", so the run stops instead of spinning).
#include <fcntl.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <new>
#include <string>

#include "packetdrill_interface.h"
#include "session.hpp"

using synack::packetdrill::Session;

namespace {

Session* session_of(void* userdata) {
  return static_cast<Session*>(userdata);
}

template <class R>
R no_session() {
  errno = EINVAL;
  return static_cast<R>(-1);
}

#define SESSION_OR_FAIL(type)              \
  Session* session = session_of(userdata); \
  if (!session) return no_session<type>()

void pd_free(void* userdata) {
  delete session_of(userdata);
}

int pd_socket(void* userdata, int domain, int type, int protocol) {
  SESSION_OR_FAIL(int);
  return session->socket(domain, type, protocol);
}

int pd_bind(void* userdata, int fd, const sockaddr* addr, socklen_t length) {
  SESSION_OR_FAIL(int);
  return session->bind(fd, addr, length);
}

int pd_listen(void* userdata, int fd, int backlog) {
  SESSION_OR_FAIL(int);
  return session->listen(fd, backlog);
}

int pd_accept(void* userdata, int fd, sockaddr* addr, socklen_t* length) {
  SESSION_OR_FAIL(int);
  return session->accept(fd, addr, length);
}

int pd_connect(void* userdata, int fd, const sockaddr* addr, socklen_t length) {
  SESSION_OR_FAIL(int);
  return session->connect(fd, addr, length);
}

ssize_t pd_read(void* userdata, int fd, void* buf, size_t count) {
  SESSION_OR_FAIL(ssize_t);
  const iovec iov{buf, count};
  return session->recv(fd, &iov, 1, 0);
}

ssize_t pd_readv(void* userdata, int fd, const iovec* iov, int iovcnt) {
  SESSION_OR_FAIL(ssize_t);
  return session->recv(fd, iov, iovcnt, 0);
}

ssize_t pd_recv(void* userdata, int fd, void* buf, size_t len, int flags) {
  SESSION_OR_FAIL(ssize_t);
  const iovec iov{buf, len};
  return session->recv(fd, &iov, 1, flags);
}

ssize_t pd_recvfrom(void* userdata, int fd, void* buf, size_t len, int flags, sockaddr*,
                    socklen_t* addrlen) {
  SESSION_OR_FAIL(ssize_t);
  const iovec iov{buf, len};
  const ssize_t n = session->recv(fd, &iov, 1, flags);
  if (n >= 0 && addrlen) *addrlen = 0;  // a connected stream socket reports no source address
  return n;
}

ssize_t pd_recvmsg(void* userdata, int fd, msghdr* msg, int flags) {
  SESSION_OR_FAIL(ssize_t);
  if (!msg) {
    errno = EFAULT;
    return -1;
  }
  const ssize_t n = session->recv(fd, msg->msg_iov, static_cast<int>(msg->msg_iovlen), flags);
  if (n >= 0) {
    msg->msg_namelen = 0;
    msg->msg_controllen = 0;
    msg->msg_flags = 0;
  }
  return n;
}

ssize_t pd_write(void* userdata, int fd, const void* buf, size_t count) {
  SESSION_OR_FAIL(ssize_t);
  const iovec iov{const_cast<void*>(buf), count};
  return session->send(fd, &iov, 1, 0);
}

ssize_t pd_writev(void* userdata, int fd, const iovec* iov, int iovcnt) {
  SESSION_OR_FAIL(ssize_t);
  return session->send(fd, iov, iovcnt, 0);
}

ssize_t pd_send(void* userdata, int fd, const void* buf, size_t len, int flags) {
  SESSION_OR_FAIL(ssize_t);
  const iovec iov{const_cast<void*>(buf), len};
  return session->send(fd, &iov, 1, flags);
}

ssize_t pd_sendto(void* userdata, int fd, const void* buf, size_t len, int flags, const sockaddr*,
                  socklen_t) {
  SESSION_OR_FAIL(ssize_t);
  // TCP ignores the destination of sendto() on a connected socket, as Linux does.
  const iovec iov{const_cast<void*>(buf), len};
  return session->send(fd, &iov, 1, flags);
}

ssize_t pd_sendmsg(void* userdata, int fd, const msghdr* msg, int flags) {
  SESSION_OR_FAIL(ssize_t);
  if (!msg) {
    errno = EFAULT;
    return -1;
  }
  return session->send(fd, msg->msg_iov, static_cast<int>(msg->msg_iovlen), flags);
}

int pd_fcntl(void* userdata, int fd, int cmd, ...) {
  SESSION_OR_FAIL(int);
  long arg = 0;
  if (cmd == F_SETFL || cmd == F_SETFD) {
    va_list ap;
    va_start(ap, cmd);
    arg = va_arg(ap, int);
    va_end(ap);
  }
  return session->fcntl(fd, cmd, arg);
}

int pd_ioctl(void* userdata, int fd, unsigned long request, ...) {
  SESSION_OR_FAIL(int);
  va_list ap;
  va_start(ap, request);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  return session->ioctl(fd, request, arg);
}

int pd_close(void* userdata, int fd) {
  SESSION_OR_FAIL(int);
  return session->close(fd);
}

int pd_shutdown(void* userdata, int fd, int how) {
  SESSION_OR_FAIL(int);
  return session->shutdown(fd, how);
}

int pd_getsockopt(void* userdata, int fd, int level, int name, void* value, socklen_t* length) {
  SESSION_OR_FAIL(int);
  return session->getsockopt(fd, level, name, value, length);
}

int pd_setsockopt(void* userdata, int fd, int level, int name, const void* value,
                  socklen_t length) {
  SESSION_OR_FAIL(int);
  return session->setsockopt(fd, level, name, value, length);
}

int pd_poll(void* userdata, pollfd* fds, nfds_t nfds, int timeout_ms) {
  SESSION_OR_FAIL(int);
  return session->poll(fds, nfds, timeout_ms);
}

int pd_netdev_send(void* userdata, const void* buf, size_t count) {
  SESSION_OR_FAIL(int);
  return session->netdev_send(buf, count);
}

int pd_netdev_receive(void* userdata, void* buf, size_t* count, long long* time_usecs) {
  Session* session = session_of(userdata);
  if (!session) {
    *count = 0;
    return 0;
  }
  return session->netdev_receive(buf, count, time_usecs);
}

int pd_usleep(void* userdata, useconds_t usec) {
  SESSION_OR_FAIL(int);
  return session->usleep(usec);
}

int pd_gettimeofday(void* userdata, timeval* tv, struct timezone* tz) {
  SESSION_OR_FAIL(int);
  if (tz) *tz = {};
  return session->gettimeofday(tv);
}

int pd_epoll_create(void* userdata, int size) {
  SESSION_OR_FAIL(int);
  return session->epoll_create(size);
}

int pd_epoll_ctl(void* userdata, int epfd, int op, int fd, epoll_event* event) {
  SESSION_OR_FAIL(int);
  return session->epoll_ctl(epfd, op, fd, event);
}

int pd_epoll_wait(void* userdata, int epfd, epoll_event* events, int maxevents, int timeout) {
  SESSION_OR_FAIL(int);
  return session->epoll_wait(epfd, events, maxevents, timeout);
}

// TCP only: no pipes, hence nothing to splice.
int pd_pipe(void*, int*) {
  errno = ENOSYS;
  return -1;
}

int pd_splice(void*, int, loff_t*, int, loff_t*, size_t, unsigned int) {
  errno = ENOSYS;
  return -1;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void packetdrill_interface_init(
    const char* flags, packetdrill_interface* ifc) {
  std::string error;
  const auto parsed = synack::packetdrill::parse_so_flags(flags, error);
  if (!parsed) std::fprintf(stderr, "synack-packetdrill: --so_flags: %s\n", error.c_str());
  ifc->userdata = parsed ? new (std::nothrow) Session(*parsed) : nullptr;
  ifc->free = pd_free;
  ifc->socket = pd_socket;
  ifc->bind = pd_bind;
  ifc->listen = pd_listen;
  ifc->accept = pd_accept;
  ifc->connect = pd_connect;
  ifc->read = pd_read;
  ifc->readv = pd_readv;
  ifc->recv = pd_recv;
  ifc->recvfrom = pd_recvfrom;
  ifc->recvmsg = pd_recvmsg;
  ifc->write = pd_write;
  ifc->writev = pd_writev;
  ifc->send = pd_send;
  ifc->sendto = pd_sendto;
  ifc->sendmsg = pd_sendmsg;
  ifc->fcntl = pd_fcntl;
  ifc->ioctl = pd_ioctl;
  ifc->close = pd_close;
  ifc->shutdown = pd_shutdown;
  ifc->getsockopt = pd_getsockopt;
  ifc->setsockopt = pd_setsockopt;
  ifc->poll = pd_poll;
  ifc->netdev_send = pd_netdev_send;
  ifc->netdev_receive = pd_netdev_receive;
  ifc->usleep = pd_usleep;
  ifc->gettimeofday = pd_gettimeofday;
  ifc->epoll_create = pd_epoll_create;
  ifc->epoll_ctl = pd_epoll_ctl;
  ifc->epoll_wait = pd_epoll_wait;
  ifc->pipe = pd_pipe;
  ifc->splice = pd_splice;
}
