/* demo.c: what `make run` runs on every platform.
 *
 *   1. 32 random bytes from the RNG
 *   2. a pattern written to the first 8 sectors of the disk, read back,
 *      compared, then flushed
 *   3. the network (net.c): an address by DHCP or the static fallback,
 *      ARP for the gateway, a ping to it
 *   4. UDP echo on port 8080 (the host reaches it at PORT, default 8888),
 *      then when the address came and when the echo began, in ms by
 *      ktime_now (bare metal: the machine's clock, docs/baremetal.md)
 *
 * One line per step, none per datagram, in this order. Steps 1 and 2 start
 * each in the callback of the one before; step 3 starts at once, so that
 * its round trips overlap them, and prints after them (net.c): the loop
 * never waits. */
#include "demo.h"

#define BLK_SECTORS 8
#define BLK_BYTES (BLK_SECTORS * KBLK_SECTOR)
#define ECHO_PORT 8080
#define ECHO_SENDS 64 /* echoes in flight at once */

static struct {
  kernel_t *k;
  krng_req_t rng;
  uint8_t random[32];
  kblk_req_t blk;
  uint8_t pattern[BLK_BYTES];
  uint8_t readback[BLK_BYTES];
  kudp_bind_req_t bind;
  kudp_recv_req_t recv;
  kudp_send_req_t sends[ECHO_SENDS];
  kbuf_t send_buf[ECHO_SENDS];
  uint32_t free_sends[ECHO_SENDS];
  uint32_t nfree;
  uint64_t dropped;
} g;

static void start_blk(void);
static void start_net(void);
static void start_udp(void);

/* The byte at offset i of sector s: what the system test looks for. */
static uint8_t pattern_byte(uint32_t s, uint32_t i) {
  return (uint8_t)(s * 31u + i * 7u + 1u);
}

static void on_random(kwork_t *w) {
  if (w->result != KERR_OK) {
    printk("demo: rng failed: %s\n", kerr_str(w->result));
  } else {
    printk("demo: rng ");
    for (size_t i = 0; i < g.rng.completed; i++)
      printk_hex8(g.random[i]);
    printk("\n");
  }
  start_blk();
}

static void blk_failed(const char *what, kerr_t err) {
  printk("demo: blk %s failed: %s\n", what, kerr_str(err));
  start_net();
}

static void on_flushed(kwork_t *w) {
  if (w->result != KERR_OK)
    return blk_failed("flush", w->result);
  printk("demo: blk wrote %u bytes at sector 0, read them back, flushed\n",
         (unsigned)BLK_BYTES);
  start_net();
}

static void on_read(kwork_t *w) {
  if (w->result != KERR_OK)
    return blk_failed("read", w->result);
  for (uint32_t i = 0; i < BLK_BYTES; i++) {
    if (g.readback[i] != g.pattern[i]) {
      printk("demo: blk read back differs at byte %u\n", i);
      return start_net();
    }
  }
  kwork_init(&g.blk.work, KWORK_OP_BLOCK_FLUSH, NULL, on_flushed, 0);
  KASSERT(ksubmit(g.k, &g.blk.work) == KERR_OK);
}

static void on_written(kwork_t *w) {
  if (w->result != KERR_OK)
    return blk_failed("write", w->result);
  kwork_init(&g.blk.work, KWORK_OP_BLOCK_READ, NULL, on_read, 0);
  g.blk.buffer = g.readback;
  KASSERT(ksubmit(g.k, &g.blk.work) == KERR_OK);
}

static void start_blk(void) {
  kblk_info_t info;
  if (kblk_info(g.k, &info) != KERR_OK) {
    printk("demo: blk no device, skipped\n");
    return start_net();
  }
  for (uint32_t i = 0; i < BLK_BYTES; i++)
    g.pattern[i] = pattern_byte(i / KBLK_SECTOR, i % KBLK_SECTOR);
  kwork_init(&g.blk.work, KWORK_OP_BLOCK_WRITE, NULL, on_written, 0);
  g.blk.sector = 0;
  g.blk.buffer = g.pattern;
  g.blk.length = BLK_BYTES;
  kerr_t err = ksubmit(g.k, &g.blk.work);
  if (err != KERR_OK)
    blk_failed("write", err);
}

/* An echo went out: its receive buffer and send slot are free again. */
static void on_sent(kwork_t *w) {
  uint32_t i = (uint32_t)(KCONTAINER_OF(w, kudp_send_req_t, work) - g.sends);
  kbuf_release(g.k, g.send_buf[i]);
  g.free_sends[g.nfree++] = i;
}

static void on_datagram(kwork_t *w) {
  kudp_recv_req_t *r = KCONTAINER_OF(w, kudp_recv_req_t, work);
  if (w->result != KERR_OK) { /* the standing receive ended */
    printk("demo: udp receive ended: %s\n", kerr_str(w->result));
    return;
  }
  if (g.nfree == 0) { /* every send slot busy: drop, as a NIC would */
    g.dropped++;
    kbuf_release(g.k, r->buf);
    return;
  }
  uint32_t i = g.free_sends[--g.nfree];
  kudp_send_req_t *s = &g.sends[i];
  kwork_init(&s->work, KWORK_OP_UDP_SEND, NULL, on_sent, 0);
  s->sock = r->sock;
  s->dst_addr = r->src_addr;
  s->dst_port = r->src_port;
  s->data = r->data; /* zero copy: the receive buffer goes straight back */
  s->length = r->length;
  g.send_buf[i] = r->buf;
  if (ksubmit(g.k, &s->work) != KERR_OK)
    on_sent(&s->work);
}

static void on_bound(kwork_t *w) {
  if (w->result != KERR_OK) {
    printk("demo: udp bind to port %u failed: %s\n", ECHO_PORT,
           kerr_str(w->result));
    return;
  }
  kwork_init(&g.recv.work, KWORK_OP_UDP_RECV, NULL, on_datagram, 0);
  g.recv.sock = g.bind.sock;
  KASSERT(ksubmit(g.k, &g.recv.work) == KERR_OK);
  unsigned long long up = ktime_now(g.k) / 1000;
  unsigned long long at = demo_net_address_at() / 1000;
  printk("demo: udp echo on port %u\n", (unsigned)g.bind.port);
  printk("demo: address at %llu.%03llu ms, serving at %llu.%03llu ms\n",
         at / 1000, at % 1000, up / 1000, up % 1000);
}

static void start_net(void) { demo_net_start(start_udp); }

static void start_udp(void) {
  for (uint32_t i = 0; i < ECHO_SENDS; i++)
    g.free_sends[g.nfree++] = i;
  kwork_init(&g.bind.work, KWORK_OP_UDP_BIND, NULL, on_bound, 0);
  g.bind.port = ECHO_PORT;
  kerr_t err = ksubmit(g.k, &g.bind.work);
  if (err != KERR_OK)
    printk("demo: udp not available: %s\n", kerr_str(err));
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  demo_net_begin(k);
  kwork_init(&g.rng.work, KWORK_OP_RNG_READ, NULL, on_random, 0);
  g.rng.buffer = g.random;
  g.rng.length = sizeof(g.random);
  kerr_t err = ksubmit(k, &g.rng.work);
  if (err != KERR_OK) {
    printk("demo: rng not available: %s\n", kerr_str(err));
    start_blk();
  }
}
