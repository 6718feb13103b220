/* udpload: a UDP load client for the echo benchmarks (bench/sec_udp.py,
 * bench/sec_boot.py). One non-blocking socket connected to HOST:PORT, poll,
 * CLOCK_MONOTONIC.
 *
 *   udpload HOST PORT rtt COUNT SIZE [--dump FILE]
 *       COUNT datagrams one after the other, each waiting up to 1 s for its
 *       echo. Prints: sent N echoed M lost L p50_us X p99_us Y max_us Z
 *       (-1 when nothing was echoed). --dump writes each RTT in us, one a
 *       line.
 *   udpload HOST PORT rate INFLIGHT SECONDS SIZE
 *       Keeps INFLIGHT datagrams unanswered for SECONDS, sending and
 *       reading up to 64 at a time (sendmmsg, recvmmsg). Prints: sent N
 *       echoed M lost L per_s R w1 a w2 b ... (echoes in each one-second
 *       window of the run).
 *   udpload HOST PORT first TIMEOUT_MS
 *       A 16-byte datagram every 10 ms until the first echo. Prints:
 *       first_ms X mono_ns T (X: from start to that echo; T: the echo's
 *       CLOCK_MONOTONIC time, the clock of Python's time.monotonic() on
 *       Linux), or first_ms -1.
 *
 * Each datagram starts with its sequence number (8 bytes, little-endian)
 * followed by a pattern derived from it; a reply counts only if it has the
 * same length and bytes as a datagram sent, and only once. A datagram not
 * echoed within 1 s of being sent is lost. Exit status 2 for bad arguments,
 * 1 if the socket cannot be set up, else 0. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000ull
#define NS_PER_MS 1000000ull
#define LOSS_NS NS_PER_S /* echo deadline, counted from the send */
#define MIN_SIZE 8       /* room for the sequence number */
#define MAX_SIZE 65507   /* largest UDP payload over IPv4 */
#define FIRST_SIZE 16
#define FIRST_INTERVAL_NS (10 * NS_PER_MS)

static int g_fd = -1;
static unsigned char g_rx[65536];

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void fill(unsigned char *buf, uint64_t seq, size_t size) {
  for (int i = 0; i < 8; i++)
    buf[i] = (unsigned char)(seq >> (8 * i));
  uint32_t x = (uint32_t)seq * 2654435761u + 12345u;
  for (size_t i = 8; i < size; i++) {
    x = x * 1103515245u + 12345u;
    buf[i] = (unsigned char)(x >> 24);
  }
}

/* The sequence number of a reply that is exactly a datagram we sent (seq <
 * next, same size, same bytes), or -1. */
static int64_t match(const unsigned char *rx, ssize_t n, size_t size,
                     uint64_t next) {
  static unsigned char want[MAX_SIZE];
  if (n != (ssize_t)size)
    return -1;
  uint64_t seq = 0;
  for (int i = 0; i < 8; i++)
    seq |= (uint64_t)rx[i] << (8 * i);
  if (seq >= next)
    return -1;
  fill(want, seq, size);
  return memcmp(want, rx, size) == 0 ? (int64_t)seq : -1;
}

/* True if the datagram left. EAGAIN, ENOBUFS and ECONNREFUSED (an ICMP
 * error from an earlier datagram) are not fatal: the caller retries. */
static bool send_dgram(uint64_t seq, size_t size) {
  static unsigned char buf[MAX_SIZE];
  fill(buf, seq, size);
  return send(g_fd, buf, size, 0) == (ssize_t)size;
}

/* Wait up to `until` (ns) for the socket to be readable (and writable too
 * if want_out). */
static void wait_until(uint64_t until, bool want_out) {
  uint64_t now = now_ns();
  int ms = 0;
  if (until > now)
    ms = (int)((until - now + NS_PER_MS - 1) / NS_PER_MS);
  struct pollfd pfd = {.fd = g_fd, .events = POLLIN | (want_out ? POLLOUT : 0)};
  poll(&pfd, 1, ms);
}

