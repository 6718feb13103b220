/* realm.h: the one header a realm includes (Realm ABI v1, docs/realm-guide.md).
 *
 * A realm is a WebAssembly module built from C with stock clang
 * (--target=wasm32, no libc; realm/realm.mk). It imports the services
 * below from the module "realm", and exports its entry points: init,
 * on_timer, on_udp, on_random (the kernel's only), and any other function
 * marked REALM_EXPORT, which other realms and the gateway may call.
 *
 * Every event delivered to a realm is one transaction. What a service
 * asks for the outside world (a timer, a socket, a datagram, random bytes)
 * is carried out only when the transaction commits; when it fails (a trap,
 * abort(), fuel run out) every write it made in every realm is undone and
 * none of its effects happen. Inside a failed cross-realm call, only the
 * callee's writes and effects are undone; the caller gets an error and
 * goes on. */
#ifndef REALM_SDK_REALM_H
#define REALM_SDK_REALM_H

#include <stddef.h>
#include <stdint.h>

/* The numbers the kernel and realms agree on (status codes REALM_OK and
 * REALM_E_*, caller kinds, argument kinds, bounds): one header, shared
 * with the kernel's realm manager and the gateway. */
#include "../realm_abi.h"

/* Marks a function as an export named `name` (the C name may differ). */
#define REALM_EXPORT(name) __attribute__((export_name(#name)))

