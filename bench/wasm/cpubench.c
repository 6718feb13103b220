/* cpubench.c: a CPU benchmark for the Wasm engine, built twice from this one
 * file: natively (linked into host.c) and as a Wasm module (clang
 * --target=wasm32 -nostdlib, wasm-ld --no-entry --export=run). No libc: the
 * only memory is the static arrays below, about 0.4 MiB: with wasm-ld's
 * 64 KiB stack the module asks for 8 pages (512 KiB) of linear memory.
 *
 * run(iterations) does six kernels per iteration, each seeded from the
 * iteration number, and folds their results into one checksum:
 *   sieve    primes below 2^17 in a byte array
 *   crc32    CRC-32 (IEEE, table-driven) of a 64 KiB pseudo-random buffer
 *   hash     open addressing: 6000 inserts, 16384 lookups in 16384 slots
 *   sort     recursive quicksort of 16384 words, insertion sort below 16
 *   lexer    a switch-driven state machine over 64 KiB of generated text
 *   matmul   48x48 int32 matrix product
 * Integer, memory and branch heavy on purpose; no floating point. */
#include <stddef.h>
#include <stdint.h>

uint32_t run(uint32_t iterations);

#ifdef __wasm__
/* The compiler may call these for copies and fills; no libc here. */
__attribute__((no_builtin("memset"))) void *memset(void *d, int c, size_t n) {
  uint8_t *p = d;
  while (n--)
    *p++ = (uint8_t)c;
  return d;
}
__attribute__((no_builtin("memcpy"))) void *memcpy(void *d, const void *s,
                                                   size_t n) {
  uint8_t *p = d;
  const uint8_t *q = s;
  while (n--)
    *p++ = *q++;
  return d;
}
#endif

static uint32_t rng_state;

static uint32_t rnd(void) { /* xorshift32 */
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}

static uint32_t mix(uint32_t h, uint32_t v) {
  h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
  return h;
}

/* ---- sieve --------------------------------------------------------------- */
#define SIEVE_N (1u << 17)
static uint8_t composite[SIEVE_N];

static uint32_t sieve(void) {
  for (uint32_t i = 0; i < SIEVE_N; i++)
    composite[i] = 0;
  uint32_t count = 0, sum = 0;
  for (uint32_t i = 2; i < SIEVE_N; i++) {
    if (composite[i])
      continue;
    count++;
    sum += i;
    for (uint32_t j = i * i; i < 65536 && j < SIEVE_N; j += i)
      composite[j] = 1;
  }
  return mix(count, sum);
}

/* ---- crc32 --------------------------------------------------------------- */
#define BUF_N 65536u
static uint8_t buf[BUF_N];
static uint32_t crc_table[256];

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc32(void) {
  for (uint32_t i = 0; i < BUF_N; i += 4) {
    uint32_t r = rnd();
    buf[i] = (uint8_t)r;
    buf[i + 1] = (uint8_t)(r >> 8);
    buf[i + 2] = (uint8_t)(r >> 16);
    buf[i + 3] = (uint8_t)(r >> 24);
  }
  uint32_t c = 0xffffffffu;
  for (uint32_t i = 0; i < BUF_N; i++)
    c = crc_table[(c ^ buf[i]) & 0xff] ^ (c >> 8);
  return ~c;
}

/* ---- hash table ------------------------------------------------------------ */
#define SLOTS 16384u
static uint32_t keys[SLOTS], vals[SLOTS];

static uint32_t hash_word(uint32_t k) {
  k ^= k >> 16;
  k *= 0x7feb352du;
  k ^= k >> 15;
  k *= 0x846ca68bu;
  k ^= k >> 16;
  return k;
}

static uint32_t *slot_of(uint32_t k) {
  uint32_t i = hash_word(k) & (SLOTS - 1);
  while (keys[i] != 0 && keys[i] != k)
    i = (i + 1) & (SLOTS - 1);
  return &keys[i];
}

static uint32_t hash(void) {
  for (uint32_t i = 0; i < SLOTS; i++)
    keys[i] = vals[i] = 0;
  uint32_t seed = rng_state;
  for (uint32_t i = 0; i < 6000; i++) {
    uint32_t k = (rnd() & 0xffff) | 1; /* 0 marks an empty slot */
    uint32_t *s = slot_of(k);
    *s = k;
    vals[s - keys] += i;
  }
  rng_state = seed;
  uint32_t hits = 0, sum = 0;
  for (uint32_t i = 0; i < SLOTS; i++) {
    uint32_t k = (rnd() & 0xffff) | 1;
    uint32_t *s = slot_of(k);
    if (*s == k) {
      hits++;
      sum += vals[s - keys];
    }
  }
  return mix(hits, sum);
}

