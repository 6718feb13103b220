/* wire.h: the gateway's wire format (Realm ABI v1), shared by the kernel's
 * gateway and tools/realmctl. One request or one reply per UDP datagram,
 * big-endian, at most REALM_WIRE_MAX bytes:
 *
 *   request: "RM" u8 version=1 u8 kind=1 u32 id
 *            u8 path_len, path, u8 fn_len, fn, u8 nargs (0..8)
 *            per arg: u8 tag (1: i64, 8 bytes; 2: bytes, u16 len, bytes)
 *   reply:   "RM" u8 version=1 u8 kind=0x81 u32 id (the request's) i32 status
 *            status 0: u8 has_result, i64 result (if has_result), u16 len,
 *                      the reply bytes
 *            status < 0: u16 len, message text
 *
 * Decoding is strict: every length is checked against the datagram, and
 * nothing may follow the last field. A decoded message points into the
 * datagram it came from (no copies): it is valid as long as that is. */
#ifndef REALMOS_REALM_WIRE_H
#define REALMOS_REALM_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define REALM_WIRE_MAX 1472 /* an Ethernet MTU's UDP payload */
#define REALM_WIRE_VERSION 1
#define REALM_WIRE_KIND_REQUEST 0x01
#define REALM_WIRE_KIND_REPLY 0x81
#define REALM_WIRE_HEADER 8 /* "RM", version, kind, id */
#define REALM_WIRE_MAX_ARGS 8
#define REALM_WIRE_FN_MAX 64
#define REALM_WIRE_TAG_I64 1
#define REALM_WIRE_TAG_BYTES 2

struct realm_wire_arg {
  uint8_t tag;          /* REALM_WIRE_TAG_I64 or REALM_WIRE_TAG_BYTES */
  uint16_t len;         /* bytes: their length */
  int64_t i64;          /* i64: the value */
  const uint8_t *bytes; /* bytes: where they are */
};

struct realm_wire_request {
  uint32_t id;
  const char *path; /* not NUL-terminated */
  uint8_t path_len;
  const char *fn; /* not NUL-terminated */
  uint8_t fn_len;
  uint8_t nargs;
  struct realm_wire_arg args[REALM_WIRE_MAX_ARGS];
};

struct realm_wire_reply {
  uint32_t id;
  int32_t status;     /* 0 or a REALM_E_* (negative) */
  uint8_t has_result; /* status 0 only */
  int64_t result;
  const uint8_t *data; /* status 0: the reply bytes; < 0: the message */
  uint16_t len;
};

/* What the gateway does with a datagram (realm_wire_decode_request). */
typedef enum {
  REALM_WIRE_OK = 0,   /* a well-formed request: answer it */
  REALM_WIRE_DROP = 1, /* not ours (shorter than the header, no "RM", or a
                          reply): drop and count, never answer, so that two
                          gateways cannot keep answering each other */
  REALM_WIRE_BAD = 2,  /* ours but malformed: answer with REALM_E_ARG and
                          *why, to the id in req->id (0 if it is unknown),
                          and count */
} realm_wire_verdict_t;

/* Decode the request in d[0..n). On REALM_WIRE_BAD, *why names what is
 * wrong (a static string) and req->id is the request's id, or 0 when the
 * version is not one this decoder knows the layout of. On REALM_WIRE_OK
 * the path has passed realm_path_check and fn is 1..64 bytes of
 * [a-z0-9_]. */
realm_wire_verdict_t realm_wire_decode_request(const uint8_t *d, size_t n,
                                               struct realm_wire_request *req,
                                               const char **why);

/* Decode the reply in d[0..n): 0, or -1 with *why naming what is wrong
 * (a status above 0, a length past the end, bytes left over, ...). */
int realm_wire_decode_reply(const uint8_t *d, size_t n,
                            struct realm_wire_reply *rep, const char **why);

/* Encode into buf[0..cap): the length written, or 0 when the message does
 * not fit in cap (or REALM_WIRE_MAX) or breaks the format (nargs above 8,
 * an unknown tag, a reply with status above 0, a message with a result).
 * The encoders do not check the path or the function's name: a client may
 * send anything, the gateway's decoder judges it. */
size_t realm_wire_encode_request(const struct realm_wire_request *req,
                                 uint8_t *buf, size_t cap);
size_t realm_wire_encode_reply(const struct realm_wire_reply *rep, uint8_t *buf,
                               size_t cap);

/* "REALM_OK", "REALM_E_NOREALM", ... for the ABI's status codes (0 to
 * -14); "REALM_E_UNKNOWN" for any other. */
const char *realm_wire_status_name(int32_t status);

#endif
