/* gwload: a load client for a realmos gateway (bench/sec_realms.py). One
 * non-blocking UDP socket connected to HOST:PORT, poll, CLOCK_MONOTONIC;
 * requests and replies in the wire format of realm/wire.h (realm/wire.c).
 *
 *   gwload [--wait MS] HOST PORT rtt COUNT PATH FN [ARG...]
 *       COUNT requests one after the other, each waiting for its reply.
 *   gwload [--wait MS] HOST PORT rate INFLIGHT SECONDS PATH FN [ARG...]
 *       Keeps INFLIGHT requests unanswered for SECONDS.
 *
 * Both print one line:
 *   sent N ok A err E lost L per_s R p50_us X p99_us Y result V status S
 * ok: replies with status 0; err: replies with an error status (S is the
 * last one seen, 0 if none); lost: requests with no reply in time; per_s: ok replies per second of the run; p50/p99: the round
 * trip of the ok replies (-1 when none); V: the result of the last ok
 * reply that had one. A request not answered within MS milliseconds
 * (default 1000; more under callgrind) is lost. An ARG that is a decimal integer (optional '-') is
 * an i64, anything else its bytes. Each request's id is its sequence
 * number; a reply counts only for a request still waiting. Exit status 2
 * for bad arguments, 1 if the socket cannot be set up, else 0. */
#include <arpa/inet.h>
#include <errno.h>
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

#include "wire.h"

#define NS_PER_S 1000000000ull
#define NS_PER_MS 1000000ull

static int g_fd = -1;
static uint64_t g_loss_ns = NS_PER_S; /* reply deadline, from the send */
static struct realm_wire_request g_req;
static uint8_t g_buf[REALM_WIRE_MAX];
static uint8_t g_rx[65536];

enum { PENDING, ANSWERED, LOST };

typedef struct {
  uint64_t sent_at;
  unsigned char state;
} slot_t;

static slot_t *g_slots;
static size_t g_cap;
static uint64_t *g_rtt; /* round trips of ok replies, ns */
static uint64_t g_next, g_oldest, g_pending, g_ok, g_err;
static int32_t g_status;
static int64_t g_result;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Room for request seq (and its round trip); false when memory runs out. */
static bool reserve(uint64_t seq) {
  if (seq < g_cap)
    return true;
  size_t cap = g_cap ? g_cap * 2 : 1 << 16;
  slot_t *s = realloc(g_slots, cap * sizeof(*s));
  if (s)
    g_slots = s;
  uint64_t *r = realloc(g_rtt, cap * sizeof(*r));
  if (r)
    g_rtt = r;
  if (!s || !r)
    return false;
  g_cap = cap;
  return true;
}

/* Send request g_next: true if it left (EAGAIN, ENOBUFS, ECONNREFUSED
 * are retried by the caller). */
static bool send_next(void) {
  g_req.id = (uint32_t)g_next;
  size_t n = realm_wire_encode_request(&g_req, g_buf, sizeof(g_buf));
  if (send(g_fd, g_buf, n, 0) != (ssize_t)n)
    return false;
  g_slots[g_next] = (slot_t){.sent_at = now_ns(), .state = PENDING};
  g_next++;
  g_pending++;
  return true;
}

/* Read every reply waiting; true if there was any datagram. */
static bool read_replies(void) {
  bool any = false;
  for (;;) {
    ssize_t n = recv(g_fd, g_rx, sizeof(g_rx), 0);
    if (n < 0) {
      if (errno == EINTR || errno == ECONNREFUSED)
        continue;
      return any;
    }
    any = true;
    uint64_t t = now_ns();
    struct realm_wire_reply rep;
    const char *why;
    if (realm_wire_decode_reply(g_rx, (size_t)n, &rep, &why) != 0)
      continue;
    /* Ids wrap at 2^32: the request is the latest with these low bits. */
    uint64_t seq = (g_next - 1) - (uint32_t)((uint32_t)(g_next - 1) - rep.id);
    if (seq >= g_next || g_slots[seq].state != PENDING)
      continue; /* not ours, a duplicate, or after its deadline */
    g_slots[seq].state = ANSWERED;
    g_pending--;
    if (rep.status == 0) {
      g_rtt[g_ok++] = t - g_slots[seq].sent_at;
      if (rep.has_result)
        g_result = rep.result;
    } else {
      g_err++;
      g_status = rep.status;
    }
  }
}

/* Requests past their deadline free their place. */
static void expire(uint64_t now) {
  while (g_oldest < g_next && (g_slots[g_oldest].state != PENDING ||
                               now - g_slots[g_oldest].sent_at >= g_loss_ns)) {
    if (g_slots[g_oldest].state == PENDING) {
      g_slots[g_oldest].state = LOST;
      g_pending--;
    }
    g_oldest++;
  }
}

static void wait_until(uint64_t until, bool want_out) {
  uint64_t now = now_ns();
  int ms = 0;
  if (until > now)
    ms = (int)((until - now + NS_PER_MS - 1) / NS_PER_MS);
  struct pollfd pfd = {.fd = g_fd, .events = POLLIN | (want_out ? POLLOUT : 0)};
  poll(&pfd, 1, ms);
}