#define REALM_IMPORT(name)                                                     \
  __attribute__((import_module("realm"), import_name(#name)))

/* ---- the services (imports) ------------------------------------------- */

/* A console line "[r/x/y] text": at most REALM_LOG_MAX bytes kept, at most
 * 16 lines per transaction (the rest are counted). */
REALM_IMPORT(log) void realm_log_n(const char *text, int32_t len);

/* Fail the current call on purpose: its writes are undone and the message
 * (at most REALM_ABORT_MAX bytes) goes to the caller (error() there, or
 * the gateway's reply). Does not return. */
REALM_IMPORT(abort)
__attribute__((noreturn)) void realm_abort_n(const char *msg, int32_t len);

/* This realm's path into buf (at most cap bytes); returns its length. */
REALM_IMPORT(self) int32_t realm_self(char *buf, int32_t cap);

/* The immediate caller into buf (at most cap bytes); returns its length:
 * the calling realm's path, or where the transaction came from when no
 * realm called ("net:<ip>:<port>", "boot", "timer", "udp", "random").
 * There is deliberately no way to ask for the first caller of a chain:
 * authorising by it would let any realm in between act as that caller. */
REALM_IMPORT(caller) int32_t realm_caller(char *buf, int32_t cap);

/* REALM_CALLER_REALM, REALM_CALLER_NET or REALM_CALLER_KERNEL. */
REALM_IMPORT(caller_kind) int32_t realm_caller_kind(void);

/* Nanoseconds since boot. */
REALM_IMPORT(now) int64_t realm_now(void);

/* Ask for n (1..256) bytes of the kernel's CSPRNG: 0 or an error now; on
 * commit the request goes out, and on_random(id, ptr, len) brings the
 * bytes (in the inbox) in a transaction of its own. */
REALM_IMPORT(random) int32_t realm_random(int32_t id, int32_t n);

/* Arm a one-shot timer of ms milliseconds on commit: on_timer(id) when it
 * fires. REALM_E_LIMIT beyond the manifest's `timers` pending at once. */
REALM_IMPORT(timer) int32_t realm_timer(int32_t id, int32_t ms);

/* A socket handle (>= 0) for UDP port `port`, which the manifest must
 * grant (`udp PORT`), else REALM_E_DENIED. The port is bound on commit;
 * if that fails, on_udp(sock, status < 0, ...) says so. Datagrams come as
 * on_udp(sock, 0, ip, port, ptr, len), the bytes in the inbox. */
REALM_IMPORT(udp_bind) int32_t realm_udp_bind(int32_t port);

/* Send data[0..len) from sock to ip:port (ip in host order: 10.0.2.2 is
 * 0x0a000202). The bytes are copied now and sent on commit; at most the
 * manifest's `sends` datagrams per transaction. */
REALM_IMPORT(udp_send)
int32_t realm_udp_send(int32_t sock, uint32_t ip, int32_t port,
                       const void *data, int32_t len);

/* One argument of a cross-realm call (16 bytes). */
struct realm_arg {
  uint32_t kind; /* REALM_ARG_SCALAR or REALM_ARG_BYTES */
  uint32_t len;  /* bytes: their length */
  uint64_t v;    /* scalar: the value; bytes: their address here */
};

/* A cross-realm call (176 bytes; the layout is the ABI's). The callee's
 * parameters must match the arguments exactly: a scalar is one i32 or i64
 * parameter, bytes are two i32 parameters (ptr, len) pointing into the
 * callee's inbox, where the kernel copied them. */
struct realm_call {
  const char *path; /* the callee's path */
  uint32_t path_len;
  const char *fn; /* the export's name */
  uint32_t fn_len;
  void *out; /* where the callee's reply() bytes go */
  uint32_t out_cap;
  uint32_t out_len; /* written: bytes replied (more than out_cap is
                       REALM_E_BOUNDS) */
  uint32_t nargs;   /* 0..REALM_MAX_ARGS */
  uint64_t fuel;    /* most fuel the callee may use; 0: all that is left */
  int64_t result;   /* written: the callee's scalar result, if any */
  struct realm_arg args[REALM_MAX_ARGS];
};
_Static_assert(sizeof(struct realm_call) == 176, "the ABI's layout");

/* Call another realm synchronously, in this transaction: during the call
 * the callee is the current realm and this realm its caller. Returns
 * REALM_OK or an error; on an error the callee's writes are undone and
 * error() gives its trap reason or abort text. */
REALM_IMPORT(call) int32_t realm_call(struct realm_call *req);

/* The byte result of the current call (at most REALM_REPLY_MAX): copied
 * at return to the caller's out buffer, or into the gateway's reply. */
REALM_IMPORT(reply) int32_t realm_reply(const void *data, int32_t len);

/* The message of the last failed call this realm made (a trap's reason or
 * an abort's text) into buf (at most cap bytes); returns its length. */
REALM_IMPORT(error) int32_t realm_error(char *buf, int32_t cap);

/* ---- what the SDK's realm.c defines (clang emits calls to the first
 * four) -------------------------------------------------------------- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* The inbox: where the kernel copies the bytes arguments of a call, a
 * datagram, random bytes. REALM_INBOX_BYTES by default; exported as
 * realm_inbox() and realm_inbox_cap(). */
#ifndef REALM_INBOX_BYTES
#define REALM_INBOX_BYTES 2048
#endif

/* ---- helpers ------------------------------------------------------------ */

static inline void realm_log(const char *text) {
  realm_log_n(text, (int32_t)strlen(text));
}

__attribute__((noreturn)) static inline void realm_abort(const char *msg) {
  realm_abort_n(msg, (int32_t)strlen(msg));
}

static inline int32_t realm_reply_str(const char *text) {
  return realm_reply(text, (int32_t)strlen(text));
}

static inline struct realm_arg realm_arg_i64(int64_t v) {
  struct realm_arg a = {REALM_ARG_SCALAR, 0, (uint64_t)v};
  return a;
}

static inline struct realm_arg realm_arg_bytes(const void *p, uint32_t n) {
  struct realm_arg a = {REALM_ARG_BYTES, n, (uint32_t)(uintptr_t)p};
  return a;
}

static inline struct realm_arg realm_arg_str(const char *s) {
  return realm_arg_bytes(s, (uint32_t)strlen(s));
}

/* Call path's export fn with args[0..nargs), all the fuel left, the
 * callee's reply() bytes into out[0..cap) (out may be NULL when cap is 0)
 * and its scalar result into *result (if not NULL). Returns the status. */
static inline int32_t realm_call_fn(const char *path, const char *fn,
                                    const struct realm_arg *args,
                                    uint32_t nargs, void *out, uint32_t cap,
                                    int64_t *result) {
  struct realm_call c;
  if (nargs > REALM_MAX_ARGS)
    return REALM_E_ARG;
  memset(&c, 0, sizeof(c));
  c.path = path;
  c.path_len = (uint32_t)strlen(path);
  c.fn = fn;
  c.fn_len = (uint32_t)strlen(fn);
  c.out = out;
  c.out_cap = cap;
  c.nargs = nargs;
  for (uint32_t i = 0; i < nargs; i++)
    c.args[i] = args[i];
  int32_t status = realm_call(&c);
  if (status == REALM_OK && result != NULL)
    *result = c.result;
  return status;
}

/* 1 when the immediate caller is exactly name[0..len), else 0. */
static inline int realm_caller_is(const char *name, uint32_t len) {
  char who[REALM_NAME_MAX];
  int32_t n = realm_caller(who, (int32_t)sizeof(who));
  return n >= 0 && (uint32_t)n == len && len <= sizeof(who) &&
         memcmp(who, name, len) == 0;
}

#endif
