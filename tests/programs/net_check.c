/* net_check.c: raw frames through the public API, against QEMU's user
 * network (slirp: gateway 10.0.2.2, our address 10.0.2.15).
 *  1. An ARP request for the gateway is answered.
 *  2. Then it prints "net-check: ready"; the test on the host sends 64 UDP
 *     datagrams back to back to the forwarded port (guest port 8080); all 64
 *     arrive as frames, in the order sent (the payload carries the number).
 *     Their buffers are given back with kbuf_release.
 *  3. Then it prints "net-check: holding" and keeps every buffer it gets;
 *     the host sends 100 more. After 3 s it prints how many it holds and how
 *     many the kernel counted as dropped: together, all 100 (no frame is lost
 *     without a count). */
#include "byteorder.h"
#include "check.h"

#define BURST 64
#define ECHO_PORT 8080

static struct {
  kernel_t *k;
  knet_info_t info;
  knet_recv_req_t recv;
  knet_send_req_t send;
  uint8_t arp[60];
  bool resolved;
  unsigned frames;
  ktimer_req_t timeout;
  bool holding;
  unsigned held;
  uint64_t drops_before;
  ktimer_req_t hold_timer;
} g;

static const uint8_t our_ip[4] = {10, 0, 2, 15}, gw_ip[4] = {10, 0, 2, 2};

static void on_sent(kwork_t *w) { CHECK(w->result == KERR_OK); }

static void send_arp_request(void) {
  uint8_t *f = g.arp;
  for (int i = 0; i < 6; i++) {
    f[i] = 0xff;              /* broadcast */
    f[6 + i] = g.info.mac[i]; /* from us */
    f[22 + i] = g.info.mac[i];
  }
  f[12] = 0x08, f[13] = 0x06;                    /* ARP */
  f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0; /* Ethernet, IPv4 */
  f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;    /* sizes, request */
  for (int i = 0; i < 4; i++) {
    f[28 + i] = our_ip[i];
    f[38 + i] = gw_ip[i];
  }
  kwork_init(&g.send.work, KWORK_OP_NET_SEND, NULL, on_sent, 0);
  g.send.frame = f;
  g.send.length = sizeof(g.arp);
  CHECK(ksubmit(g.k, &g.send.work) == KERR_OK);
}

static void on_held(kwork_t *w) {
  CHECK(w->result == KERR_OK);
  printk("net-check: held %u, dropped %llu\n", g.held,
         (unsigned long long)(kstats(g.k)->drops - g.drops_before));
  check_done(g.k);
}

static void start_holding(void) {
  g.holding = true;
  g.drops_before = kstats(g.k)->drops;
  printk("net-check: holding\n");
  kwork_init(&g.hold_timer.work, KWORK_OP_TIMER, NULL, on_held, 0);
  g.hold_timer.delay = KTIME_S(3);
  CHECK(ksubmit(g.k, &g.hold_timer.work) == KERR_OK);
}

static void look_at(const uint8_t *f, size_t n) {
  if (n >= 42 && get_be16(f + 12) == 0x0806 && get_be16(f + 20) == 2 &&
      f[28] == 10 && f[29] == 0 && f[30] == 2 && f[31] == 2 && !g.resolved) {
    g.resolved = true;
    printk("net-check: gateway 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n",
           f[22], f[23], f[24], f[25], f[26], f[27]);
    printk("net-check: ready\n");
    return;
  }
  if (n < 14 + 20 + 8 || get_be16(f + 12) != 0x0800 || f[23] != 17)
    return; /* not IPv4 UDP */
  size_t ihl = (size_t)(f[14] & 15) * 4;
  if (n < 14 + ihl + 8 + 4 || get_be16(f + 14 + ihl + 2) != ECHO_PORT)
    return;
  const uint8_t *payload = f + 14 + ihl + 8;
  unsigned seq = (unsigned)get_be16(payload);
  if (g.holding) {
    g.held++;
    return;
  }
  CHECK(seq == g.frames); /* in the order sent */
  g.frames++;
  if (g.frames == BURST) {
    printk("net-check: %u frames\n", g.frames);
    kcancel(g.k, &g.timeout.work);
    start_holding();
  }
}

static void on_frame(kwork_t *w) {
  knet_recv_req_t *r = KCONTAINER_OF(w, knet_recv_req_t, work);
  if (w->result != KERR_OK)
    return; /* stopped */
  unsigned held = g.held;
  look_at(r->frame, r->length);
  if (g.held == held) /* not one we keep */
    CHECK(kbuf_release(g.k, r->buf) == KERR_OK);
}

static void on_timeout(kwork_t *w) {
  if (w->result == KERR_CANCELLED)
    return;
  printk("net-check: FAIL timed out: resolved %d, %u frames\n", g.resolved,
         g.frames);
  check_failures++;
  check_done(g.k);
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  check_name = "net-check";
  CHECK(knet_info(k, &g.info) == KERR_OK);
  kwork_init(&g.recv.work, KWORK_OP_NET_RECV, NULL, on_frame, 0);
  CHECK(ksubmit(k, &g.recv.work) == KERR_OK);
  send_arp_request();
  kwork_init(&g.timeout.work, KWORK_OP_TIMER, NULL, on_timeout, 0);
  g.timeout.delay = KTIME_S(20);
  CHECK(ksubmit(k, &g.timeout.work) == KERR_OK);
}
