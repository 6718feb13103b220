/* stack.c: the IPv4 stack as a device (stack.h). It serves KDEV_IP: the
 * UDP items, PING, ARP_RESOLVE and IP_CONFIG go to its submit, which hands
 * them to udp.c, icmp.c and arp.c. Under it, the network device is used
 * through ordinary work items: KCONFIG_NET_RX_POSTED standing NET_RECVs,
 * whose frames go to eth_input, and one NET_SEND per transmit slot (tx.c).
 *
 * Items that need an address (KOP_ADDRESS in their row of kernel/ops.c:
 * UDP_SEND, PING, ARP_RESOLVE, IP_CONFIG) wait in cfg_waiters until DHCP
 * or the static fallback configures the interface. Items that need a
 * transmit slot wait in tx_waiters until one is free; both lists are made
 * of the programs' own items, so they need no bound of their own.
 *
 * One internal timer serves the whole stack: modules ask for a time with
 * net_wake_at, and every firing runs each module's tick, which asks for its
 * next time again. */
#include "stack.h"

#include "kfmt.h"
#include "kstring.h"

/* The stack of net_attach without storage; the simulator gives one per node. */
static net_stack_t g_stack;

static net_stack_t *of(kdevice_t *dev) {
  return KCONTAINER_OF(dev, net_stack_t, dev);
}

/* ------------------------------------------------------------- the timer */

static void arm(net_stack_t *st);

static void on_timer(kwork_t *w) {
  net_stack_t *st = w->ctx;
  if (w->result == KERR_OK) {
    ktime_t now = net_now(st);
    st->wake = KTIME_NEVER; /* each tick asks again for what it needs */
    arp_tick(st, now);
    dhcp_tick(st, now);
  }
  arm(st);
}

/* Have the timer fire at st->wake. A timer already set for later is
 * cancelled; its callback (KERR_CANCELLED) arms it again. */
static void arm(net_stack_t *st) {
  if (st->wake == KTIME_NEVER)
    return;
  kernel_t *k = st->dev.k;
  if (st->timer.work.state != KWORK_STATE_IDLE) {
    if (st->timer_due > st->wake && !st->timer_cancelled) {
      st->timer_cancelled = true;
      kcancel(k, &st->timer.work);
    }
    return;
  }
  ktime_t now = ktime_now(k);
  kwork_init(&st->timer.work, KWORK_OP_TIMER, st, on_timer, 0);
  st->timer.delay = st->wake > now ? st->wake - now : 0;
  st->timer_due = now + st->timer.delay;
  st->timer_cancelled = false;
  if (ksubmit(k, &st->timer.work) != KERR_OK)
    klog(KLOG_WARN, "net: timer refused\n");
}

void net_wake_at(net_stack_t *st, ktime_t when) {
  if (when >= st->wake)
    return;
  st->wake = when;
  arm(st);
}

ktime_t net_now(net_stack_t *st) { return ktime(st->dev.k); }

uint32_t net_rand(net_stack_t *st) {
  uint32_t x = st->rand_state; /* xorshift32 */
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  st->rand_state = x;
  return x;
}

/* --------------------------------------------------------------- receive */

/* One of the standing receives completed: a frame, or the end of that
 * receive. Each frame is handled at once, in this callback; the kernel has
 * already put the receive back in its queue, so it is at the device again
 * at the end of this tick. With KCONFIG_NET_RX_POSTED of them posted, one
 * poll of the device completes that many frames, and every one is handled
 * in the same tick. */
static void on_frame(kwork_t *w) {
  net_stack_t *st = w->ctx;
  knet_recv_req_t *r = KCONTAINER_OF(w, knet_recv_req_t, work);
  if (w->result != KERR_OK) {
    klog(KLOG_WARN, "net: receive ended: %s\n", kerr_str(w->result));
    if (w->result != KERR_CANCELLED && ksubmit(st->dev.k, w) != KERR_OK)
      klog(KLOG_ERROR, "net: receive not restarted\n");
    return;
  }
  net_rx_t rx = {
      .frame = r->frame, .len = r->length, .buf = r->buf, .kept = false};
  eth_input(st, &rx);
  if (!rx.kept)
    kbuf_release(st->dev.k, rx.buf);
}

