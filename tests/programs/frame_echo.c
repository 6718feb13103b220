/* frame_echo.c: a test program for the raw-frame path. Every frame received
 * goes back to its sender with the Ethernet addresses swapped (destination =
 * the frame's source, source = our MAC). Used by tests/system with the hosted
 * `frames` backend. */
#include "kapi.h"

#define SLOTS 32

static struct {
  kernel_t *k;
  knet_info_t info;
  knet_recv_req_t recv;
  knet_send_req_t sends[SLOTS];
  uint8_t frames[SLOTS][1514];
  uint32_t free_slots[SLOTS];
  uint32_t nfree;
} g;

static void on_sent(kwork_t *w) {
  g.free_slots[g.nfree++] =
      (uint32_t)(KCONTAINER_OF(w, knet_send_req_t, work) - g.sends);
}

static void on_frame(kwork_t *w) {
  knet_recv_req_t *r = KCONTAINER_OF(w, knet_recv_req_t, work);
  if (w->result != KERR_OK) {
    printk("frame-echo: receive ended: %s\n", kerr_str(w->result));
    return;
  }
  if (g.nfree > 0) {
    uint32_t i = g.free_slots[--g.nfree];
    uint8_t *f = g.frames[i];
    for (size_t j = 0; j < r->length; j++)
      f[j] = r->frame[j];
    for (int j = 0; j < 6; j++) {
      f[j] = r->frame[6 + j];
      f[6 + j] = g.info.mac[j];
    }
    kwork_init(&g.sends[i].work, KWORK_OP_NET_SEND, NULL, on_sent, 0);
    g.sends[i].frame = f;
    g.sends[i].length = r->length;
    if (ksubmit(g.k, &g.sends[i].work) != KERR_OK)
      g.free_slots[g.nfree++] = i;
  }
  KASSERT(kbuf_release(g.k, r->buf) == KERR_OK);
}

void kmain_usermain(kernel_t *k) {
  g.k = k;
  for (uint32_t i = 0; i < SLOTS; i++)
    g.free_slots[g.nfree++] = i;
  KASSERT(knet_info(k, &g.info) == KERR_OK);
  kwork_init(&g.recv.work, KWORK_OP_NET_RECV, NULL, on_frame, 0);
  KASSERT(ksubmit(k, &g.recv.work) == KERR_OK);
  printk("frame-echo: mac ");
  for (int j = 0; j < 6; j++)
    printk("%02x%s", g.info.mac[j], j < 5 ? ":" : "\n");
}
