/* echo.c: see echo.h. */
#include "echo.h"

/* An echo is done, or was refused: its receive buffer and its slot are free
 * again. */
static void on_sent(kwork_t *w) {
  echo_t *e = w->ctx;
  uint32_t i = (uint32_t)(KCONTAINER_OF(w, kudp_send_req_t, work) - e->sends);
  if (w->result == KERR_OK)
    e->sent++;
  else
    e->failed++;
  KASSERT(kbuf_release(e->k, e->send_buf[i]) == KERR_OK);
  e->free_slots[e->nfree++] = i;
  if (e->on_sent != NULL)
    e->on_sent(e, w->result);
}

static void echo(echo_t *e, const kudp_recv_req_t *r) {
  if (e->nfree == 0) {
    e->busy++;
    KASSERT(kbuf_release(e->k, r->buf) == KERR_OK);
    return;
  }
  uint32_t i = e->free_slots[--e->nfree];
  kudp_send_req_t *s = &e->sends[i];
  kwork_init(&s->work, KWORK_OP_UDP_SEND, e, on_sent, 0);
  s->sock = r->sock;
  s->dst_addr = r->src_addr;
  s->dst_port = r->src_port;
  s->data = r->data; /* no copy: the receive buffer goes straight back */
  s->length = r->length;
  e->send_buf[i] = r->buf;
  kerr_t err = ksubmit(e->k, &s->work);
  if (err != KERR_OK) {
    s->work.result = err;
    on_sent(&s->work);
  }
}

static void on_datagram(kwork_t *w) {
  echo_t *e = w->ctx;
  if (w->result != KERR_OK) {
    if (e->on_end != NULL)
      e->on_end(e, w->result);
    return;
  }
  e->received++;
  echo(e, &e->recv);
  if (e->on_datagram != NULL)
    e->on_datagram(e);
}

kerr_t echo_start(echo_t *e, kernel_t *k, uint32_t sock) {
  e->k = k;
  e->nfree = 0;
  for (uint32_t i = 0; i < ECHO_SLOTS; i++)
    e->free_slots[e->nfree++] = i;
  kwork_init(&e->recv.work, KWORK_OP_UDP_RECV, e, on_datagram, 0);
  e->recv.sock = sock;
  return ksubmit(k, &e->recv.work);
}
