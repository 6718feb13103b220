/* json.c: see json.h. Recursive descent over the text, nesting limited. */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 256

typedef struct parser {
  const char *p, *end, *start;
  char *err;
  size_t errlen;
  bool failed;
} parser;

static unsigned line_of(const parser *ps) {
  unsigned line = 1;
  for (const char *q = ps->start; q < ps->p && q < ps->end; q++)
    if (*q == '\n')
      line++;
  return line;
}

static bool fail(parser *ps, const char *what) {
  if (!ps->failed && ps->errlen)
    snprintf(ps->err, ps->errlen, "line %u: %s", line_of(ps), what);
  ps->failed = true;
  return false;
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "json: out of memory\n");
    abort();
  }
  return q;
}

static void skip_ws(parser *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static bool lit(parser *ps, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
    return fail(ps, "unexpected token");
  ps->p += n;
  return true;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static bool hex4(parser *ps, uint32_t *out) {
  if (ps->end - ps->p < 4)
    return fail(ps, "short \\u escape");
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(ps->p[i]);
    if (h < 0)
      return fail(ps, "bad \\u escape");
    v = v << 4 | (uint32_t)h;
  }
  ps->p += 4;
  *out = v;
  return true;
}

typedef struct buf {
  char *s;
  size_t len, cap;
} buf;

static void put(buf *b, char c) {
  if (b->len + 1 >= b->cap) {
    b->cap = b->cap ? b->cap * 2 : 32;
    b->s = xrealloc(b->s, b->cap);
  }
  b->s[b->len++] = c;
}

static void put_utf8(buf *b, uint32_t cp) {
  if (cp < 0x80) {
    put(b, (char)cp);
  } else if (cp < 0x800) {
    put(b, (char)(0xc0 | cp >> 6));
    put(b, (char)(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    put(b, (char)(0xe0 | cp >> 12));
    put(b, (char)(0x80 | (cp >> 6 & 0x3f)));
    put(b, (char)(0x80 | (cp & 0x3f)));
  } else {
    put(b, (char)(0xf0 | cp >> 18));
    put(b, (char)(0x80 | (cp >> 12 & 0x3f)));
    put(b, (char)(0x80 | (cp >> 6 & 0x3f)));
    put(b, (char)(0x80 | (cp & 0x3f)));
  }
}

/* At the opening quote. */
static bool parse_string(parser *ps, char **out, size_t *outlen) {
  buf b = {0};
  ps->p++;
  for (;;) {
    if (ps->p >= ps->end) {
      free(b.s);
      return fail(ps, "unterminated string");
    }
    unsigned char c = (unsigned char)*ps->p++;
    if (c == '"')
      break;
    if (c < 0x20) {
      free(b.s);
      return fail(ps, "control character in string");
    }
    if (c != '\\') {
      put(&b, (char)c);
      continue;
    }
    if (ps->p >= ps->end) {
      free(b.s);
      return fail(ps, "unterminated escape");
    }
    char e = *ps->p++;
    switch (e) {
    case '"':
      put(&b, '"');
      break;
    case '\\':
      put(&b, '\\');
      break;
    case '/':
      put(&b, '/');
      break;
    case 'b':
      put(&b, '\b');
      break;
    case 'f':
      put(&b, '\f');
      break;
    case 'n':
      put(&b, '\n');
      break;
    case 'r':
      put(&b, '\r');
      break;
    case 't':
      put(&b, '\t');
      break;
    case 'u': {
      uint32_t cp;
      if (!hex4(ps, &cp)) {
        free(b.s);
        return false;
      }
      if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 &&
          ps->p[0] == '\\' && ps->p[1] == 'u') {
        const char *save = ps->p;
        uint32_t lo;
        ps->p += 2;
        if (!hex4(ps, &lo)) {
          free(b.s);
          return false;
        }
        if (lo >= 0xdc00 && lo < 0xe000)
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        else
          ps->p = save; /* a lone high surrogate, kept as is */
      }
      put_utf8(&b, cp);
      break;
    }
    default:
      free(b.s);
      return fail(ps, "bad escape");
    }
  }
  put(&b, '\0');
  *out = b.s;
  *outlen = b.len - 1;
  return true;
}

static bool parse_value(parser *ps, json *v, int depth);

static bool parse_number(parser *ps, json *v) {
  const char *s = ps->p;
  if (ps->p < ps->end && *ps->p == '-')
    ps->p++;
  if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
    return fail(ps, "bad number");
  while (ps->p < ps->end &&
         ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '.' || *ps->p == 'e' ||
          *ps->p == 'E' || *ps->p == '+' || *ps->p == '-'))
    ps->p++;
  char tmp[64];
  size_t n = (size_t)(ps->p - s);
  if (n >= sizeof tmp)
    return fail(ps, "number too long");
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  char *endp;
  v->type = JSON_NUMBER;
  v->number = strtod(tmp, &endp);
  if (*endp)
    return fail(ps, "bad number");
  return true;
}

static bool parse_array(parser *ps, json *v, int depth) {
  size_t cap = 0;
  ps->p++;
  v->type = JSON_ARRAY;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == ']') {
    ps->p++;
    return true;
  }
  for (;;) {
    if (v->len == cap) {
      cap = cap ? cap * 2 : 4;
      v->items = xrealloc(v->items, cap * sizeof *v->items);
    }
    /* Count the element before parsing it, so json_free sees it. */
    memset(&v->items[v->len], 0, sizeof *v->items);
    v->len++;
    if (!parse_value(ps, &v->items[v->len - 1], depth + 1))
      return false;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == ']') {
      ps->p++;
      return true;
    }
    return fail(ps, "expected ',' or ']'");
  }
}

