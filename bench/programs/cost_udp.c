/* cost_udp.c: the cost per UDP datagram through the hosted `frames` backend
 * and the IPv4 stack, received and echoed, for bench/sec_cost.py, which runs
 * it under callgrind with --dump-before=cost_mark:
 *
 *   cost_udp.elf --net dgram:127.0.0.1:A,127.0.0.1:B --ip 10.0.9.1/24
 *
 * It binds UDP port 7, prints "cost: udp n <N> total <T> mac <MAC>", and
 * echoes every datagram back to its sender (the receive buffer goes out as
 * the send's data, as in the demo). A peer on 127.0.0.1:B sends T datagrams
 * one at a time, each after the echo of the one before. The program calls
 * cost_mark after WARMUP datagrams were received, again after N more, and
 * again after 2N more; the Python side takes (count of the 2N part - count
 * of the N part) / N. It stops once the T-th echo is sent. */
#include "kapi.h"

#define PORT 7
#define WARMUP 200u
#define N 1000u
#define TOTAL (WARMUP + 3 * N)
#define SENDS 4 /* an echo's send may still be live when the next arrives */

/* callgrind dumps its counters on entry here. */
__attribute__((noinline)) void cost_mark(void) {
  __asm__ volatile("" ::: "memory");
}

static struct {
  kernel_t *k;
  knet_info_t info;
  kudp_bind_req_t bind;
  kudp_recv_req_t recv;
  kudp_send_req_t sends[SENDS];
  kbuf_t send_buf[SENDS];
  uint32_t free_sends[SENDS];
  uint32_t nfree, received, sent;
} g;

static void on_sent(kwork_t *w) {
  uint32_t i = (uint32_t)(KCONTAINER_OF(w, kudp_send_req_t, work) - g.sends);
  KASSERT(w->result == KERR_OK);
  KASSERT(kbuf_release(g.k, g.send_buf[i]) == KERR_OK);
  g.free_sends[g.nfree++] = i;
  if (++g.sent == TOTAL) {
    printk("cost: done\n");
    kmain_stop(g.k);
  }
}

static void on_datagram(kwork_t *w) {
  kudp_recv_req_t *r = KCONTAINER_OF(w, kudp_recv_req_t, work);
  if (w->result != KERR_OK)
    kpanic("cost: udp receive ended: %s", kerr_str(w->result));
  g.received++;
  if (g.received == WARMUP || g.received == WARMUP + N ||
      g.received == TOTAL)
    cost_mark();
  KASSERT(g.nfree > 0);
  uint32_t i = g.free_sends[--g.nfree];
  kudp_send_req_t *s = &g.sends[i];
  kwork_init(&s->work, KWORK_OP_UDP_SEND, NULL, on_sent, 0);
  s->sock = r->sock;
  s->dst_addr = r->src_addr;
  s->dst_port = r->src_port;
  s->data = r->data;
  s->length = r->length;
  g.send_buf[i] = r->buf;
  KASSERT(ksubmit(g.k, &s->work) == KERR_OK);
}

static void on_bound(kwork_t *w) {
  if (w->result != KERR_OK)
    kpanic("cost: udp bind: %s", kerr_str(w->result));
  kwork_init(&g.recv.work, KWORK_OP_UDP_RECV, NULL, on_datagram, 0);
  g.recv.sock = g.bind.sock;
  KASSERT(ksubmit(g.k, &g.recv.work) == KERR_OK);
  printk("cost: udp n %u total %u mac ", N, TOTAL);
  for (int i = 0; i < 6; i++)
    printk("%02x%s", g.info.mac[i], i < 5 ? ":" : "\n");
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  for (uint32_t i = 0; i < SENDS; i++)
    g.free_sends[g.nfree++] = i;
  KASSERT(knet_info(k, &g.info) == KERR_OK);
  kwork_init(&g.bind.work, KWORK_OP_UDP_BIND, NULL, on_bound, 0);
  g.bind.port = PORT;
  KASSERT(ksubmit(k, &g.bind.work) == KERR_OK);
}
