/* manager.h: what the realm manager's files share. Not for realms (they
 * see realm/sdk/realm.h) nor for the kernel's program (realm.h).
 *
 *   load.c      a realm from its image: manifest, identity, module, imports
 *   queue.c     events waiting for their transaction, bounded per realm
 *   tx.c        transactions: the call chain, fuel, slices, commit, undo
 *   call.c      the "call" import: a synchronous call into another realm
 *   services.c  the other imports (log, time, timers, UDP, random, ...)
 *   effects.c   what a transaction asked of the kernel, done on commit
 *   gateway.c   requests from the network as transactions */
#ifndef REALMOS_REALM_MANAGER_H
#define REALMOS_REALM_MANAGER_H

#include "identity.h"
#include "manifest.h"
#include "realm.h"
#include "realm_abi.h"
#include "wasm.h"

/* ---- bounds (each reached is an error to the realm, or a counted drop) - */
#ifndef REALM_MAX
#define REALM_MAX 16 /* realms loaded at once */
#endif
#ifndef REALM_ARENA_BYTES
#define REALM_ARENA_BYTES (2u << 20) /* modules, instances, memories */
#endif
#define REALM_STACK_SLOTS 4096       /* a realm's Wasm value stack: 32 KiB */
#define REALM_WASM_FRAMES 256        /* a realm's Wasm call depth */
#define REALM_TABLE_MAX 1024         /* elements per table */
#define REALM_EVENTS 64              /* events waiting, all realms */
#define REALM_EVENTS_PER 32          /* events waiting, one realm */
#define REALM_EVENT_BYTES 1472       /* a datagram, a request, random bytes */
#define REALM_UNDO_BYTES (64u << 10) /* a transaction's undo log */
#define REALM_EFFECTS 32             /* effects of one transaction */
#define REALM_EFFECT_BYTES 8192      /* their bytes (datagrams to send) */
#define REALM_SENDS_LIVE 64          /* datagrams being sent, all realms */
#define REALM_SOCKS 4                /* UDP sockets of one realm */
#define REALM_TIMERS 8               /* timers of one realm */
#define REALM_LOGS_PER_TX 16         /* log lines of one transaction */
#define REALM_SLICE_FUEL 20000u      /* fuel of one slice (docs/realms.md) */
#define REALM_FAILS_BEFORE_BACKOFF 3
#define REALM_BACKOFF_FIRST KTIME_MS(100)
#define REALM_BACKOFF_MAX KTIME_S(30)

/* Fuel charged for the imports, beyond the call instruction: a rough
 * equal of their native time in Wasm instructions (docs/realms.md). */
#define REALM_FUEL_IMPORT 20u
#define REALM_FUEL_CALL 200u
#define REALM_FUEL_PER_8_BYTES 1u

/* ---- a realm ------------------------------------------------------------ */

enum { SOCK_FREE = 0, SOCK_RESERVED, SOCK_BINDING, SOCK_BOUND, SOCK_FAILED };

typedef struct realm realm_t;
typedef struct realm_mgr realm_mgr_t;

typedef struct {
  realm_t *r;
  uint8_t state; /* SOCK_* */
  uint16_t port;
  kudp_bind_req_t bind;
  kudp_recv_req_t recv;
} realm_sock_t;

enum { TIMER_FREE = 0, TIMER_RESERVED, TIMER_LIVE };

typedef struct {
  realm_t *r;
  uint8_t state; /* TIMER_* */
  int32_t id;
  ktimer_req_t req;
} realm_timer_t;

/* A datagram being sent for a realm (or a gateway reply). */
typedef struct {
  bool live;
  kudp_send_req_t req;
  uint8_t data[KUDP_MAX_PAYLOAD];
} realm_send_t;

/* The exports other realms called last: a name compared is cheaper than a
 * search of the export section on every call. */
#define REALM_EXPORT_CACHE 4
typedef struct {
  uint8_t len;
  char name[64];
  wasm_func *fn;
} realm_export_cache_t;

struct realm {
  realm_mgr_t *m; /* its manager */
  realm_identity_t id;
  uint32_t path_len;
  struct realm_manifest mf;
  const struct realm_image *img;
  wasm_module *mod;
  wasm_instance *inst;
  wasm_exec *x;
  wasm_memory *mem;
  uint32_t inbox, inbox_cap; /* the SDK's buffer for bytes in */
  wasm_func *init, *on_timer, *on_udp, *on_random;
  realm_export_cache_t exports[REALM_EXPORT_CACHE];
  uint8_t export_next;  /* the cache entry to replace next */
  bool on_chain;        /* on the current transaction's call chain */
  uint32_t chain_index; /* its frame there */
  uint8_t queued;       /* events waiting */
  /* back-off */
  uint32_t fails_in_row;
  ktime_t paused_until;
  /* services */
  realm_sock_t socks[REALM_SOCKS];
  realm_timer_t timers[REALM_TIMERS];
  krng_req_t rng;
  bool rng_live;
  int32_t rng_id;
  uint8_t rng_buf[256];
  /* what the last failed call it made said (error()) */
  char last_error[96];
  uint8_t last_error_len;
  /* counters */
  uint64_t tx_ok, tx_failed, calls_in, fuel_used;
};