/* ---------------------------------------------------------- configuration */

void net_complete(net_stack_t *st, kwork_t *w, kerr_t err) {
  kdev_complete(&st->dev, w, err);
}

static void fill_config(net_stack_t *st, kwork_t *w) {
  KCONTAINER_OF(w, kip_config_req_t, work)->config = st->cfg;
  net_complete(st, w, KERR_OK);
}

static const char *source_name(uint8_t source) {
  return source == KIP_SOURCE_DHCP ? "dhcp" : "static";
}

void net_configure(net_stack_t *st, const kip_config_t *cfg) {
  st->cfg = *cfg;
  st->up = true;
  kip4_t a = cfg->addr, g = cfg->gateway;
  unsigned bits = 0;
  for (uint32_t m = cfg->netmask; m & 0x80000000u; m <<= 1)
    bits++;
  char as[KFMT_IP4_LEN], gs[KFMT_IP4_LEN];
  klog(KLOG_DEBUG, "net: %s/%u gateway %s (%s)\n", kfmt_ip4(as, a), bits,
       kfmt_ip4(gs, g), source_name(cfg->source));
  arp_announce(st);
  /* Replay what waited; an item may wait again (no transmit slot). */
  kwork_list_t waiting = st->cfg_waiters;
  st->cfg_waiters = (kwork_list_t){NULL, NULL};
  kwork_t *w;
  while ((w = kwork_list_pop(&waiting)) != NULL)
    net_dispatch(st, w);
}

void net_deconfigure(net_stack_t *st) {
  st->up = false;
  kmemset(&st->cfg, 0, sizeof(st->cfg));
  klog(KLOG_INFO, "net: address lost\n");
}

bool net_is_broadcast(const net_stack_t *st, kip4_t a) {
  if (a == KIP4_BROADCAST)
    return true;
  kip4_t m = st->cfg.netmask;
  return st->up && m != KIP4_BROADCAST && (a & ~m) == ~m &&
         (a & m) == (st->cfg.addr & m);
}

bool net_on_link(const net_stack_t *st, kip4_t a) {
  return st->up && ((a ^ st->cfg.addr) & st->cfg.netmask) == 0;
}

/* ------------------------------------------------------------ the device */

/* A cancelled send or ping lets go of its transmit slot; a frame already
 * at the device still goes out. */
static void forget_send(net_stack_t *st, kwork_t *w) {
  net_tx_t *tx = net_tx_of(st, w);
  if (tx != NULL) {
    tx->owner = NULL;
    if (arp_forget(st, tx)) {
      net_tx_free(st, tx);
      net_tx_serve_waiters(st);
    }
  }
}

static void forget_ping(net_stack_t *st, kwork_t *w) {
  icmp_ping_forget(st, w);
  forget_send(st, w);
}

/* The module that serves each op of KDEV_IP (the class's rows in
 * kernel/ops.c), and what a cancel of an item LIVE there asks of it
 * (NULL: nothing, beyond taking it off the stack's waiting lists). Indexed
 * from the first of them: the ops before it are other classes'. */
#define FIRST_IP_OP KWORK_OP_UDP_BIND
static const struct {
  void (*submit)(net_stack_t *st, kwork_t *w);
  void (*cancel)(net_stack_t *st, kwork_t *w);
} module[KWORK_OP_COUNT - FIRST_IP_OP] = {
    [KWORK_OP_UDP_BIND - FIRST_IP_OP] = {udp_submit, NULL},
    [KWORK_OP_UDP_UNBIND - FIRST_IP_OP] = {udp_submit, NULL},
    [KWORK_OP_UDP_RECV - FIRST_IP_OP] = {udp_submit, udp_cancel},
    [KWORK_OP_UDP_SEND - FIRST_IP_OP] = {udp_submit, forget_send},
    [KWORK_OP_IP_CONFIG - FIRST_IP_OP] = {fill_config, NULL},
    [KWORK_OP_PING - FIRST_IP_OP] = {icmp_ping_submit, forget_ping},
    [KWORK_OP_ARP_RESOLVE -
        FIRST_IP_OP] = {arp_resolve_submit, arp_resolve_cancel},
};

