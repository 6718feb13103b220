/* kapi.h: the user API of realmos. Programs include this and nothing else
 * of the kernel (the IPv4 stack's counters: net/api/knet_stats.h).
 *
 * Everything is a work item (kwork_t) embedded in a request struct that the
 * program owns. ksubmit() hands it to the kernel; the callback runs from the
 * event loop when it completes. The kernel never allocates.
 *
 * Rules (docs/api.md has the long form):
 *  - ksubmit() returning KERR_OK means the item will complete exactly once
 *    (a standing item: once per event, then once more with its final result).
 *    Any other return means it was not accepted and no callback will run.
 *  - kcancel() works on every kind of item; the item then completes with
 *    KERR_CANCELLED, or with its real result if the device finished first.
 *  - An item may carry a deadline (kwork_set_deadline); when it passes, the
 *    item completes with KERR_TIMEOUT.
 *  - A request's fields may not be touched while the item is live.
 */
#ifndef REALMOS_KAPI_H
#define REALMOS_KAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kernel kernel_t;
typedef struct kwork kwork_t;

/* Monotonic time in nanoseconds since boot. */
typedef uint64_t ktime_t;
#define KTIME_NEVER UINT64_MAX
#define KTIME_US(x) (1000u * (ktime_t)(x))
#define KTIME_MS(x) (1000000u * (ktime_t)(x))
#define KTIME_S(x) (1000000000u * (ktime_t)(x))

/* ------------------------------------------------------------------ errors */

typedef int32_t kerr_t;
enum {
  KERR_OK = 0,
  KERR_INVALID = -1,      /* bad argument: null buffer, zero length, bad op */
  KERR_STATE = -2,        /* item in the wrong state (live, or not live) */
  KERR_BUSY = -3,         /* resource in use (a bound port, ...) */
  KERR_NO_DEVICE = -4,    /* no device serves this operation here */
  KERR_NO_SPACE = -5,     /* a bounded table or queue is full */
  KERR_IO = -6,           /* the device reported an error */
  KERR_TIMEOUT = -7,      /* the deadline passed */
  KERR_CANCELLED = -8,    /* kcancel() */
  KERR_RANGE = -9,        /* beyond the end of a device, or too large */
  KERR_READ_ONLY = -10,   /* write to a read-only device */
  KERR_NOT_BOUND = -11,   /* UDP socket id not bound */
  KERR_UNREACHABLE = -12, /* no route, or address resolution failed */
  KERR_UNSUPPORTED = -13, /* the device cannot do this */
};
const char *kerr_str(kerr_t err);

/* ------------------------------------------------------------- work items */

enum {
  KWORK_OP_NONE = 0,
  KWORK_OP_TIMER,       /* ktimer_req_t */
  KWORK_OP_RNG_READ,    /* krng_req_t */
  KWORK_OP_BLOCK_READ,  /* kblk_req_t */
  KWORK_OP_BLOCK_WRITE, /* kblk_req_t */
  KWORK_OP_BLOCK_FLUSH, /* kblk_req_t (sector and buffers ignored) */
  KWORK_OP_NET_RECV,    /* knet_recv_req_t, standing: once per frame */
  KWORK_OP_NET_SEND,    /* knet_send_req_t */
  KWORK_OP_UDP_BIND,    /* kudp_bind_req_t */
  KWORK_OP_UDP_UNBIND,  /* kudp_bind_req_t (sock in) */
  KWORK_OP_UDP_RECV,    /* kudp_recv_req_t, standing: once per datagram */
  KWORK_OP_UDP_SEND,    /* kudp_send_req_t */
  KWORK_OP_IP_CONFIG, /* kip_config_req_t: once the interface has an address */
  KWORK_OP_PING,      /* kping_req_t: ICMP echo */
  KWORK_OP_ARP_RESOLVE, /* karp_req_t: an IPv4 address to a MAC */
  KWORK_OP_COUNT
};

/* Work item states. The kernel moves an item through them; programs only read
 * them (kwork_state()). */
enum {
  KWORK_STATE_IDLE = 0, /* initialised or finished: may be submitted */
  KWORK_STATE_QUEUED,   /* accepted, waiting to be handed to a device */
  KWORK_STATE_LIVE,     /* at a device or on the timer heap */
  KWORK_STATE_DONE,     /* completed, its callback has not run yet */
};

typedef void (*kwork_cb_t)(kwork_t *work);

struct kwork {
  /* Set by kwork_init and read by the program. */
  uint8_t op;
  uint8_t state;
  uint16_t flags;
  kerr_t result;
  void *ctx;
  kwork_cb_t callback;
  ktime_t deadline; /* absolute; KTIME_NEVER for none */