/* ---- sort ------------------------------------------------------------------ */
#define SORT_N 16384u
static uint32_t arr[SORT_N];

static void insertion(uint32_t *a, int n) {
  for (int i = 1; i < n; i++) {
    uint32_t v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quicksort(uint32_t *a, int n) {
  while (n > 16) {
    uint32_t x = a[0], y = a[n / 2], z = a[n - 1]; /* median of three */
    uint32_t p =
        x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    int i = 0, j = n - 1;
    for (;;) {
      while (a[i] < p)
        i++;
      while (a[j] > p)
        j--;
      if (i >= j)
        break;
      uint32_t t = a[i];
      a[i++] = a[j];
      a[j--] = t;
    }
    /* Recurse into the smaller side, loop on the larger: depth <= log2 n. */
    if (j + 1 < n - j - 1) {
      quicksort(a, j + 1);
      a += j + 1;
      n -= j + 1;
    } else {
      quicksort(a + j + 1, n - j - 1);
      n = j + 1;
    }
  }
  insertion(a, n);
}

static uint32_t sort(void) {
  for (uint32_t i = 0; i < SORT_N; i++)
    arr[i] = rnd() % 100000u;
  quicksort(arr, (int)SORT_N);
  uint32_t h = 0;
  for (uint32_t i = 0; i < SORT_N; i++) {
    if (i && arr[i - 1] > arr[i])
      return 0; /* not sorted: a wrong checksum */
    h = h * 31 + arr[i];
  }
  return h;
}

/* ---- lexer: a state machine -------------------------------------------------- */
enum { S_SPACE, S_WORD, S_NUMBER, S_HEX, S_STRING, S_COMMENT };

static uint32_t lexer(void) {
  /* Text from a small alphabet so that every state is visited. */
  static const char alphabet[16] = "ab x9 0\"#\n;zq7 ";
  for (uint32_t i = 0; i < BUF_N; i++)
    buf[i] = (uint8_t)alphabet[rnd() >> 28];
  uint32_t words = 0, numbers = 0, nsum = 0, strings = 0, comments = 0;
  uint32_t value = 0, state = S_SPACE;
  for (uint32_t i = 0; i < BUF_N; i++) {
    uint8_t c = buf[i];
    switch (state) {
    case S_SPACE:
    again:
      switch (c) {
      case '0':
        state = S_HEX;
        value = 0;
        break;
      case '7':
      case '9':
        state = S_NUMBER;
        value = c - '0';
        break;
      case '"':
        state = S_STRING;
        strings++;
        break;
      case '#':
      case ';':
        state = S_COMMENT;
        comments++;
        break;
      case ' ':
      case '\n':
        break;
      default:
        state = S_WORD;
        words++;
        break;
      }
      break;
    case S_WORD:
      if (c == ' ' || c == '\n' || c == '"' || c == '#' || c == ';') {
        state = S_SPACE;
        goto again;
      }
      break;
    case S_NUMBER:
    case S_HEX:
      if (c >= '0' && c <= '9') {
        value =
            state == S_HEX ? value * 16 + (c - '0') : value * 10 + (c - '0');
      } else if (state == S_HEX && (c == 'a' || c == 'b')) {
        value = value * 16 + (c - 'a' + 10);
      } else {
        numbers++;
        nsum += value;
        state = S_SPACE;
        goto again;
      }
      break;
    case S_STRING:
      if (c == '"')
        state = S_SPACE;
      break;
    case S_COMMENT:
      if (c == '\n')
        state = S_SPACE;
      break;
    }
  }
  return mix(mix(mix(words, numbers), mix(nsum, strings)), comments);
}

/* ---- matmul ---------------------------------------------------------------- */
#define MN 48
static int32_t ma[MN][MN], mb[MN][MN], mc[MN][MN];

static uint32_t matmul(void) {
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      ma[i][j] = (int32_t)(rnd() % 201) - 100;
      mb[i][j] = (int32_t)(rnd() % 201) - 100;
    }
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      int32_t s = 0;
      for (int k = 0; k < MN; k++)
        s += ma[i][k] * mb[k][j];
      mc[i][j] = s;
    }
  uint32_t h = 0;
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++)
      h = mix(h, (uint32_t)mc[i][j]);
  return h;
}

uint32_t run(uint32_t iterations) {
  crc_init();
  uint32_t h = 0;
  for (uint32_t it = 0; it < iterations; it++) {
    rng_state = 0x12345678u ^ (it * 0x9e3779b9u);
    if (rng_state == 0)
      rng_state = 1;
    h = mix(h, sieve());
    h = mix(h, crc32());
    h = mix(h, hash());
    h = mix(h, sort());
    h = mix(h, lexer());
    h = mix(h, matmul());
  }
  return h;
}