/* One received datagram into g_rx: its length, or -1 if none is waiting. */
static ssize_t recv_one(void) {
  for (;;) {
    ssize_t n = recv(g_fd, g_rx, sizeof(g_rx), 0);
    if (n >= 0)
      return n;
    if (errno == EINTR || errno == ECONNREFUSED)
      continue;
    return -1;
  }
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values, in us. */
static double pct_us(const uint64_t *v, size_t n, double p) {
  if (n == 0)
    return -1;
  size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
  if (rank < 1)
    rank = 1;
  if (rank > n)
    rank = n;
  return (double)v[rank - 1] / 1000.0;
}

static int run_rtt(uint64_t count, size_t size, const char *dump) {
  uint64_t *rtt = malloc((count ? count : 1) * sizeof(*rtt));
  if (!rtt) {
    perror("udpload: malloc");
    return 1;
  }
  size_t echoed = 0;
  for (uint64_t seq = 0; seq < count; seq++) {
    uint64_t t0 = now_ns();
    uint64_t deadline = t0 + LOSS_NS;
    bool sent = send_dgram(seq, size);
    for (;;) {
      uint64_t now = now_ns();
      if (now >= deadline)
        break;
      if (!sent) {
        sent = send_dgram(seq, size);
        if (!sent) {
          wait_until(now + NS_PER_MS < deadline ? now + NS_PER_MS : deadline,
                     true);
          continue;
        }
      }
      ssize_t n = recv_one();
      if (n < 0) {
        wait_until(deadline, false);
        continue;
      }
      uint64_t t1 = now_ns();
      if (match(g_rx, n, size, seq + 1) == (int64_t)seq) {
        rtt[echoed++] = t1 - t0;
        break;
      }
      /* anything else (a late echo of an earlier datagram) is ignored */
    }
  }
  if (dump) {
    FILE *f = fopen(dump, "w");
    if (!f) {
      perror(dump);
    } else {
      for (size_t i = 0; i < echoed; i++)
        fprintf(f, "%.1f\n", (double)rtt[i] / 1000.0);
      fclose(f);
    }
  }
  qsort(rtt, echoed, sizeof(*rtt), cmp_u64);
  printf("sent %llu echoed %zu lost %llu p50_us %.1f p99_us %.1f max_us %.1f\n",
         (unsigned long long)count, echoed,
         (unsigned long long)(count - echoed), pct_us(rtt, echoed, 50),
         pct_us(rtt, echoed, 99), pct_us(rtt, echoed, 100));
  free(rtt);
  return 0;
}

enum { PENDING, ECHOED, LOST };

typedef struct {
  uint64_t sent_at;
  unsigned char state;
} slot_t;

/* The rate mode's batches: at most BATCH datagrams go out in one sendmmsg
 * and come in with one recvmmsg, so that the client's own system calls are
 * not what limits the rate at 32 in flight (one send and one recv per
 * datagram cost this client about 5 us of CPU each datagram, more than the
 * servers it measures). */
#define BATCH 64

typedef struct {
  struct mmsghdr msg[BATCH];
  struct iovec iov[BATCH];
  unsigned char *buf; /* BATCH buffers of `room` bytes */
  size_t room;
} batch_t;

static bool batch_init(batch_t *b, size_t room) {
  memset(b, 0, sizeof(*b));
  b->room = room;
  b->buf = malloc(BATCH * room);
  return b->buf != NULL;
}

static void batch_set(batch_t *b, int i, size_t len) {
  b->iov[i] = (struct iovec){b->buf + (size_t)i * b->room, len};
  b->msg[i] =
      (struct mmsghdr){.msg_hdr = {.msg_iov = &b->iov[i], .msg_iovlen = 1}};
}

/* Send datagrams next, next+1, ... (at most want, at most BATCH): how many
 * left. 0 when the socket is full or an ICMP error from an earlier
 * datagram came back (ECONNREFUSED): the caller retries. */
static int send_batch(batch_t *b, uint64_t next, int want, size_t size) {
  for (int i = 0; i < want; i++) {
    fill(b->buf + (size_t)i * b->room, next + (uint64_t)i, size);
    batch_set(b, i, size);
  }
  int n = sendmmsg(g_fd, b->msg, (unsigned)want, 0);
  return n < 0 ? 0 : n;
}

/* Read what is waiting, at most BATCH: how many, or -1 if none. Each
 * buffer has one byte more than `size`, so a longer datagram never
 * matches. */
static int recv_batch(batch_t *b) {
  for (int i = 0; i < BATCH; i++)
    batch_set(b, i, b->room);
  for (;;) {
    int n = recvmmsg(g_fd, b->msg, BATCH, MSG_DONTWAIT, NULL);
    if (n >= 0)
      return n > 0 ? n : -1;
    if (errno == EINTR || errno == ECONNREFUSED)
      continue;
    return -1;
  }
}

static int run_rate(uint64_t inflight, uint64_t seconds, size_t size) {
  size_t cap = 1 << 16;
  slot_t *slots = malloc(cap * sizeof(*slots));
  uint64_t *windows = calloc(seconds, sizeof(*windows));
  static batch_t tx, rx;
  if (!slots || !windows || !batch_init(&tx, size) ||
      !batch_init(&rx, size + 1)) {
    perror("udpload: malloc");
    return 1;
  }
  uint64_t next = 0;    /* sequence number of the next datagram */
  uint64_t oldest = 0;  /* no datagram before this one is PENDING */
  uint64_t pending = 0; /* datagrams sent, not echoed, not yet lost */
  uint64_t echoed = 0;
  uint64_t start = now_ns();
  uint64_t end = start + seconds * NS_PER_S;
  for (;;) {
    uint64_t now = now_ns();
    /* Datagrams older than the loss deadline free their place. */
    while (oldest < next && (slots[oldest].state != PENDING ||
                             now - slots[oldest].sent_at >= LOSS_NS)) {
      if (slots[oldest].state == PENDING) {
        slots[oldest].state = LOST;
        pending--;
      }
      oldest++;
    }
    if (now >= end && pending == 0)
      break;
    bool blocked = false;
    while (now < end && pending < inflight) {
      int want = (int)(inflight - pending < BATCH ? inflight - pending : BATCH);
      if (next + (uint64_t)want > cap) {
        cap *= 2;
        slot_t *grown = realloc(slots, cap * sizeof(*slots));
        if (!grown) {
          perror("udpload: realloc");
          return 1;
        }
        slots = grown;
      }
      int sent = send_batch(&tx, next, want, size);
      uint64_t t = now_ns();
      for (int i = 0; i < sent; i++) {
        slots[next].sent_at = t;
        slots[next].state = PENDING;
        next++;
        pending++;
      }
      if (sent < want) {
        blocked = true;
        break;
      }
    }
    int got;
    bool any = false;
    while ((got = recv_batch(&rx)) > 0) {
      any = true;
      uint64_t t = now_ns();
      for (int i = 0; i < got; i++) {
        int64_t seq = match(rx.buf + (size_t)i * rx.room,
                            (ssize_t)rx.msg[i].msg_len, size, next);
        if (seq < 0 || slots[seq].state != PENDING)
          continue; /* not ours, a duplicate, or after its deadline */
        slots[seq].state = ECHOED;
        pending--;
        echoed++;
        if (t < end)
          windows[(t - start) / NS_PER_S]++;
      }
    }
    if (any)
      continue;
    /* Nothing to read: sleep until an echo, the oldest datagram's
     * deadline, or the end of the run. */
    uint64_t until = now < end ? end : now;
    if (pending > 0 && (now >= end || slots[oldest].sent_at + LOSS_NS < until))
      until = slots[oldest].sent_at + LOSS_NS;
    if (blocked && now + NS_PER_MS < until)
      until = now + NS_PER_MS;
    wait_until(until, blocked);
  }
  printf("sent %llu echoed %llu lost %llu per_s %.1f", (unsigned long long)next,
         (unsigned long long)echoed, (unsigned long long)(next - echoed),
         (double)echoed / (double)seconds);
  for (uint64_t i = 0; i < seconds; i++)
    printf(" w%llu %llu", (unsigned long long)(i + 1),
           (unsigned long long)windows[i]);
  printf("\n");
  free(slots);
  free(windows);
  free(tx.buf);
  free(rx.buf);
  return 0;
}

static int run_first(uint64_t timeout_ms) {
  uint64_t start = now_ns();
  uint64_t end = start + timeout_ms * NS_PER_MS;
  uint64_t next = 0;
  uint64_t next_send = start;
  for (;;) {
    uint64_t now = now_ns();
    if (now >= end)
      break;
    if (now >= next_send) {
      if (send_dgram(next, FIRST_SIZE))
        next++;
      next_send += FIRST_INTERVAL_NS;
      if (next_send < now)
        next_send = now + FIRST_INTERVAL_NS;
    }
    ssize_t n;
    while ((n = recv_one()) >= 0) {
      uint64_t t = now_ns();
      if (match(g_rx, n, FIRST_SIZE, next) >= 0) {
        printf("first_ms %.3f mono_ns %llu\n",
               (double)(t - start) / (double)NS_PER_MS, (unsigned long long)t);
        return 0;
      }
    }
    wait_until(next_send < end ? next_send : end, false);
  }
  printf("first_ms -1\n");
  return 0;
}

static int usage(void) {
  fprintf(stderr,
          "usage: udpload HOST PORT rtt COUNT SIZE [--dump FILE]\n"
          "       udpload HOST PORT rate INFLIGHT SECONDS SIZE\n"
          "       udpload HOST PORT first TIMEOUT_MS\n"
          "HOST is a numeric IPv4 address; SIZE is %d to %d bytes\n",
          MIN_SIZE, MAX_SIZE);
  return 2;
}

/* A decimal number in [lo, hi], or false. */
static bool number(const char *s, uint64_t lo, uint64_t hi, uint64_t *out) {
  if (!s || !*s)
    return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || s[0] == '-' || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

int main(int argc, char **argv) {
  if (argc < 4)
    return usage();
  struct sockaddr_in addr = {.sin_family = AF_INET};
  uint64_t port;
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1 ||
      !number(argv[2], 1, 65535, &port))
    return usage();
  addr.sin_port = htons((uint16_t)port);

  const char *mode = argv[3];
  uint64_t a = 0, b = 0, c = 0;
  const char *dump = NULL;
  if (strcmp(mode, "rtt") == 0) {
    if (argc != 6 && !(argc == 8 && strcmp(argv[6], "--dump") == 0))
      return usage();
    if (!number(argv[4], 0, UINT32_MAX, &a) ||
        !number(argv[5], MIN_SIZE, MAX_SIZE, &b))
      return usage();
    if (argc == 8)
      dump = argv[7];
  } else if (strcmp(mode, "rate") == 0) {
    if (argc != 7 || !number(argv[4], 1, 1 << 20, &a) ||
        !number(argv[5], 1, 3600, &b) ||
        !number(argv[6], MIN_SIZE, MAX_SIZE, &c))
      return usage();
  } else if (strcmp(mode, "first") == 0) {
    if (argc != 5 || !number(argv[4], 1, 3600 * 1000, &a))
      return usage();
  } else {
    return usage();
  }

  g_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (g_fd < 0) {
    perror("udpload: socket");
    return 1;
  }
  int rcvbuf = 4 << 20;
  setsockopt(g_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  if (connect(g_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    perror("udpload: connect");
    return 1;
  }

  int rc;
  if (strcmp(mode, "rtt") == 0)
    rc = run_rtt(a, (size_t)b, dump);
  else if (strcmp(mode, "rate") == 0)
    rc = run_rate(a, b, (size_t)c);
  else
    rc = run_first(a);
  close(g_fd);
  return rc;
}
