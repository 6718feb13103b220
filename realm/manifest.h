/* manifest.h: a realm's manifest, the text file `manifest` beside its
 * sources: what the kernel grants it. One setting per line, `key value`;
 * `#` starts a comment; blank lines are ignored:
 *
 *   path r/demo/bank   required, a realm path (realm_path_check)
 *   memory_pages 2     at most this many 64 KiB pages (default 1)
 *   fuel 1000000       fuel per transaction (default 1000000)
 *   udp 8889           a UDP port it may bind (repeatable, at most 4)
 *   timers 8           pending timers at once (default 4)
 *   sends 8            datagrams per transaction (default 4)
 *   call_bytes 1024    bytes copied into it per call (default 512)
 *
 * An unknown key, a number that is not one or is out of its range, a key
 * given twice (udp aside), a port given twice, a missing path: the whole
 * manifest is refused, with an error that names the line. */
#ifndef REALMOS_REALM_MANIFEST_H
#define REALMOS_REALM_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "identity.h"
#include "kapi.h"

#define REALM_MANIFEST_UDP_MAX 4

/* Defaults, and the largest value each key takes (the parser's ranges;
 * the realm manager may hold a realm to tighter bounds of its own). */
#define REALM_MANIFEST_PAGES_DEFAULT 1
#define REALM_MANIFEST_PAGES_MAX 65536 /* wasm32's 4 GiB */
#define REALM_MANIFEST_FUEL_DEFAULT 1000000
#define REALM_MANIFEST_FUEL_MAX 1000000000000ull
#define REALM_MANIFEST_TIMERS_DEFAULT 4
#define REALM_MANIFEST_TIMERS_MAX 1024
#define REALM_MANIFEST_SENDS_DEFAULT 4
#define REALM_MANIFEST_SENDS_MAX 1024
#define REALM_MANIFEST_CALL_BYTES_DEFAULT 512
#define REALM_MANIFEST_CALL_BYTES_MAX 65536

/* Room for an error: "line N: " and a reason naming the key or value. */
#define REALM_MANIFEST_ERR_MAX 96

struct realm_manifest {
  char path[REALM_PATH_MAX + 1];        /* NUL-terminated */
  uint32_t memory_pages;                /* 1..REALM_MANIFEST_PAGES_MAX */
  uint64_t fuel;                        /* 1..REALM_MANIFEST_FUEL_MAX */
  uint16_t udp[REALM_MANIFEST_UDP_MAX]; /* ports, 1..65535, distinct */
  unsigned nudp;
  uint32_t timers;     /* 0..REALM_MANIFEST_TIMERS_MAX */
  uint32_t sends;      /* 0..REALM_MANIFEST_SENDS_MAX */
  uint32_t call_bytes; /* 0..REALM_MANIFEST_CALL_BYTES_MAX */
};

/* Parse text[0..len) into *m: KERR_OK, or KERR_INVALID with err (cap
 * bytes, NUL-terminated, e.g. "line 3: unknown key 'fule'") saying why;
 * *m then holds nothing to use. */
kerr_t realm_manifest_parse(const char *text, size_t len,
                            struct realm_manifest *m, char *err, size_t cap);

/* 1 when the manifest grants UDP port `port`, else 0. */
int realm_manifest_grants_udp(const struct realm_manifest *m, uint16_t port);

#endif
