/* cost_udp.c: the cost per UDP datagram through the hosted `frames` backend
 * and the IPv4 stack, received and echoed, for bench/sec_cost.py, which runs
 * it under callgrind with --dump-before=cost_mark:
 *
 *   cost_udp.elf --net dgram:127.0.0.1:A,127.0.0.1:B --ip 10.0.9.1/24
 *
 * It binds UDP port 7, prints "cost: udp n <N> total <T> mac <MAC>", and
 * echoes every datagram back to its sender with the demo's echo (apps/echo:
 * the receive buffer goes out as the send's data). A peer on 127.0.0.1:B sends
 * T datagrams one at a time, each after the echo of the one before. The
 * program calls cost_mark after WARMUP datagrams were received, again after N
 * more, and again after 2N more; the Python side takes (count of the 2N part
 * - count of the N part) / N. It stops once the T-th echo is sent. */
#include "kapi.h"

#include "../../apps/echo/echo.h"

#define PORT 7
#define WARMUP 200u
#define N 1000u
#define TOTAL (WARMUP + 3 * N)

/* callgrind dumps its counters on entry here. */
__attribute__((noinline)) void cost_mark(void) {
  __asm__ volatile("" ::: "memory");
}

static struct {
  kernel_t *k;
  knet_info_t info;
  kudp_bind_req_t bind;
  echo_t echo;
} g;

/* One echo per datagram: a peer that waits for each echo never finds every
 * slot busy. */
static void on_datagram(echo_t *e) {
  KASSERT(e->busy == 0);
  if (e->received == WARMUP || e->received == WARMUP + N ||
      e->received == TOTAL)
    cost_mark();
}

static void on_sent(echo_t *e, kerr_t result) {
  KASSERT(result == KERR_OK);
  if (e->sent == TOTAL) {
    printk("cost: done\n");
    kmain_stop(e->k);
  }
}

static void on_end(echo_t *e, kerr_t why) {
  (void)e;
  kpanic("cost: udp receive ended: %s", kerr_str(why));
}

static void on_bound(kwork_t *w) {
  if (w->result != KERR_OK)
    kpanic("cost: udp bind: %s", kerr_str(w->result));
  g.echo.on_datagram = on_datagram;
  g.echo.on_sent = on_sent;
  g.echo.on_end = on_end;
  KASSERT(echo_start(&g.echo, g.k, g.bind.sock) == KERR_OK);
  printk("cost: udp n %u total %u mac ", N, TOTAL);
  for (int i = 0; i < 6; i++)
    printk("%02x%s", g.info.mac[i], i < 5 ? ":" : "\n");
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  KASSERT(knet_info(k, &g.info) == KERR_OK);
  kwork_init(&g.bind.work, KWORK_OP_UDP_BIND, NULL, on_bound, 0);
  g.bind.port = PORT;
  KASSERT(ksubmit(k, &g.bind.work) == KERR_OK);
}
