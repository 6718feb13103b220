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

#include "../echo/echo.h"

#define BLK_SECTORS 8
#define BLK_BYTES (BLK_SECTORS * KBLK_SECTOR)
#define ECHO_PORT 8080

static struct {
  kernel_t *k;
  krng_req_t rng;
  uint8_t random[32];
  kblk_req_t blk;
  uint8_t pattern[BLK_BYTES];
  uint8_t readback[BLK_BYTES];
  kudp_bind_req_t bind;
  echo_t echo;
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

static void on_echo_end(echo_t *e, kerr_t why) {
  (void)e;
  printk("demo: udp receive ended: %s\n", kerr_str(why));
}

static void on_bound(kwork_t *w) {
  if (w->result != KERR_OK) {
    printk("demo: udp bind to port %u failed: %s\n", ECHO_PORT,
           kerr_str(w->result));
    return;
  }
  g.echo.on_end = on_echo_end;
  KASSERT(echo_start(&g.echo, g.k, g.bind.sock) == KERR_OK);
  unsigned long long up = ktime_now(g.k) / 1000;
  unsigned long long at = demo_net_address_at() / 1000;
  printk("demo: udp echo on port %u\n", (unsigned)g.bind.port);
  printk("demo: address at %llu.%03llu ms, serving at %llu.%03llu ms\n",
         at / 1000, at % 1000, up / 1000, up % 1000);
}

static void start_net(void) { demo_net_start(start_udp); }

static void start_udp(void) {
  kwork_init(&g.bind.work, KWORK_OP_UDP_BIND, NULL, on_bound, 0);
  g.bind.port = ECHO_PORT;
  kerr_t err = ksubmit(g.k, &g.bind.work);
  if (err != KERR_OK)
    printk("demo: udp not available: %s\n", kerr_str(err));
}

void demo_main(kernel_t *k) {
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