/* ---- events and transactions -------------------------------------------- */

enum {
  EV_INIT = 1, /* the realm's init */
  EV_GATEWAY,  /* a request: call an export for a network peer */
  EV_TIMER,
  EV_UDP,
  EV_RANDOM,
};

typedef struct {
  uint8_t kind; /* EV_* */
  realm_t *r;   /* the realm it goes to (EV_GATEWAY: found when run) */
  int32_t a, b; /* EV_TIMER: id; EV_UDP: sock, status; EV_RANDOM: id */
  kip4_t peer;  /* EV_UDP, EV_GATEWAY */
  uint16_t peer_port;
  uint16_t len; /* bytes in data */
  uint8_t data[REALM_EVENT_BYTES];
} realm_event_t;

/* Who called: a realm, or the origin of the transaction. */
typedef struct {
  realm_t *realm;   /* NULL: the origin below */
  uint8_t kind;     /* REALM_CALLER_* */
  const char *what; /* "boot", "timer", "udp", "random", "net" */
  kip4_t peer;
  uint16_t peer_port;
} realm_caller_t;

enum { FRAME_IDLE = 0, FRAME_RUNNING, FRAME_SUSPENDED };

/* One realm on the call chain. frames[0] is the transaction's entry. */
typedef struct {
  realm_t *r;
  realm_caller_t caller;
  const wasm_functype *fn_type; /* of the export it runs */
  uint32_t req, out, out_cap;   /* the caller's struct realm_call */
  uint8_t req_tail[24];         /* its bytes 24..48: out_len .. result */
  wasm_savepoint sp;
  uint64_t fuel_end;     /* the chain's fuel counter may reach this */
  int64_t balance;       /* fuel - debt of r->x when last set */
  uint32_t effects_mark; /* effects before this frame began */
  uint8_t state;         /* FRAME_* */
  bool aborted;          /* abort() was called: its message is in tx.msg */
  bool has_reply;
  uint16_t reply_len;
  uint8_t reply[REALM_REPLY_MAX];
} realm_frame_t;

/* What an effect is: done on commit, dropped on undo. */
enum { FX_SEND = 1, FX_TIMER, FX_BIND, FX_RANDOM };
typedef struct {
  uint8_t kind;
  realm_t *r;
  int32_t a;          /* FX_SEND: sock; FX_TIMER: slot; FX_BIND: sock;
                         FX_RANDOM: id */
  uint32_t b;         /* FX_SEND: ip; FX_TIMER: ms; FX_RANDOM: n */
  uint16_t port, len; /* FX_SEND */
  uint32_t off;       /* FX_SEND: its bytes in tx.fx_bytes */
} realm_effect_t;

typedef struct {
  bool active;
  realm_event_t *ev;
  uint32_t depth; /* frames in use */
  realm_frame_t frames[REALM_MAX_DEPTH];
  uint64_t used;      /* fuel the transaction has used */
  uint64_t slice_end; /* used may reach this before the loop gets a turn */
  uint32_t logs;
  realm_effect_t fx[REALM_EFFECTS];
  uint32_t nfx, fx_used;
  uint8_t fx_bytes[REALM_EFFECT_BYTES];
  int32_t status; /* how the entry call ended (REALM_OK, REALM_E_*) */
  bool spent;     /* the budget ran out: every frame fails, up to frame 0 */
  char msg[96];   /* and why, when it failed */
  uint8_t msg_len;
} realm_tx_t;

/* An argument as the ABI gives it (struct realm_arg, a gateway request). */
typedef struct {
  uint8_t kind; /* REALM_ARG_SCALAR, REALM_ARG_BYTES */
  uint32_t len;
  uint64_t v;           /* scalar value */
  const uint8_t *bytes; /* bytes (in the caller's memory or an event) */
} realm_argv_t;

/* ---- the manager -------------------------------------------------------- */

