/* wire.c: see wire.h. */
#include "wire.h"

#include "byteorder.h"
#include "identity.h"
#include "kstring.h"

/* A read cursor over a datagram: every take checks what is left. */
struct cursor {
  const uint8_t *p;
  size_t left;
};

static const uint8_t *take(struct cursor *c, size_t n) {
  if (n > c->left)
    return NULL;
  const uint8_t *at = c->p;
  c->p += n;
  c->left -= n;
  return at;
}

static int take_u8(struct cursor *c, uint8_t *v) {
  const uint8_t *p = take(c, 1);
  if (p == NULL)
    return -1;
  *v = p[0];
  return 0;
}

static int take_u16(struct cursor *c, uint16_t *v) {
  const uint8_t *p = take(c, 2);
  if (p == NULL)
    return -1;
  *v = get_be16(p);
  return 0;
}

static int take_u64(struct cursor *c, uint64_t *v) {
  const uint8_t *p = take(c, 8);
  if (p == NULL)
    return -1;
  *v = (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
  return 0;
}

static int fn_char(uint8_t ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

static realm_wire_verdict_t bad(const char **why, const char *reason) {
  *why = reason;
  return REALM_WIRE_BAD;
}

/* The header's first 4 bytes: "RM", the version, the kind. */
static int is_ours(const uint8_t *d, size_t n) {
  return n >= REALM_WIRE_HEADER && d[0] == 'R' && d[1] == 'M';
}

static realm_wire_verdict_t
decode_arg(struct cursor *c, struct realm_wire_arg *a, const char **why) {
  if (take_u8(c, &a->tag) != 0)
    return bad(why, "argument tag past the end");
  a->len = 0;
  a->i64 = 0;
  a->bytes = NULL;
  if (a->tag == REALM_WIRE_TAG_I64) {
    uint64_t v;
    if (take_u64(c, &v) != 0)
      return bad(why, "i64 argument past the end");
    a->i64 = (int64_t)v;
  } else if (a->tag == REALM_WIRE_TAG_BYTES) {
    if (take_u16(c, &a->len) != 0)
      return bad(why, "bytes argument length past the end");
    a->bytes = take(c, a->len);
    if (a->bytes == NULL)
      return bad(why, "bytes argument past the end");
  } else {
    return bad(why, "unknown argument tag");
  }
  return REALM_WIRE_OK;
}

realm_wire_verdict_t realm_wire_decode_request(const uint8_t *d, size_t n,
                                               struct realm_wire_request *req,
                                               const char **why) {
  kmemset(req, 0, sizeof(*req));
  *why = "";
  if (!is_ours(d, n)) {
    *why = "not a gateway message";
    return REALM_WIRE_DROP;
  }
  if (d[3] & 0x80) {
    *why = "a reply, not a request";
    return REALM_WIRE_DROP;
  }
  if (d[2] != REALM_WIRE_VERSION)
    return bad(why, "unknown version");
  req->id = get_be32(d + 4);
  if (d[3] != REALM_WIRE_KIND_REQUEST)
    return bad(why, "unknown kind");
  if (n > REALM_WIRE_MAX)
    return bad(why, "request longer than 1472 bytes");
  struct cursor c = {d + REALM_WIRE_HEADER, n - REALM_WIRE_HEADER};
  const uint8_t *p;
  if (take_u8(&c, &req->path_len) != 0 || (p = take(&c, req->path_len)) == NULL)
    return bad(why, "path past the end");
  req->path = (const char *)p;
  if (realm_path_check(req->path, req->path_len) != KERR_OK)
    return bad(why, "not a realm path");
  if (take_u8(&c, &req->fn_len) != 0 || (p = take(&c, req->fn_len)) == NULL)
    return bad(why, "function name past the end");
  req->fn = (const char *)p;
  if (req->fn_len == 0 || req->fn_len > REALM_WIRE_FN_MAX)
    return bad(why, "function name not 1..64 bytes");
  for (size_t i = 0; i < req->fn_len; i++)
    if (!fn_char(p[i]))
      return bad(why, "function name not [a-z0-9_]");
  if (take_u8(&c, &req->nargs) != 0)
    return bad(why, "argument count past the end");
  if (req->nargs > REALM_WIRE_MAX_ARGS)
    return bad(why, "more than 8 arguments");
  for (unsigned i = 0; i < req->nargs; i++) {
    realm_wire_verdict_t v = decode_arg(&c, &req->args[i], why);
    if (v != REALM_WIRE_OK)
      return v;
  }
  if (c.left != 0)
    return bad(why, "bytes after the last argument");
  return REALM_WIRE_OK;
}

int realm_wire_decode_reply(const uint8_t *d, size_t n,
                            struct realm_wire_reply *rep, const char **why) {
  kmemset(rep, 0, sizeof(*rep));
  *why = "";
  if (!is_ours(d, n) || n < REALM_WIRE_HEADER + 4) {
    *why = "not a gateway reply";
    return -1;
  }
  if (d[2] != REALM_WIRE_VERSION || d[3] != REALM_WIRE_KIND_REPLY) {
    *why = "unknown version or kind";
    return -1;
  }
  if (n > REALM_WIRE_MAX) {
    *why = "reply longer than 1472 bytes";
    return -1;
  }
  rep->id = get_be32(d + 4);
  rep->status = (int32_t)get_be32(d + 8);
  struct cursor c = {d + REALM_WIRE_HEADER + 4, n - REALM_WIRE_HEADER - 4};
  if (rep->status > 0) {
    *why = "status above 0";
    return -1;
  }
  if (rep->status == 0) {
    uint64_t v;
    if (take_u8(&c, &rep->has_result) != 0) {
      *why = "has_result past the end";
      return -1;
    }
    if (rep->has_result > 1) {
      *why = "has_result neither 0 nor 1";
      return -1;
    }
    if (rep->has_result) {
      if (take_u64(&c, &v) != 0) {
        *why = "result past the end";
        return -1;
      }
      rep->result = (int64_t)v;
    }
  }
  if (take_u16(&c, &rep->len) != 0 ||
      (rep->data = take(&c, rep->len)) == NULL) {
    *why = "reply bytes past the end";
    return -1;
  }
  if (c.left != 0) {
    *why = "bytes after the reply";
    return -1;
  }
  return 0;
}

/* A write cursor: every put checks the room left; a failed put sets full
 * and later puts write nothing. */
struct writer {
  uint8_t *p;
  size_t left;
  int full;
};

static uint8_t *room(struct writer *w, size_t n) {
  if (w->full || n > w->left) {
    w->full = 1;
    return NULL;
  }
  uint8_t *at = w->p;
  w->p += n;
  w->left -= n;
  return at;
}

static void put_u8(struct writer *w, uint8_t v) {
  uint8_t *p = room(w, 1);
  if (p != NULL)
    p[0] = v;
}

static void put_u16(struct writer *w, uint16_t v) {
  uint8_t *p = room(w, 2);
  if (p != NULL)
    put_be16(p, v);
}

static void put_u32(struct writer *w, uint32_t v) {
  uint8_t *p = room(w, 4);
  if (p != NULL)
    put_be32(p, v);
}

static void put_u64(struct writer *w, uint64_t v) {
  put_u32(w, (uint32_t)(v >> 32));
  put_u32(w, (uint32_t)v);
}

static void put_bytes(struct writer *w, const void *src, size_t n) {
  uint8_t *p = room(w, n);
  if (p != NULL && n > 0)
    kmemcpy(p, src, n);
}

static void put_header(struct writer *w, uint8_t kind, uint32_t id) {
  put_u8(w, 'R');
  put_u8(w, 'M');
  put_u8(w, REALM_WIRE_VERSION);
  put_u8(w, kind);
  put_u32(w, id);
}

static size_t finish(const struct writer *w, size_t cap) {
  return w->full ? 0 : cap - w->left;
}

static size_t limit(size_t cap) {
  return cap < REALM_WIRE_MAX ? cap : REALM_WIRE_MAX;
}

size_t realm_wire_encode_request(const struct realm_wire_request *req,
                                 uint8_t *buf, size_t cap) {
  if (req->nargs > REALM_WIRE_MAX_ARGS)
    return 0;
  cap = limit(cap);
  struct writer w = {buf, cap, 0};
  put_header(&w, REALM_WIRE_KIND_REQUEST, req->id);
  put_u8(&w, req->path_len);
  put_bytes(&w, req->path, req->path_len);
  put_u8(&w, req->fn_len);
  put_bytes(&w, req->fn, req->fn_len);
  put_u8(&w, req->nargs);
  for (unsigned i = 0; i < req->nargs; i++) {
    const struct realm_wire_arg *a = &req->args[i];
    put_u8(&w, a->tag);
    if (a->tag == REALM_WIRE_TAG_I64) {
      put_u64(&w, (uint64_t)a->i64);
    } else if (a->tag == REALM_WIRE_TAG_BYTES) {
      put_u16(&w, a->len);
      put_bytes(&w, a->bytes, a->len);
    } else {
      return 0;
    }
  }
  return finish(&w, cap);
}

size_t realm_wire_encode_reply(const struct realm_wire_reply *rep, uint8_t *buf,
                               size_t cap) {
  if (rep->status > 0 || rep->has_result > 1 ||
      (rep->status < 0 && rep->has_result))
    return 0;
  cap = limit(cap);
  struct writer w = {buf, cap, 0};
  put_header(&w, REALM_WIRE_KIND_REPLY, rep->id);
  put_u32(&w, (uint32_t)rep->status);
  if (rep->status == 0) {
    put_u8(&w, rep->has_result);
    if (rep->has_result)
      put_u64(&w, (uint64_t)rep->result);
  }
  put_u16(&w, rep->len);
  put_bytes(&w, rep->data, rep->len);
  return finish(&w, cap);
}

/* Indexed by -status: the ABI's numbers (REALM_OK 0 .. REALM_E_UNDO -14). */
static const char *const status_names[] = {
    "REALM_OK",        "REALM_E_NOREALM", "REALM_E_NOFUNC", "REALM_E_SIGNATURE",
    "REALM_E_REENTRY", "REALM_E_DEPTH",   "REALM_E_TRAP",   "REALM_E_ABORT",
    "REALM_E_FUEL",    "REALM_E_BOUNDS",  "REALM_E_DENIED", "REALM_E_LIMIT",
    "REALM_E_BACKOFF", "REALM_E_ARG",     "REALM_E_UNDO",
};

const char *realm_wire_status_name(int32_t status) {
  if (status > 0 ||
      status < -(int32_t)(sizeof(status_names) / sizeof(status_names[0]) - 1))
    return "REALM_E_UNKNOWN";
  return status_names[-status];
}