  /* Kernel bookkeeping: do not touch. */
  kwork_t *next, *prev; /* submit queue, completion queue, or the device's */
  uint32_t heap_index;  /* slot on the timer heap, or KWORK_NO_HEAP */
  uint8_t internal;     /* KWORK_I_* bits */
  kerr_t cancel_reason; /* KERR_CANCELLED or KERR_TIMEOUT once asked */
};
#define KWORK_NO_HEAP UINT32_MAX

/* kwork_init: set op, context, callback and op-specific flags. The seed's
 * signature: kwork_init(&req.work, KWORK_OP_RNG_READ, ctx, cb, 0). */
void kwork_init(kwork_t *work, uint32_t op, void *ctx, kwork_cb_t callback,
                uint32_t flags);
/* Absolute deadline (KTIME_NEVER for none); set before ksubmit. */
void kwork_set_deadline(kwork_t *work, ktime_t deadline);
/* Deadline `ns` from now. */
void kwork_set_timeout(kernel_t *k, kwork_t *work, ktime_t ns);
static inline uint32_t kwork_state(const kwork_t *work) { return work->state; }

kerr_t ksubmit(kernel_t *k, kwork_t *work);
kerr_t kcancel(kernel_t *k, kwork_t *work);

/* Time at the start of the current loop tick, and a fresh reading. */
ktime_t ktime(kernel_t *k);
ktime_t ktime_now(kernel_t *k);

#define KCONTAINER_OF(ptr, type, member)                                       \
  ((type *)(void *)(((char *)(ptr)) - offsetof(type, member)))
#define KMIN(a, b) ((a) < (b) ? (a) : (b))
#define KMAX(a, b) ((a) > (b) ? (a) : (b))
#define KARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- requests */

/* Timer: completes KERR_OK `delay` ns after submission. */
typedef struct {
  kwork_t work;
  ktime_t delay;   /* in */
  ktime_t expires; /* out: absolute time it was due */
} ktimer_req_t;

/* Random bytes. */
#define KRNG_FLAG_RAW 0x1 /* raw device bytes, not the CSPRNG */
typedef struct {
  kwork_t work;
  uint8_t *buffer;  /* in */
  size_t length;    /* in */
  size_t completed; /* out: bytes written */
} krng_req_t;

/* Block I/O. Offsets are in 512-byte sectors (KBLK_SECTOR); lengths and
 * offsets must be multiples of the device's block size (kblk_info). Either one
 * buffer (buffer, length) or a scatter-gather list (segs, nsegs). */
#define KBLK_SECTOR 512u
typedef struct {
  void *base;
  size_t len;
} kiovec_t;
typedef struct {
  kwork_t work;
  uint64_t sector;      /* in: first 512-byte sector */
  void *buffer;         /* in: one buffer ... */
  size_t length;        /* ... of this many bytes */
  const kiovec_t *segs; /* in: or several segments (buffer is then unused) */
  uint32_t nsegs;
  size_t completed; /* out: bytes transferred */
} kblk_req_t;
typedef struct {
  uint64_t sectors;    /* capacity in 512-byte sectors */
  uint32_t block_size; /* bytes; a multiple of 512 */
  bool read_only;
} kblk_info_t;
kerr_t kblk_info(kernel_t *k, kblk_info_t *info);

/* Buffers handed out by standing receives stay valid until released. */
typedef uint32_t kbuf_t;
kerr_t kbuf_release(kernel_t *k, kbuf_t buf);

/* Raw Ethernet frames. */
typedef struct {
  kwork_t work;
  const uint8_t *frame; /* out, valid until kbuf_release(k, buf) */
  size_t length;        /* out */
  kbuf_t buf;           /* out */
} knet_recv_req_t;
typedef struct {
  kwork_t work;
  const void *frame; /* in: a whole Ethernet frame without FCS */
  size_t length;     /* in */
} knet_send_req_t;
typedef struct {
  uint8_t mac[6];
  uint16_t mtu;
} knet_info_t;
kerr_t knet_info(kernel_t *k, knet_info_t *info);

/* UDP over IPv4. Addresses and ports are in host byte order. */
typedef uint32_t kip4_t;
#define KIP4(a, b, c, d)                                                       \
  ((kip4_t)(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) |                    \
            ((uint32_t)(c) << 8) | (uint32_t)(d)))