struct realm_mgr {
  kernel_t *k;
  realm_config_t cfg;
  realm_t realms[REALM_MAX];
  unsigned n;
  wasm_arena arena;
  wasm_journal journal;
  realm_tx_t tx;
  /* events: a ring */
  realm_event_t events[REALM_EVENTS];
  uint32_t ev_head, ev_count;
  /* the slice timer: a zero delay gives the loop a turn between slices */
  ktimer_req_t slice;
  realm_send_t sends[REALM_SENDS_LIVE];
  /* the gateway */
  kudp_bind_req_t gw_bind;
  kudp_recv_req_t gw_recv;
  uint32_t gw_sock;
  bool gw_up;
  bool slice_armed, pumping;
  realm_stats_t stats;
  /* what the arena hands out, and the undo log */
  uint8_t arena_mem[REALM_ARENA_BYTES] __attribute__((aligned(16)));
  uint8_t undo_log[REALM_UNDO_BYTES] __attribute__((aligned(16)));
};

/* realm.c: k's manager, or NULL. */
realm_mgr_t *realm_manager_of(kernel_t *k);

/* load.c */
kerr_t realm_load(realm_mgr_t *m, const struct realm_image *img);
realm_t *realm_find(realm_mgr_t *m, const char *path, uint32_t len);
/* A callable export (not init, on_*, realm_*) or NULL. */
wasm_func *realm_export(realm_t *r, const char *name, uint32_t len);
/* The import resolver (services.c's functions, per realm). */
bool realm_resolve(void *env, const char *module, uint32_t mlen,
                   const char *name, uint32_t nlen, wasm_extern *out);

/* queue.c */
realm_event_t *realm_event_new(realm_mgr_t *m, realm_t *r, uint8_t kind);
void realm_event_done(realm_mgr_t *m);
realm_event_t *realm_event_head(realm_mgr_t *m);
void realm_pump_soon(realm_mgr_t *m);
bool realm_paused(realm_mgr_t *m, realm_t *r);

/* tx.c */
void realm_pump(realm_mgr_t *m);
/* Run frame d's realm: fn(args) when first, else resume it. */
wasm_status realm_run_frame(realm_mgr_t *m, uint32_t d, wasm_func *fn,
                            const wasm_value *args, uint32_t nargs);
/* Account what the running frame d used so far. */
void realm_sync_fuel(realm_mgr_t *m, uint32_t d);
/* Give frame d the fuel it may use now (after a call it made). */
void realm_refuel(realm_mgr_t *m, uint32_t d);
/* Charge n units to the running frame (an import's cost). */
void realm_charge(realm_mgr_t *m, uint64_t n);
/* The frame running now (the top of the chain). */
realm_frame_t *realm_top(realm_mgr_t *m);
/* Note a realm's failure (the back-off) or success. */
void realm_failed(realm_mgr_t *m, realm_t *r);
void realm_succeeded(realm_t *r);
void realm_set_msg(realm_tx_t *tx, const char *s, uint32_t n);
/* How frame d's context stopped, as a status; tx.msg says why. */
int32_t realm_outcome(realm_mgr_t *m, uint32_t d, wasm_status s);
/* Start ev's transaction: fn(av) in r for caller. false: it could not
 * start (arguments); the event is done and a gateway request answered. */
bool realm_tx_start(realm_mgr_t *m, realm_event_t *ev, realm_t *r,
                    wasm_func *fn, const realm_argv_t *av, uint32_t nav,
                    const realm_caller_t *caller);

/* call.c: arguments as the ABI gives them (struct realm_arg), checked
 * against fn's type and put into its params (bytes into r's inbox). */
int32_t realm_marshal(realm_t *r, wasm_func *fn, const realm_argv_t *av,
                      uint32_t n, wasm_value *params, uint32_t *np);
/* The "call" import (services.c links it). */
wasm_status realm_call_import(wasm_host_call *c, const wasm_value *args,
                              wasm_value *res);

/* services.c: checked access to a realm's memory (journaled writes). */
int32_t realm_write(realm_t *r, uint32_t addr, const void *src, uint32_t len);
int32_t realm_read(realm_t *r, uint32_t addr, void *dst, uint32_t len);

/* effects.c */
realm_effect_t *realm_effect_add(realm_mgr_t *m, uint8_t kind, realm_t *r);
void realm_effects_drop(realm_mgr_t *m, uint32_t mark);
void realm_effects_commit(realm_mgr_t *m);
/* A free send slot (NULL: all busy, counted by the caller). */
realm_send_t *realm_send_slot(realm_mgr_t *m);
void realm_send_submit(realm_mgr_t *m, realm_send_t *s, uint32_t sock,
                       kip4_t ip, uint16_t port, uint32_t len);
uint32_t realm_effects_count(realm_mgr_t *m, uint8_t kind, realm_t *r);

/* gateway.c */
kerr_t realm_gateway_start(realm_mgr_t *m, uint16_t port);
void realm_gateway_run(realm_mgr_t *m, realm_event_t *ev);
void realm_gateway_reply(realm_mgr_t *m, realm_event_t *ev, int32_t status,
                         bool has_result, int64_t result, const uint8_t *bytes,
                         uint32_t len);

#endif
