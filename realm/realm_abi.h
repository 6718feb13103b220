/* realm_abi.h: the numbers realms and the kernel agree on: status codes,
 * caller kinds, argument kinds and bounds of the realm ABI (version 1).
 * The SDK (realm/sdk/realm.h), the manager and the gateway's wire format
 * all use these; docs/realms.md lists the imports and exports. */
#ifndef REALMOS_REALM_ABI_H
#define REALMOS_REALM_ABI_H

enum {
  REALM_OK = 0,
  REALM_E_NOREALM = -1,   /* no realm with that path (or it did not load) */
  REALM_E_NOFUNC = -2,    /* no such callable export */
  REALM_E_SIGNATURE = -3, /* its parameters or results do not match */
  REALM_E_REENTRY = -4,   /* the callee is already on the call chain */
  REALM_E_DEPTH = -5,     /* a chain deeper than REALM_MAX_DEPTH */
  REALM_E_TRAP = -6,      /* the callee trapped (its writes undone) */
  REALM_E_ABORT = -7,     /* the callee called abort() (its writes undone) */
  REALM_E_FUEL = -8,      /* the callee ran out of the fuel passed on */
  REALM_E_BOUNDS = -9,    /* a pointer or length outside memory or a bound */
  REALM_E_DENIED = -10,   /* not granted by the manifest */
  REALM_E_LIMIT = -11,    /* a per-realm bound reached */
  REALM_E_BACKOFF = -12,  /* the callee is put aside after failures */
  REALM_E_ARG = -13,      /* a bad argument */
  REALM_E_UNDO = -14,     /* the transaction's undo log is full */
};
#define REALM_E_LAST REALM_E_UNDO

enum {
  REALM_CALLER_REALM = 1,  /* another realm */
  REALM_CALLER_NET = 2,    /* a network peer, through the gateway */
  REALM_CALLER_KERNEL = 3, /* boot, a timer, a datagram, random bytes */
};

enum { REALM_ARG_SCALAR = 0, REALM_ARG_BYTES = 1 };

#define REALM_MAX_ARGS 8
#define REALM_REPLY_MAX 512 /* bytes a call may reply() */
#define REALM_MSG_MAX 96    /* bytes of an abort message */
#define REALM_CALL_BYTES 176 /* sizeof(struct realm_call) */

#endif
