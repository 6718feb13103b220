/* udp_echo_epoll.c: the baseline for bench section 3. A plain single-threaded
 * UDP echo server on epoll, as one would write it without realmos:
 *
 *   udp_echo_epoll PORT
 *
 * One dual-stack socket (IPv6, IPV6_V6ONLY off: IPv4 and IPv6 peers) on all
 * addresses at PORT, non-blocking, with the same 1 MiB SO_RCVBUF the hosted
 * kernel's socket backend asks for (platform/hosted/udp.c). Level-triggered
 * epoll; each readiness event drains the socket with recvfrom until EAGAIN and
 * echoes each datagram with sendto. A send the host refuses (EAGAIN, ENOBUFS,
 * an unreachable peer) loses that echo; the server goes on.
 * Prints "baseline: udp echo on port N" when ready; SIGTERM or SIGINT stops
 * it (exit status 0). */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

static void die(const char *what) {
  fprintf(stderr, "baseline: %s: %s\n", what, strerror(errno));
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 2 || atoi(argv[1]) < 1 || atoi(argv[1]) > 65535) {
    fprintf(stderr, "usage: udp_echo_epoll PORT\n");
    return 2;
  }
  int port = atoi(argv[1]);

  /* No SA_RESTART: a signal ends epoll_wait with EINTR. */
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die("socket");
  int off = 0, rcvbuf = 1 << 20;
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  struct sockaddr_in6 a = {.sin6_family = AF_INET6,
                           .sin6_port = htons((uint16_t)port)};
  if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
    die("bind");

  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0)
    die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
    die("epoll_ctl");

  printf("baseline: udp echo on port %d\n", port);
  fflush(stdout);

  unsigned char buf[65536];
  while (!g_stop) {
    struct epoll_event got[8];
    int n = epoll_wait(ep, got, 8, -1);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      for (;;) {
        struct sockaddr_storage from;
        socklen_t flen = sizeof(from);
        ssize_t len =
            recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
        if (len < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          if (errno == EINTR)
            continue;
          die("recvfrom");
        }
        /* A failed send (socket full, peer unreachable) loses that echo. */
        sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&from, flen);
      }
    }
  }
  close(ep);
  close(fd);
  return 0;
}
