/* manifest.c: see manifest.h. The text is read in place, a line at a
 * time; a token is a run of bytes other than space, tab and CR. */
#include "manifest.h"

#include "kfmt.h"
#include "kstring.h"

#define MAX_TOKENS 3 /* a key, its value, and one more to refuse */
#define QUOTE_MAX 24 /* bytes of a bad token quoted in an error */

struct token {
  const char *p;
  size_t len;
};

/* The keys, each once at most (udp aside); bit i of `seen` for key i. */
enum key { K_PATH, K_PAGES, K_FUEL, K_UDP, K_TIMERS, K_SENDS, K_CALL_BYTES };
static const char *const key_names[] = {
    "path", "memory_pages", "fuel", "udp", "timers", "sends", "call_bytes",
};
#define NKEYS (sizeof(key_names) / sizeof(key_names[0]))

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int token_is(const struct token *t, const char *s) {
  size_t n = kstrlen(s);
  return t->len == n && kmemcmp(t->p, s, n) == 0;
}

/* The token as a quotable string: at most QUOTE_MAX bytes, then "...". */
static const char *quote(const struct token *t, char buf[QUOTE_MAX + 4]) {
  size_t n = t->len < QUOTE_MAX ? t->len : QUOTE_MAX;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t->p[i];
    buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
  }
  if (t->len > QUOTE_MAX) {
    kmemcpy(buf + n, "...", 3);
    n += 3;
  }
  buf[n] = '\0';
  return buf;
}

/* A decimal number without a sign, at most max; -1 if it is not one. */
static int parse_number(const struct token *t, uint64_t max, uint64_t *out) {
  if (t->len == 0 || t->len > 20)
    return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < t->len; i++) {
    char c = t->p[i];
    if (c < '0' || c > '9')
      return -1;
    uint64_t d = (uint64_t)(c - '0');
    if (v > (max - d) / 10)
      return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

struct parse {
  struct realm_manifest *m;
  unsigned line;
  unsigned seen; /* one bit per key */
  char *err;
  size_t cap;
};

static kerr_t fail(struct parse *ps, const char *what, const struct token *t) {
  char q[QUOTE_MAX + 4];
  if (t != NULL)
    ksnprintf(ps->err, ps->cap, "line %u: %s '%s'", ps->line, what,
              quote(t, q));
  else
    ksnprintf(ps->err, ps->cap, "line %u: %s", ps->line, what);
  return KERR_INVALID;
}

static kerr_t set_number(struct parse *ps, enum key k, const struct token *v) {
  static const uint64_t lo[NKEYS] = {0, 1, 1, 1, 0, 0, 0};
  static const uint64_t hi[NKEYS] = {
      0,
      REALM_MANIFEST_PAGES_MAX,
      REALM_MANIFEST_FUEL_MAX,
      65535,
      REALM_MANIFEST_TIMERS_MAX,
      REALM_MANIFEST_SENDS_MAX,
      REALM_MANIFEST_CALL_BYTES_MAX,
  };
  uint64_t n;
  if (parse_number(v, hi[k], &n) != 0 || n < lo[k])
    return fail(
        ps,
        k == K_UDP ? "not a port (1..65535):" : "not a number in range:", v);
  struct realm_manifest *m = ps->m;
  switch (k) {
  case K_PAGES:
    m->memory_pages = (uint32_t)n;
    break;
  case K_FUEL:
    m->fuel = n;
    break;
  case K_UDP:
    if (realm_manifest_grants_udp(m, (uint16_t)n))
      return fail(ps, "udp port given twice:", v);
    if (m->nudp == REALM_MANIFEST_UDP_MAX)
      return fail(ps, "more than 4 udp ports", NULL);
    m->udp[m->nudp++] = (uint16_t)n;
    break;
  case K_TIMERS:
    m->timers = (uint32_t)n;
    break;
  case K_SENDS:
    m->sends = (uint32_t)n;
    break;
  case K_CALL_BYTES:
    m->call_bytes = (uint32_t)n;
    break;
  case K_PATH:
    break;
  }
  return KERR_OK;
}

static kerr_t parse_line(struct parse *ps, const char *p, size_t len) {
  struct token t[MAX_TOKENS];
  size_t nt = 0;
  for (size_t i = 0; i < len;) {
    if (p[i] == '#')
      break;
    if (p[i] == '\0')
      return fail(ps, "a NUL byte", NULL);
    if (is_space(p[i])) {
      i++;
      continue;
    }
    size_t start = i;
    while (i < len && !is_space(p[i]) && p[i] != '#' && p[i] != '\0')
      i++;
    if (nt == MAX_TOKENS)
      return fail(ps, "more than one value for", &t[0]);
    t[nt++] = (struct token){p + start, i - start};
  }
  if (nt == 0)
    return KERR_OK;
  unsigned k = 0;
  while (k < NKEYS && !token_is(&t[0], key_names[k]))
    k++;
  if (k == NKEYS)
    return fail(ps, "unknown key", &t[0]);
  if (nt == 1)
    return fail(ps, "no value for", &t[0]);
  if (nt > 2)
    return fail(ps, "more than one value for", &t[0]);
  if (k != K_UDP && (ps->seen & (1u << k)))
    return fail(ps, "given twice:", &t[0]);
  ps->seen |= 1u << k;
  if (k != K_PATH)
    return set_number(ps, (enum key)k, &t[1]);
  if (realm_path_check(t[1].p, t[1].len) != KERR_OK)
    return fail(ps, "not a realm path:", &t[1]);
  kmemcpy(ps->m->path, t[1].p, t[1].len);
  ps->m->path[t[1].len] = '\0';
  return KERR_OK;
}

kerr_t realm_manifest_parse(const char *text, size_t len,
                            struct realm_manifest *m, char *err, size_t cap) {
  kmemset(m, 0, sizeof(*m));
  m->memory_pages = REALM_MANIFEST_PAGES_DEFAULT;
  m->fuel = REALM_MANIFEST_FUEL_DEFAULT;
  m->timers = REALM_MANIFEST_TIMERS_DEFAULT;
  m->sends = REALM_MANIFEST_SENDS_DEFAULT;
  m->call_bytes = REALM_MANIFEST_CALL_BYTES_DEFAULT;
  if (cap > 0)
    err[0] = '\0';
  struct parse ps = {m, 0, 0, err, cap};
  size_t start = 0;
  while (start < len) {
    size_t end = start;
    while (end < len && text[end] != '\n')
      end++;
    ps.line++;
    if (parse_line(&ps, text + start, end - start) != KERR_OK)
      return KERR_INVALID;
    start = end + 1;
  }
  if (!(ps.seen & (1u << K_PATH))) {
    ksnprintf(err, cap, "no path line");
    return KERR_INVALID;
  }
  return KERR_OK;
}

int realm_manifest_grants_udp(const struct realm_manifest *m, uint16_t port) {
  for (unsigned i = 0; i < m->nudp; i++)
    if (m->udp[i] == port)
      return 1;
  return 0;
}
