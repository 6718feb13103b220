/* realm_check.c: `realm_check MODULE.wasm...`, run by `make realms`. For
 * each module: its size, its memory's pages, what it imports and exports
 * with their types; and whether it keeps to the Realm ABI v1
 * (realm/sdk/realm.h): only functions imported, each one of module
 * "realm"'s with its type; memory, realm_inbox and realm_inbox_cap
 * exported; the entry points' types; callable exports taking and giving
 * only i32 and i64. Exit 1 if any module does not. Hosted, libc.
 *
 * It reads the sections it needs of the WebAssembly binary format (1:
 * types, 2: imports, 3: functions, 5: memories, 7: exports) and skips
 * the others by their size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES 256
#define MAX_FUNCS 4096
#define MAX_PARAMS 16

struct type {
  unsigned np, nr;
  uint8_t p[MAX_PARAMS], r[2];
};

struct reader {
  const uint8_t *p, *end;
  int bad;
};

static uint32_t leb(struct reader *r) {
  uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (r->p >= r->end) {
      r->bad = 1;
      return 0;
    }
    uint8_t b = *r->p++;
    v |= (uint32_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      return v;
  }
  r->bad = 1;
  return 0;
}

static uint8_t byte(struct reader *r) {
  if (r->p >= r->end) {
    r->bad = 1;
    return 0;
  }
  return *r->p++;
}

/* A name: its bytes into out (NUL-terminated, cut at cap - 1). */
static void name(struct reader *r, char *out, size_t cap) {
  uint32_t n = leb(r);
  if (r->bad || n > (size_t)(r->end - r->p)) {
    r->bad = 1;
    out[0] = '\0';
    return;
  }
  size_t k = n < cap - 1 ? n : cap - 1;
  memcpy(out, r->p, k);
  out[k] = '\0';
  r->p += n;
}

static const char *valtype(uint8_t t) {
  switch (t) {
  case 0x7f:
    return "i32";
  case 0x7e:
    return "i64";
  case 0x7d:
    return "f32";
  case 0x7c:
    return "f64";
  default:
    return "?";
  }
}

/* "(i32, i32) -> i32" */
static const char *sig(const struct type *t, char *buf, size_t cap) {
  size_t n = (size_t)snprintf(buf, cap, "(");
  for (unsigned i = 0; i < t->np && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "",
                          valtype(t->p[i]));
  if (n < cap)
    n += (size_t)snprintf(buf + n, cap - n, ") -> ");
  if (n < cap)
    snprintf(buf + n, cap - n, "%s", t->nr ? valtype(t->r[0]) : "()");
  return buf;
}

/* The ABI's imports and entry points: name and type, written as
 * parameters then results, 'i' for i32 and 'I' for i64. */
struct known {
  const char *name, *params, *results;
};
static const struct known imports[] = {
    {"log", "ii", ""},        {"abort", "ii", ""},
    {"self", "ii", "i"},      {"caller", "ii", "i"},
    {"caller_kind", "", "i"}, {"now", "", "I"},
    {"random", "ii", "i"},    {"timer", "ii", "i"},
    {"udp_bind", "i", "i"},   {"udp_send", "iiiii", "i"},
    {"call", "i", "i"},       {"reply", "ii", "i"},
    {"error", "ii", "i"},
};
static const struct known entries[] = {
    {"realm_inbox", "", "i"}, {"realm_inbox_cap", "", "i"},
    {"init", "", ""},         {"on_timer", "i", ""},
    {"on_udp", "iiiiii", ""}, {"on_random", "iii", ""},
};

static int type_is(const struct type *t, const struct known *k) {
  if (t->np != strlen(k->params) || t->nr != strlen(k->results))
    return 0;
  for (unsigned i = 0; i < t->np; i++)
    if (t->p[i] != (k->params[i] == 'i' ? 0x7f : 0x7e))
      return 0;
  for (unsigned i = 0; i < t->nr; i++)
    if (t->r[i] != (k->results[i] == 'i' ? 0x7f : 0x7e))
      return 0;
  return 1;
}

static const struct known *find(const struct known *list, size_t n,
                                const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i].name, s) == 0)
      return &list[i];
  return NULL;
}

struct module {
  const char *file;
  struct type types[MAX_TYPES];
  unsigned ntypes;
  uint32_t functype[MAX_FUNCS]; /* imports first, as Wasm numbers them */
  unsigned nfuncs;
  int errors;
  int has_memory, has_inbox, has_cap;
  char line[256];
};

static void fail(struct module *m, const char *what, const char *name) {
  printf("  ERROR: %s%s%s\n", what, name ? ": " : "", name ? name : "");
  m->errors++;
}

static const struct type *functype(struct module *m, uint32_t f) {
  if (f >= m->nfuncs || m->functype[f] >= m->ntypes)
    return NULL;
  return &m->types[m->functype[f]];
}

static void type_section(struct module *m, struct reader *r) {
  uint32_t n = leb(r);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    struct type t = {0};
    if (byte(r) != 0x60 || i >= MAX_TYPES) {
      r->bad = 1;
      return;
    }
    t.np = leb(r);
    for (unsigned k = 0; k < t.np && !r->bad; k++) {
      uint8_t v = byte(r);
      if (k < MAX_PARAMS)
        t.p[k] = v;
    }
    if (t.np > MAX_PARAMS)
      t.np = MAX_PARAMS, t.p[MAX_PARAMS - 1] = 0; /* shown as "?" */
    t.nr = leb(r);
    for (unsigned k = 0; k < t.nr && !r->bad; k++) {
      uint8_t v = byte(r);
      if (k < 2)
        t.r[k] = v;
    }
    m->types[m->ntypes++] = t;
  }
}

