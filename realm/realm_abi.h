/* realm_abi.h: the numbers realms and the kernel agree on (Realm ABI
 * version 1): status codes, caller kinds, argument kinds and bounds. The
 * SDK (realm/sdk/realm.h, which includes this file), the manager and the
 * gateway's client all use these; docs/realm-guide.md lists the imports
 * and exports. Plain C, no types: it is compiled for wasm32 and for
 * every kernel target alike. */
#ifndef REALMOS_REALM_ABI_H
#define REALMOS_REALM_ABI_H

/* Status codes: 0, or negative. */
enum {
  REALM_OK = 0,
  REALM_E_NOREALM = -1,   /* no realm with that path (or it failed to load) */
  REALM_E_NOFUNC = -2,    /* no such callable export */
  REALM_E_SIGNATURE = -3, /* the export's parameters/results differ */
  REALM_E_REENTRY = -4,   /* the callee is already on the call chain */
  REALM_E_DEPTH = -5,     /* call chain deeper than REALM_MAX_DEPTH */
  REALM_E_TRAP = -6,      /* the callee trapped (its writes undone) */
  REALM_E_ABORT = -7,     /* the callee called abort() (its writes undone) */
  REALM_E_FUEL = -8,      /* the callee ran out of the fuel passed on */
  REALM_E_BOUNDS = -9,    /* a pointer/length outside memory or a bound */
  REALM_E_DENIED = -10,   /* not granted by the manifest */
  REALM_E_LIMIT = -11,    /* a per-realm bound reached */
  REALM_E_BACKOFF = -12,  /* the callee is put aside after failures */
  REALM_E_ARG = -13,      /* a bad argument (kind, size, port 0, ...) */
  REALM_E_UNDO = -14,     /* the transaction's undo log is full */
};

#define REALM_MAX_DEPTH 8    /* realms on one call chain */
#define REALM_MAX_ARGS 8     /* arguments of a call */
#define REALM_REPLY_MAX 512  /* bytes a call may reply() */
#define REALM_ABORT_MAX 96   /* bytes of an abort() message kept */
#define REALM_LOG_MAX 160    /* bytes of a log line kept */
#define REALM_NAME_MAX 64    /* a realm path's bytes (caller() may be less) */
#define REALM_CALL_BYTES 176 /* sizeof(struct realm_call) */

/* caller_kind() */
enum {
  REALM_CALLER_REALM = 1, /* another realm: caller() is its path */
  REALM_CALLER_NET = 2,   /* a gateway request: "net:10.0.2.2:40312" */
  REALM_CALLER_KERNEL = 3 /* "boot", "timer", "udp" or "random" */
};

/* struct realm_arg's kind */
enum { REALM_ARG_SCALAR = 0, REALM_ARG_BYTES = 1 };

#endif
