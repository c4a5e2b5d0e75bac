/* The table of entry points packetdrill fills in when it runs scripts against a stack loaded
 * from a shared object (--so_filename=PATH --so_flags=STRING). Written from the interface's
 * description: packetdrill dlopens the object, looks up packetdrill_interface_init and calls it
 * once per script with the flags string (NULL when absent) and a zero-filled table.
 *
 * The struct has no version field, so its layout (member order and types) is the contract:
 * never reorder, insert or remove members. Every function takes the userdata pointer first. */
#ifndef SYNACK_PACKETDRILL_INTERFACE_H
#define SYNACK_PACKETDRILL_INTERFACE_H

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

struct packetdrill_interface {
  void* userdata;
  void (*free)(void* userdata);
  int (*socket)(void* userdata, int domain, int type, int protocol);
  int (*bind)(void* userdata, int fd, const struct sockaddr* addr, socklen_t addrlen);
  int (*listen)(void* userdata, int fd, int backlog);
  int (*accept)(void* userdata, int fd, struct sockaddr* addr, socklen_t* addrlen);
  int (*connect)(void* userdata, int fd, const struct sockaddr* addr, socklen_t addrlen);
  ssize_t (*read)(void* userdata, int fd, void* buf, size_t count);
  ssize_t (*readv)(void* userdata, int fd, const struct iovec* iov, int iovcnt);
  ssize_t (*recv)(void* userdata, int fd, void* buf, size_t len, int flags);
  ssize_t (*recvfrom)(void* userdata, int fd, void* buf, size_t len, int flags,
                      struct sockaddr* src_addr, socklen_t* addrlen);
  ssize_t (*recvmsg)(void* userdata, int fd, struct msghdr* msg, int flags);
  ssize_t (*write)(void* userdata, int fd, const void* buf, size_t count);
  ssize_t (*writev)(void* userdata, int fd, const struct iovec* iov, int iovcnt);
  ssize_t (*send)(void* userdata, int fd, const void* buf, size_t len, int flags);
  ssize_t (*sendto)(void* userdata, int fd, const void* buf, size_t len, int flags,
                    const struct sockaddr* dest_addr, socklen_t addrlen);
  ssize_t (*sendmsg)(void* userdata, int fd, const struct msghdr* msg, int flags);
  int (*fcntl)(void* userdata, int fd, int cmd, ...);
  int (*ioctl)(void* userdata, int fd, unsigned long request, ...);
  int (*close)(void* userdata, int fd);
  int (*shutdown)(void* userdata, int fd, int how);
  int (*getsockopt)(void* userdata, int fd, int level, int name, void* value, socklen_t* length);
  int (*setsockopt)(void* userdata, int fd, int level, int name, const void* value,
                    socklen_t length);
  int (*poll)(void* userdata, struct pollfd* fds, nfds_t nfds, int timeout_ms);
  /* One inbound IPv4/IPv6 packet, no link header, checksums filled in: 0, or -1 on failure. */
  int (*netdev_send)(void* userdata, const void* buf, size_t count);
  /* The next packet the stack sent, into buf (*count is its size on entry, the packet's length
   * on return) with its send time on the gettimeofday clock: 0, or -1 for "none yet". */
  int (*netdev_receive)(void* userdata, void* buf, size_t* count, long long* time_usecs);
  int (*usleep)(void* userdata, useconds_t usec);
  int (*gettimeofday)(void* userdata, struct timeval* tv, struct timezone* tz);
  int (*epoll_create)(void* userdata, int size);
  int (*epoll_ctl)(void* userdata, int epfd, int op, int fd, struct epoll_event* event);
  int (*epoll_wait)(void* userdata, int epfd, struct epoll_event* events, int maxevents,
                    int timeout_ms);
  int (*pipe)(void* userdata, int pipefd[2]);
  int (*splice)(void* userdata, int fd_in, loff_t* off_in, int fd_out, loff_t* off_out, size_t len,
                unsigned int flags);
};

typedef void (*packetdrill_interface_init_t)(const char* flags, struct packetdrill_interface* ifc);

#ifdef __cplusplus
}
#endif

#endif /* SYNACK_PACKETDRILL_INTERFACE_H */