static void limits(struct reader *r, uint32_t *min, uint32_t *max,
                   int *has_max) {
  uint8_t flags = byte(r);
  *min = leb(r);
  *has_max = flags & 1;
  *max = *has_max ? leb(r) : 0;
}

static void import_section(struct module *m, struct reader *r) {
  uint32_t n = leb(r);
  char mod[64], field[64];
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    name(r, mod, sizeof(mod));
    name(r, field, sizeof(field));
    uint8_t kind = byte(r);
    if (kind != 0) {
      fail(m, "imports something other than a function", field);
      r->bad = 1; /* its layout is not read here */
      return;
    }
    uint32_t t = leb(r);
    if (m->nfuncs == MAX_FUNCS) {
      r->bad = 1;
      return;
    }
    m->functype[m->nfuncs++] = t;
    const struct type *ty = functype(m, m->nfuncs - 1);
    printf("  import %s.%s %s\n", mod, field,
           ty ? sig(ty, m->line, sizeof(m->line)) : "?");
    const struct known *k =
        find(imports, sizeof(imports) / sizeof(*imports), field);
    if (strcmp(mod, "realm") != 0)
      fail(m, "import from a module other than \"realm\"", mod);
    else if (k == NULL)
      fail(m, "not a service of the ABI", field);
    else if (ty == NULL || !type_is(ty, k))
      fail(m, "the service's type is not the ABI's", field);
  }
}

static void function_section(struct module *m, struct reader *r) {
  uint32_t n = leb(r);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    if (m->nfuncs == MAX_FUNCS) {
      r->bad = 1;
      return;
    }
    m->functype[m->nfuncs++] = leb(r);
  }
}

static void memory_section(struct reader *r) {
  uint32_t n = leb(r);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    uint32_t min, max;
    int has_max;
    limits(r, &min, &max, &has_max);
    if (has_max)
      printf("  memory %u pages initially, at most %u\n", min, max);
    else
      printf("  memory %u pages initially\n", min);
  }
}

static void export_function(struct module *m, const char *field, uint32_t f) {
  const struct type *t = functype(m, f);
  printf("  export %s %s\n", field, t ? sig(t, m->line, sizeof(m->line)) : "?");
  if (t == NULL) {
    fail(m, "export of an unknown function", field);
    return;
  }
  const struct known *k =
      find(entries, sizeof(entries) / sizeof(*entries), field);
  if (k != NULL) {
    if (!type_is(t, k))
      fail(m, "an entry point's type is not the ABI's", field);
    m->has_inbox |= strcmp(field, "realm_inbox") == 0;
    m->has_cap |= strcmp(field, "realm_inbox_cap") == 0;
    return;
  }
  if (strncmp(field, "on_", 3) == 0 || strncmp(field, "realm_", 6) == 0)
    fail(m, "on_ and realm_ names are the kernel's; nothing can call it",
         field);
  int ok = t->nr <= 1;
  for (unsigned i = 0; i < t->np; i++)
    ok &= t->p[i] == 0x7f || t->p[i] == 0x7e;
  for (unsigned i = 0; i < t->nr; i++)
    ok &= t->r[i] == 0x7f || t->r[i] == 0x7e;
  if (!ok)
    fail(m, "a callable export takes or gives other than i32 and i64", field);
}

static void export_section(struct module *m, struct reader *r) {
  uint32_t n = leb(r);
  char field[64];
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    name(r, field, sizeof(field));
    uint8_t kind = byte(r);
    uint32_t idx = leb(r);
    if (kind == 0) {
      export_function(m, field, idx);
    } else if (kind == 2 && strcmp(field, "memory") == 0) {
      printf("  export memory\n");
      m->has_memory = 1;
    } else {
      printf("  export %s (kind %u)\n", field, kind);
      fail(m, "exports something other than functions and its memory", field);
    }
  }
}

static int check(const char *file) {
  static struct module m;
  memset(&m, 0, sizeof(m));
  m.file = file;
  FILE *f = fopen(file, "rb");
  if (f == NULL) {
    perror(file);
    return 1;
  }
  static uint8_t buf[1 << 22];
  size_t size = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  printf("%s: %zu bytes\n", file, size);
  struct reader r = {buf, buf + size, 0};
  if (size < 8 || memcmp(buf, "\0asm\1\0\0\0", 8) != 0) {
    fail(&m, "not a WebAssembly 1.0 binary", NULL);
    return 1;
  }
  r.p += 8;
  while (r.p < r.end && !r.bad) {
    uint8_t id = byte(&r);
    uint32_t len = leb(&r);
    if (r.bad || len > (size_t)(r.end - r.p))
      break;
    struct reader s = {r.p, r.p + len, 0};
    if (id == 1)
      type_section(&m, &s);
    else if (id == 2)
      import_section(&m, &s);
    else if (id == 3)
      function_section(&m, &s);
    else if (id == 5)
      memory_section(&s);
    else if (id == 7)
      export_section(&m, &s);
    r.bad |= s.bad;
    r.p += len;
  }
  if (r.bad)
    fail(&m, "malformed, or beyond what this checker reads", NULL);
  if (!m.has_memory)
    fail(&m, "no memory exported", NULL);
  if (!m.has_inbox || !m.has_cap)
    fail(&m, "no realm_inbox/realm_inbox_cap (link realm/sdk/realm.c)", NULL);
  return m.errors ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: realm_check MODULE.wasm...\n");
    return 2;
  }
  int rc = 0;
  for (int i = 1; i < argc; i++)
    rc |= check(argv[i]);
  return rc;
}