typedef struct {
  kwork_t work;
  uint16_t port; /* in: local port; 0 picks a free one. out: the bound port */
  uint32_t sock; /* out (BIND) / in (UNBIND): the socket id */
} kudp_bind_req_t;
typedef struct {
  kwork_t work;
  uint32_t sock;       /* in */
  kip4_t src_addr;     /* out, per datagram */
  uint16_t src_port;   /* out */
  const uint8_t *data; /* out, valid until kbuf_release(k, buf) */
  size_t length;       /* out */
  kbuf_t buf;          /* out */
} kudp_recv_req_t;
typedef struct {
  kwork_t work;
  uint32_t sock;     /* in: a bound socket (its port is the source port) */
  kip4_t dst_addr;   /* in */
  uint16_t dst_port; /* in */
  const void *data;  /* in */
  size_t length;     /* in: at most KUDP_MAX_PAYLOAD */
} kudp_send_req_t;
#define KUDP_MAX_PAYLOAD 1472u

/* The interface's IPv4 configuration. IP_CONFIG completes KERR_OK as soon
 * as the interface has an address: at once if it has one, else when DHCP
 * gets a lease or falls back to the static address. */
enum {
  KIP_SOURCE_NONE = 0,
  KIP_SOURCE_DHCP,   /* leased */
  KIP_SOURCE_STATIC, /* fixed by the platform, or DHCP's fallback */
  KIP_SOURCE_HOST,   /* hosted socket backend: the host's own stack */
};
typedef struct {
  kip4_t addr, netmask, gateway, dns;
  uint8_t source;   /* KIP_SOURCE_* */
  uint32_t lease_s; /* DHCP lease in seconds; 0 otherwise */
} kip_config_t;
typedef struct {
  kwork_t work;
  kip_config_t config; /* out */
} kip_config_req_t;

/* Ping: one ICMP echo request to `target` with `size` payload bytes; it
 * completes KERR_OK with the round-trip time when the reply comes. Give it a
 * deadline: without one it waits for a reply until cancelled. */
#define KPING_MAX_PAYLOAD 1472u
typedef struct {
  kwork_t work;
  kip4_t target; /* in */
  uint16_t size; /* in: payload bytes, at most KPING_MAX_PAYLOAD */
  ktime_t rtt;   /* out */
  uint8_t ttl;   /* out: the reply's TTL */
} kping_req_t;

/* ARP: the MAC of an address on the local network (from the cache, or
 * asked for); KERR_UNREACHABLE when nobody answers. */
typedef struct {
  kwork_t work;
  kip4_t addr;    /* in */
  uint8_t mac[6]; /* out */
} karp_req_t;

/* ---------------------------------------------------------------- logging */

enum { KLOG_ERROR = 0, KLOG_WARN, KLOG_INFO, KLOG_DEBUG, KLOG_TRACE };

/* printk: printf-like (%s %c %d %i %u %x %X %p %% with l, ll, z, width and
 * zero padding) straight to the console. */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void printk_hex8(uint8_t v);
/* An IPv4 address as a dotted quad (10.0.2.15). */
void printk_ip4(kip4_t addr);
/* klog: printk behind a level; lines above the current level cost a compare. */
void klog(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void klog_set_level(int level);
int klog_level(void);

/* --------------------------------------------------------------- failures */

__attribute__((noreturn)) void kpanic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void kassert_fail(const char *expr, const char *file,
                                            int line);
#define KASSERT(cond)                                                          \
  ((cond) ? (void)0 : kassert_fail(#cond, __FILE__, __LINE__))

/* ------------------------------------------------------------- counters */

typedef struct {
  uint64_t submitted;       /* accepted by ksubmit */
  uint64_t completed;       /* callbacks run (events and final results) */
  uint64_t cancelled;       /* final completions with KERR_CANCELLED */
  uint64_t timed_out;       /* final completions with KERR_TIMEOUT */
  uint64_t rejected;        /* ksubmit/kcancel calls refused */
  uint64_t bad_completions; /* device completions of non-live items, ignored */
  uint64_t live;            /* items accepted and not yet finished */
  uint64_t timers_pending;  /* entries on the timer heap */
  uint64_t drops;           /* datagrams or frames dropped, all devices */
  uint64_t bufs_out;        /* receive buffers handed out by standing receives
                           * and not yet released */
} kstats_t;
const kstats_t *kstats(kernel_t *k);

/* The program's entry point: called once after the kernel is up. */
void kmain_usermain(kernel_t *k);

/* Ask the loop to return from kmain after this tick (hosted: exit). */
void kmain_stop(kernel_t *k);

#endif
