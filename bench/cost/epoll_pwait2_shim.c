/* epoll_pwait2_shim.c: epoll_pwait2 for programs run under Valgrind 3.19
 * (Debian 12), which does not know the syscall (441) and fails it with
 * ENOSYS. Preloaded (LD_PRELOAD) into a hosted realmos program by
 * bench/sec_cost.py only: it serves the call with epoll_pwait, the timeout
 * rounded up to whole milliseconds. Its own instructions (under 40 per call)
 * are counted with the program's. */
#include <stddef.h>
#include <sys/epoll.h>
#include <time.h>

int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
                 const struct timespec *timeout, const sigset_t *sigmask) {
  int ms = -1;
  if (timeout != NULL) {
    long long t = (long long)timeout->tv_sec * 1000 +
                  (timeout->tv_nsec + 999999) / 1000000;
    ms = t > 0x7fffffff ? 0x7fffffff : (int)t;
  }
  return epoll_pwait(epfd, events, maxevents, ms, sigmask);
}
