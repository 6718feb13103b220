/* tx.c: the stack's transmit slots (stack.h): KCONFIG_NET_TX_SLOTS whole
 * frames, each with its own NET_SEND item on the network device. A slot is
 * taken when a frame is built, may wait in arp.c for its next hop, and
 * comes back when the device has sent the frame; then the program's item it
 * carried (tx->owner) completes, and items that waited for a slot go on,
 * oldest first. */
#include "stack.h"

void net_tx_init(net_stack_t *st) {
  st->tx_free = NULL;
  for (uint32_t i = KCONFIG_NET_TX_SLOTS; i-- > 0;)
    net_tx_free(st, &st->tx[i]);
}

net_tx_t *net_tx_alloc(net_stack_t *st, kwork_t *w) {
  net_tx_t *tx = st->tx_free;
  if (tx == NULL) {
    if (w)
      kwork_list_push(&st->tx_waiters, w);
    return NULL;
  }
  st->tx_free = tx->next;
  tx->next = NULL;
  tx->owner = NULL;
  tx->nexthop = 0;
  tx->since = 0;
  tx->len = 0;
  return tx;
}

void net_tx_free(net_stack_t *st, net_tx_t *tx) {
  tx->owner = NULL;
  tx->next = st->tx_free;
  st->tx_free = tx;
}

/* A slot came back: what waited for one goes on, oldest first. */
void net_tx_serve_waiters(net_stack_t *st) {
  while (st->tx_free != NULL && !kwork_list_empty(&st->tx_waiters))
    net_dispatch(st, kwork_list_pop(&st->tx_waiters));
}

/* The frame of tx is done (sent, or failed with err). */
static void tx_done(net_stack_t *st, net_tx_t *tx, kerr_t err) {
  kwork_t *owner = tx->owner;
  net_tx_free(st, tx);
  if (owner != NULL) {
    if (err != KERR_OK) {
      if (owner->op == KWORK_OP_PING)
        icmp_ping_forget(st, owner);
      net_complete(st, owner, err);
    } else if (owner->op == KWORK_OP_UDP_SEND) {
      net_complete(st, owner, KERR_OK);
    }
  }
  net_tx_serve_waiters(st);
}

static void on_sent(kwork_t *w) {
  tx_done(w->ctx, KCONTAINER_OF(w, net_tx_t, req.work), w->result);
}

void net_tx_send(net_stack_t *st, net_tx_t *tx) {
  kwork_init(&tx->req.work, KWORK_OP_NET_SEND, st, on_sent, 0);
  tx->req.frame = tx->frame;
  tx->req.length = tx->len;
  st->stats.eth_tx++;
  kerr_t err = ksubmit(st->dev.k, &tx->req.work);
  if (err != KERR_OK)
    tx_done(st, tx, err);
}

void net_tx_fail(net_stack_t *st, net_tx_t *tx, kerr_t err) {
  tx_done(st, tx, err);
}

net_tx_t *net_tx_of(net_stack_t *st, const kwork_t *w) {
  for (uint32_t i = 0; i < KCONFIG_NET_TX_SLOTS; i++)
    if (st->tx[i].owner == w)
      return &st->tx[i];
  return NULL;
}
