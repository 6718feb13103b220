/* platform.c (hosted): boot, console, time, and the wait. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "hosted.h"
#include "net_attach.h"

static int64_t monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void platform_uart_write(const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(STDOUT_FILENO, s, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return; /* console gone: nothing better to do */
    s += w;
    n -= (size_t)w;
  }
}

ktime_t platform_time_ns(platform_t *p) {
  return (ktime_t)(monotonic_ns() - p->t0);
}

uint32_t platform_irq_save(void) { return 0; }

void platform_irq_restore(uint32_t state) { (void)state; }

/* Edge-triggered: a device drains its descriptor when polled, and tries again
 * by itself when it stopped early (no buffer, no posted receive). That keeps
 * an unread socket from spinning the loop. */
kerr_t platform_irq_route(platform_t *p, uint32_t fd, kdevice_t *dev) {
  return hosted_irq_watch(p, EPOLL_CTL_ADD, (int)fd, dev,
                          EPOLLIN | EPOLLOUT | EPOLLET);
}

kerr_t hosted_irq_watch(platform_t *p, int op, int fd, kdevice_t *dev,
                        uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = dev};
  if (epoll_ctl(p->epfd, op, fd, &ev) < 0)
    return KERR_IO;
  return KERR_OK;
}

static void die(const char *what, const char *detail) {
  klog(KLOG_ERROR, "%s: %s\n", what, detail);
  exit(1);
}

static void watch_signals(platform_t *p) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  p->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  if (p->sigfd < 0 || epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->sigfd, &ev) < 0)
    die("signalfd", strerror(errno));
  signal(SIGPIPE, SIG_IGN);
}

void platform_init(platform_t *p, kernel_t *k, void *boot_ctx) {
  p->k = k;
  p->opt = *(const hosted_options_t *)boot_ctx;
  hosted_realm_files_load(&p->opt);
  p->t0 = monotonic_ns();
  if (p->opt.log_level >= 0)
    klog_set_level(p->opt.log_level);
  k->exit_when_idle = p->opt.exit_when_idle;
  p->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (p->epfd < 0)
    die("epoll_create1", strerror(errno));
  watch_signals(p);

  const char *why = hosted_rng_init(p);
  if (why)
    die("rng", why);
  if (p->opt.disk && (why = hosted_blk_init(p, p->opt.disk)) != NULL)
    die(p->opt.disk, why);
  why = p->opt.net == NET_SOCKET
            ? hosted_udp_init(p, p->opt.port, p->opt.guest_port)
            : hosted_net_init(p, &p->opt);
  if (why)
    die("network", why);
  if (p->opt.net == NET_SOCKET) {
    if (p->opt.has_ip)
      die("--ip", "needs --net tap:NAME or dgram:LOCAL,REMOTE");
    return;
  }
  /* The IPv4 stack (net/) over the frames: --ip, or DHCP until a lease
   * comes (a LAN without a DHCP server needs --ip). */
  kip_config_t cfg = {.addr = p->opt.ip_addr,
                      .netmask = p->opt.ip_netmask,
                      .gateway = p->opt.ip_gateway,
                      .dns = p->opt.ip_gateway};
  net_attach(k, &(net_attach_t){.fixed = p->opt.has_ip ? &cfg : NULL});
}

ktime_t platform_wfi(platform_t *p, ktime_t timeout) {
  struct epoll_event ev[32];
  struct timespec ts, *tsp = NULL;
  if (timeout != KTIME_NEVER) {
    ts.tv_sec = (time_t)(timeout / 1000000000u);
    ts.tv_nsec = (long)(timeout % 1000000000u);
    tsp = &ts;
  }
  int n = epoll_pwait2(p->epfd, ev, (int)KARRAY_SIZE(ev), tsp, NULL);
  if (n < 0 && errno != EINTR)
    kpanic("epoll_pwait2: %s", strerror(errno));
  for (int i = 0; i < n; i++) {
    if (ev[i].data.ptr != NULL) {
      kdev_raise(ev[i].data.ptr);
      continue;
    }
    struct signalfd_siginfo si;
    while (read(p->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
      klog(KLOG_INFO, "signal %u: stopping\n", si.ssi_signo);
    kmain_stop(p->k);
  }
  return platform_time_ns(p);
}

void platform_shutdown(platform_t *p) {
  if (p->opt.disk)
    hosted_blk_close();
  if (p->opt.net == NET_SOCKET)
    hosted_udp_close();
  else
    hosted_net_close();
  close(p->sigfd);
  close(p->epfd);
}

void platform_halt(void) { abort(); }
