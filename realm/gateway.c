/* gateway.c: calls from the network. A UDP port of the kernel (the
 * realm_config_t's gateway_port) takes requests in the wire format of
 * realm/wire.h; each names a realm, an export and arguments, and runs as
 * one transaction whose caller is the network peer. Every request that is
 * ours gets exactly one reply: the result, or the error and why. A reply
 * that finds no send slot is dropped and counted (gw_reply_dropped), so a
 * missing answer is always explained by a counter.
 *
 * The gateway trusts the network it listens on: anyone who can reach the
 * port can call any callable export, as the peer "net:<ip>:<port>".
 * Authentication is for a later issue. */
#include "manager.h"

#include "kstring.h"
#include "wire.h"

static void reply_to(realm_mgr_t *m, kip4_t ip, uint16_t port, uint32_t id,
                     int32_t status, bool has_result, int64_t result,
                     const uint8_t *bytes, uint32_t len) {
  realm_send_t *s = realm_send_slot(m);
  if (!s) {
    m->stats.gw_reply_dropped++;
    return;
  }
  struct realm_wire_reply rep = {
      .id = id,
      .status = status,
      .has_result = has_result,
      .result = result,
      .data = bytes,
      .len = (uint16_t)len,
  };
  size_t n = realm_wire_encode_reply(&rep, s->data, sizeof s->data);
  if (n == 0) {
    m->stats.gw_reply_dropped++;
    return;
  }
  m->stats.gw_replies++;
  realm_send_submit(m, s, m->gw_sock, ip, port, (uint32_t)n);
}

static uint32_t request_id(const realm_event_t *ev) {
  const uint8_t *d = ev->data;
  return (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 |
         d[7];
}

void realm_gateway_reply(realm_mgr_t *m, realm_event_t *ev, int32_t status,
                         bool has_result, int64_t result, const uint8_t *bytes,
                         uint32_t len) {
  reply_to(m, ev->peer, ev->peer_port, request_id(ev), status, has_result,
           result, bytes, len);
}

static void refuse(realm_mgr_t *m, realm_event_t *ev, int32_t status,
                   const char *why) {
  realm_gateway_reply(m, ev, status, false, 0, (const uint8_t *)why,
                      (uint32_t)kstrlen(why));
  realm_event_done(m);
}

/* The request at the head of the queue: decoded again (it was checked on
 * arrival), then run as a transaction. */
void realm_gateway_run(realm_mgr_t *m, realm_event_t *ev) {
  struct realm_wire_request req;
  const char *why;
  if (realm_wire_decode_request(ev->data, ev->len, &req, &why) != REALM_WIRE_OK)
    return refuse(m, ev, REALM_E_ARG, why);
  realm_t *r = realm_find(m, req.path, req.path_len);
  if (!r)
    return refuse(m, ev, REALM_E_NOREALM, "no such realm");
  if (realm_paused(m, r)) {
    m->stats.backoff_refused++;
    return refuse(m, ev, REALM_E_BACKOFF, "realm put aside after failures");
  }
  wasm_func *fn = realm_export(r, req.fn, req.fn_len);
  if (!fn)
    return refuse(m, ev, REALM_E_NOFUNC, "no such function");
  realm_argv_t av[REALM_MAX_ARGS];
  for (uint32_t i = 0; i < req.nargs; i++) {
    const struct realm_wire_arg *a = &req.args[i];
    bool bytes = a->tag == REALM_WIRE_TAG_BYTES;
    av[i].kind = bytes ? REALM_ARG_BYTES : REALM_ARG_SCALAR;
    av[i].len = bytes ? a->len : 0;
    av[i].v = bytes ? 0 : (uint64_t)a->i64;
    av[i].bytes = bytes ? a->bytes : NULL;
  }
  realm_caller_t c = {
      .kind = REALM_CALLER_NET,
      .what = "net",
      .peer = ev->peer,
      .peer_port = ev->peer_port,
  };
  realm_tx_start(m, ev, r, fn, av, req.nargs, &c);
}

static void on_request(kwork_t *w) {
  realm_mgr_t *m = w->ctx;
  kudp_recv_req_t *rq = &m->gw_recv;
  if (w->result != KERR_OK) {
    printk("realm gateway: receive ended: %s\n", kerr_str(w->result));
    m->gw_up = false;
    return;
  }
  struct realm_wire_request req;
  const char *why = "";
  realm_wire_verdict_t v =
      realm_wire_decode_request(rq->data, rq->length, &req, &why);
  m->stats.gw_requests++;
  if (v == REALM_WIRE_DROP) {
    m->stats.gw_bad++;
  } else if (v == REALM_WIRE_BAD) {
    m->stats.gw_bad++;
    reply_to(m, rq->src_addr, rq->src_port, req.id, REALM_E_ARG, false, 0,
             (const uint8_t *)why, (uint32_t)kstrlen(why));
  } else {
    realm_event_t *ev = realm_event_new(m, NULL, EV_GATEWAY);
    if (!ev) {
      static const char busy[] = "busy: too many requests waiting";
      reply_to(m, rq->src_addr, rq->src_port, req.id, REALM_E_LIMIT, false, 0,
               (const uint8_t *)busy, sizeof busy - 1);
    } else {
      ev->peer = rq->src_addr;
      ev->peer_port = rq->src_port;
      ev->len = (uint16_t)KMIN(rq->length, sizeof ev->data);
      kmemcpy(ev->data, rq->data, ev->len);
    }
  }
  kbuf_release(m->k, rq->buf);
}

static void on_bound(kwork_t *w) {
  realm_mgr_t *m = w->ctx;
  if (w->result != KERR_OK) {
    printk("realm gateway: bind to port %u failed: %s\n",
           (unsigned)m->gw_bind.port, kerr_str(w->result));
    return;
  }
  m->gw_sock = m->gw_bind.sock;
  kwork_init(&m->gw_recv.work, KWORK_OP_UDP_RECV, m, on_request, 0);
  m->gw_recv.sock = m->gw_sock;
  if (ksubmit(m->k, &m->gw_recv.work) != KERR_OK)
    return;
  m->gw_up = true;
  printk("realm gateway: udp port %u\n", (unsigned)m->gw_bind.port);
}

kerr_t realm_gateway_start(realm_mgr_t *m, uint16_t port) {
  kwork_init(&m->gw_bind.work, KWORK_OP_UDP_BIND, m, on_bound, 0);
  m->gw_bind.port = port;
  return ksubmit(m->k, &m->gw_bind.work);
}