/* Hand a program's item to its module (first submit, or again after it
 * waited). The kernel hands this device only its class's ops; another
 * (a test's, a wrong row) is refused, not run. */
void net_dispatch(net_stack_t *st, kwork_t *w) {
  if (kwork_needs_address(w) && !st->up) {
    kwork_list_push(&st->cfg_waiters, w);
    return;
  }
  uint32_t i = w->op - FIRST_IP_OP; /* wraps for an op before the first */
  if (i >= KARRAY_SIZE(module) || module[i].submit == NULL)
    net_complete(st, w, KERR_UNSUPPORTED);
  else
    module[i].submit(st, w);
}

void net_stack_start(net_stack_t *st, bool dhcp) {
  if (st->started)
    return;
  st->started = true;
  uint32_t seed = (uint32_t)ktime_now(st->dev.k);
  for (int i = 0; i < ETH_ALEN; i++)
    seed = seed * 31u + st->mac[i];
  st->rand_state = seed ? seed : 0x9e3779b9u;
  uint32_t posted = 0;
  for (uint32_t i = 0; i < KCONFIG_NET_RX_POSTED; i++) {
    kwork_init(&st->rx[i].work, KWORK_OP_NET_RECV, st, on_frame, 0);
    posted += ksubmit(st->dev.k, &st->rx[i].work) == KERR_OK;
  }
  if (posted < KCONFIG_NET_RX_POSTED)
    klog(KLOG_ERROR, "net: %u of %u receives posted on %s\n", (unsigned)posted,
         (unsigned)KCONFIG_NET_RX_POSTED, st->nic->name);
  if (st->fixed)
    net_configure(st, &st->fixed_cfg);
  else if (dhcp)
    dhcp_start(st);
}

static kerr_t stack_submit(kdevice_t *dev, kwork_t *w) {
  net_stack_t *st = of(dev);
  net_stack_start(st, true);
  net_dispatch(st, w);
  return KERR_OK;
}

/* Every item LIVE here is forgotten at once (the stack can always take
 * one back); a send whose frame is at the device still goes out. */
static kerr_t stack_cancel(kdevice_t *dev, kwork_t *w) {
  net_stack_t *st = of(dev);
  if (kwork_list_take(&st->cfg_waiters, w) ||
      kwork_list_take(&st->tx_waiters, w))
    return KERR_OK;
  uint32_t i = w->op - FIRST_IP_OP;
  if (i < KARRAY_SIZE(module) && module[i].cancel != NULL)
    module[i].cancel(st, w);
  return KERR_OK;
}

static void stack_poll(kdevice_t *dev) { (void)dev; }

static const kdevice_ops_t stack_ops = {
    .submit = stack_submit, .cancel = stack_cancel, .poll = stack_poll};

kerr_t net_attach(kernel_t *k, const net_attach_t *how) {
  if (kdev_serving(k, KDEV_NET) == NULL)
    return KERR_NO_DEVICE;
  if (kdev_serving(k, KDEV_IP) != NULL)
    return KERR_BUSY;
  net_stack_t *st = how->storage ? how->storage : &g_stack;
  kmemset(st, 0, sizeof(*st));
  if (how->fixed) {
    st->fixed = true;
    st->fixed_cfg = *how->fixed;
    st->fixed_cfg.source = KIP_SOURCE_STATIC;
  }
  if (how->fallback) {
    st->has_fallback = true;
    st->fallback = *how->fallback;
    st->fallback.source = KIP_SOURCE_STATIC;
    st->fallback.lease_s = 0;
  }
  st->dev = (kdevice_t){.ops = &stack_ops, .name = "ipv4", .cls = KDEV_IP};
  st->nic = kdev_serving(k, KDEV_NET);
  kmemcpy(st->mac, st->nic->info.net.mac, ETH_ALEN);
  st->wake = KTIME_NEVER;
  net_tx_init(st);
  return kdev_register(k, &st->dev);
}

net_stack_t *net_stack_of(kernel_t *k) {
  kdevice_t *dev = kdev_serving(k, KDEV_IP);
  return dev != NULL && dev->ops == &stack_ops ? of(dev) : NULL;
}

const knet_stats_t *knet_stats(kernel_t *k) {
  net_stack_t *st = net_stack_of(k);
  return st ? &st->stats : NULL;
}