/* Keep `inflight` requests waiting until `count` have been sent or
 * `seconds` have passed (0: no time limit), then wait for the last. */
static int run(uint64_t inflight, uint64_t count, uint64_t seconds) {
  uint64_t start = now_ns();
  uint64_t end = seconds ? start + seconds * NS_PER_S : UINT64_MAX;
  for (;;) {
    uint64_t now = now_ns();
    expire(now);
    bool more = now < end && g_next < count;
    if (!more && g_pending == 0)
      break;
    bool blocked = false;
    while (more && g_pending < inflight && g_next < count) {
      if (!reserve(g_next)) {
        perror("gwload: realloc");
        return 1;
      }
      if (!send_next()) {
        blocked = true;
        break;
      }
    }
    if (read_replies())
      continue;
    /* Nothing to read: sleep until a reply, the oldest request's
     * deadline, or the end of the run. */
    uint64_t until = more ? end : UINT64_MAX;
    if (g_pending > 0 && g_slots[g_oldest].sent_at + g_loss_ns < until)
      until = g_slots[g_oldest].sent_at + g_loss_ns;
    if (blocked && now + NS_PER_MS < until)
      until = now + NS_PER_MS;
    wait_until(until, blocked);
  }
  double secs = (double)(now_ns() - start) / (double)NS_PER_S;
  if (seconds)
    secs = (double)seconds;
  printf("sent %llu ok %llu err %llu lost %llu per_s %.1f",
         (unsigned long long)g_next, (unsigned long long)g_ok,
         (unsigned long long)g_err, (unsigned long long)(g_next - g_ok - g_err),
         (double)g_ok / secs);
  return 0;
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

static int usage(void) {
  fprintf(stderr,
          "usage: gwload [--wait MS] HOST PORT rtt COUNT PATH FN [ARG...]\n"
          "       gwload [--wait MS] HOST PORT rate INFLIGHT SECONDS "
          "PATH FN [ARG...]\n"
          "HOST is a numeric IPv4 address; at most 8 ARGs\n");
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

/* The request PATH FN ARG... into g_req; false if it breaks the format. */
static bool request(int argc, char **argv) {
  if (argc < 2 || argc - 2 > REALM_WIRE_MAX_ARGS || strlen(argv[0]) > 255 ||
      strlen(argv[1]) > 255)
    return false;
  g_req.path = argv[0];
  g_req.path_len = (uint8_t)strlen(argv[0]);
  g_req.fn = argv[1];
  g_req.fn_len = (uint8_t)strlen(argv[1]);
  g_req.nargs = (uint8_t)(argc - 2);
  for (int k = 0; k < g_req.nargs; k++) {
    const char *a = argv[2 + k];
    struct realm_wire_arg *w = &g_req.args[k];
    char *end;
    errno = 0;
    long long v = strtoll(a, &end, 10);
    if (*a && !*end && !errno &&
        (a[0] == '-' || (a[0] >= '0' && a[0] <= '9'))) {
      w->tag = REALM_WIRE_TAG_I64;
      w->i64 = v;
    } else {
      w->tag = REALM_WIRE_TAG_BYTES;
      w->len = (uint16_t)strlen(a);
      w->bytes = (const uint8_t *)a;
    }
  }
  return realm_wire_encode_request(&g_req, g_buf, sizeof(g_buf)) > 0;
}

int main(int argc, char **argv) {
  uint64_t wait_ms;
  if (argc > 2 && strcmp(argv[1], "--wait") == 0) {
    if (!number(argv[2], 1, 3600 * 1000, &wait_ms))
      return usage();
    g_loss_ns = wait_ms * NS_PER_MS;
    argc -= 2;
    argv += 2;
  }
  if (argc < 5)
    return usage();
  struct sockaddr_in addr = {.sin_family = AF_INET};
  uint64_t port, a, b = 0;
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1 ||
      !number(argv[2], 1, 65535, &port))
    return usage();
  addr.sin_port = htons((uint16_t)port);
  bool rate = strcmp(argv[3], "rate") == 0;
  if (!rate && strcmp(argv[3], "rtt") != 0)
    return usage();
  int first = rate ? 6 : 5;
  if (argc < first + 2 ||
      !number(argv[4], 1, rate ? 1 << 20 : UINT32_MAX, &a) ||
      (rate && !number(argv[5], 1, 3600, &b)) ||
      !request(argc - first, argv + first))
    return usage();

  g_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (g_fd < 0) {
    perror("gwload: socket");
    return 1;
  }
  int rcvbuf = 4 << 20;
  setsockopt(g_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  if (connect(g_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    perror("gwload: connect");
    return 1;
  }
  int rc = rate ? run(a, UINT64_MAX, b) : run(1, a, 0);
  if (rc == 0) {
    if (g_ok)
      qsort(g_rtt, g_ok, sizeof(*g_rtt), cmp_u64);
    printf(" p50_us %.1f p99_us %.1f result %lld status %d\n",
           pct_us(g_rtt, g_ok, 50), pct_us(g_rtt, g_ok, 99),
           (long long)g_result, (int)g_status);
  }
  close(g_fd);
  free(g_slots);
  free(g_rtt);
  return rc;
}