static bool parse_object(parser *ps, json *v, int depth) {
  size_t cap = 0;
  ps->p++;
  v->type = JSON_OBJECT;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == '}') {
    ps->p++;
    return true;
  }
  for (;;) {
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != '"')
      return fail(ps, "expected a key");
    if (v->len == cap) {
      cap = cap ? cap * 2 : 4;
      v->items = xrealloc(v->items, cap * sizeof *v->items);
      v->keys = xrealloc(v->keys, cap * sizeof *v->keys);
      v->key_lens = xrealloc(v->key_lens, cap * sizeof *v->key_lens);
    }
    /* Count the member before filling it, so json_free sees it. */
    memset(&v->items[v->len], 0, sizeof *v->items);
    v->keys[v->len] = NULL;
    v->key_lens[v->len] = 0;
    size_t i = v->len++;
    if (!parse_string(ps, &v->keys[i], &v->key_lens[i]))
      return false;
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != ':')
      return fail(ps, "expected ':'");
    ps->p++;
    if (!parse_value(ps, &v->items[i], depth + 1))
      return false;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == '}') {
      ps->p++;
      return true;
    }
    return fail(ps, "expected ',' or '}'");
  }
}

static bool parse_value(parser *ps, json *v, int depth) {
  if (depth > JSON_MAX_DEPTH)
    return fail(ps, "nested too deeply");
  skip_ws(ps);
  if (ps->p >= ps->end)
    return fail(ps, "unexpected end");
  switch (*ps->p) {
  case '{':
    return parse_object(ps, v, depth);
  case '[':
    return parse_array(ps, v, depth);
  case '"':
    v->type = JSON_STRING;
    return parse_string(ps, &v->str, &v->len);
  case 't':
    v->type = JSON_BOOL;
    v->boolean = true;
    return lit(ps, "true");
  case 'f':
    v->type = JSON_BOOL;
    v->boolean = false;
    return lit(ps, "false");
  case 'n':
    v->type = JSON_NULL;
    return lit(ps, "null");
  default:
    return parse_number(ps, v);
  }
}

bool json_parse(const char *text, size_t n, json *out, char *err,
                size_t errlen) {
  parser ps = {text, text + n, text, err, errlen, false};
  memset(out, 0, sizeof *out);
  if (errlen)
    err[0] = '\0';
  bool ok = parse_value(&ps, out, 0);
  if (ok) {
    skip_ws(&ps);
    if (ps.p != ps.end)
      ok = fail(&ps, "trailing characters");
  }
  if (!ok)
    json_free(out);
  return ok;
}

void json_free(json *v) {
  if (!v)
    return;
  if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
    for (size_t i = 0; i < v->len; i++) {
      json_free(&v->items[i]);
      if (v->keys)
        free(v->keys[i]);
    }
  }
  free(v->items);
  free(v->keys);
  free(v->key_lens);
  free(v->str);
  memset(v, 0, sizeof *v);
}

const json *json_get(const json *obj, const char *key) {
  if (!obj || obj->type != JSON_OBJECT)
    return NULL;
  size_t n = strlen(key);
  for (size_t i = 0; i < obj->len; i++)
    if (obj->key_lens[i] == n && memcmp(obj->keys[i], key, n) == 0)
      return &obj->items[i];
  return NULL;
}

const char *json_get_str(const json *obj, const char *key) {
  const json *v = json_get(obj, key);
  return v && v->type == JSON_STRING ? v->str : NULL;
}

const json *json_at(const json *arr, size_t i) {
  if (!arr || arr->type != JSON_ARRAY || i >= arr->len)
    return NULL;
  return &arr->items[i];
}

size_t json_count(const json *arr) {
  return arr && arr->type == JSON_ARRAY ? arr->len : 0;
}
