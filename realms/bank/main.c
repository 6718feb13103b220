/* bank (r/demo/bank): balances of up to 32 named accounts. A name is an
 * identity string: a realm's path, or any other name ("alice"). At init
 * it mints alice 500, bob 500 and r/demo/faucet 1000: 2000 in all, and no
 * function makes or destroys money, so supply() stays 2000 through every
 * transaction, failed ones included (their writes are undone).
 *
 * Only an account's owner moves its funds: transfer() pays from the
 * CALLER's own account (caller(): the calling realm's path, or the
 * gateway's "net:ip:port" for a request from outside), and move(from, ...)
 * aborts unless the caller is `from`. broken_transfer() debits the caller
 * and then traps before crediting: the trap undoes the debit. */
#include "realm.h"

#define ACCOUNTS 32

struct account {
  char name[REALM_NAME_MAX];
  uint32_t len; /* 0: a free slot */
  int64_t balance;
};

static struct account accounts[ACCOUNTS];

static int same(const struct account *a, const char *name, uint32_t len) {
  return a->len == len && memcmp(a->name, name, len) == 0;
}

static struct account *find(const char *name, uint32_t len) {
  for (int i = 0; i < ACCOUNTS; i++)
    if (accounts[i].len != 0 && same(&accounts[i], name, len))
      return &accounts[i];
  return 0;
}

/* Messages of at most REALM_ABORT_MAX bytes, put together from parts. */
struct text {
  char buf[REALM_ABORT_MAX];
  uint32_t len;
};

static void add(struct text *t, const char *s, uint32_t n) {
  for (uint32_t i = 0; i < n && t->len < sizeof(t->buf); i++)
    t->buf[t->len++] = s[i];
}

static void add_str(struct text *t, const char *s) { add(t, s, strlen(s)); }

static void check_name(uint32_t len) {
  if (len == 0 || len > REALM_NAME_MAX)
    realm_abort("bank: a name is 1..64 bytes");
}

/* The account of name, created (with nothing in it) if it has none. */
static struct account *open(const char *name, uint32_t len) {
  check_name(len);
  struct account *a = find(name, len);
  if (a != 0)
    return a;
  for (int i = 0; i < ACCOUNTS; i++)
    if (accounts[i].len == 0) {
      memcpy(accounts[i].name, name, len);
      accounts[i].len = len;
      accounts[i].balance = 0;
      return &accounts[i];
    }
  realm_abort("bank: no room for another account (32)");
}

/* Move amount from `from` to `to`; returns from's new balance. */
static int64_t pay(const char *from, uint32_t from_len, const char *to,
                   uint32_t to_len, int64_t amount) {
  if (amount <= 0)
    realm_abort("bank: an amount is above 0");
  struct account *dst = open(to, to_len);
  struct account *src = find(from, from_len);
  if (src == 0 || src->balance < amount) {
    struct text t = {{0}, 0};
    add_str(&t, "bank: ");
    add(&t, from, from_len);
    add_str(&t, " has not enough funds");
    realm_abort_n(t.buf, (int32_t)t.len);
  }
  src->balance -= amount;
  dst->balance += amount;
  return src->balance;
}

static void mint(const char *name, int64_t amount) {
  open(name, strlen(name))->balance = amount;
}

REALM_EXPORT(init) void init(void) {
  mint("alice", 500);
  mint("bob", 500);
  mint("r/demo/faucet", 1000);
  realm_log("minted 2000: alice 500, bob 500, r/demo/faucet 1000");
}

/* The sum of every balance: 2000, always. */
REALM_EXPORT(supply) int64_t supply(void) {
  int64_t sum = 0;
  for (int i = 0; i < ACCOUNTS; i++)
    sum += accounts[i].balance;
  return sum;
}

REALM_EXPORT(balance) int64_t balance(const char *name, int32_t len) {
  struct account *a = find(name, (uint32_t)len);
  return a != 0 ? a->balance : 0;
}

/* The caller's name into buf; its length. */
static uint32_t caller(char buf[REALM_NAME_MAX]) {
  int32_t n = realm_caller(buf, REALM_NAME_MAX);
  if (n <= 0 || n > REALM_NAME_MAX)
    realm_abort("bank: the caller's name is not 1..64 bytes");
  return (uint32_t)n;
}

/* From the caller's account to `to`; returns the caller's new balance. */
REALM_EXPORT(transfer)
int64_t transfer(const char *to, int32_t to_len, int64_t amount) {
  char me[REALM_NAME_MAX];
  uint32_t n = caller(me);
  return pay(me, n, to, (uint32_t)to_len, amount);
}

/* From `from` to `to`, only when the caller is `from`; returns from's new
 * balance. */
REALM_EXPORT(move)
int64_t move(const char *from, int32_t from_len, const char *to, int32_t to_len,
             int64_t amount) {
  check_name((uint32_t)from_len);
  if (!realm_caller_is(from, (uint32_t)from_len)) {
    struct text t = {{0}, 0};
    add_str(&t, "bank: only ");
    add(&t, from, (uint32_t)from_len);
    add_str(&t, " may move its funds");
    realm_abort_n(t.buf, (int32_t)t.len);
  }
  return pay(from, (uint32_t)from_len, to, (uint32_t)to_len, amount);
}

/* Debits the caller, then traps before crediting `to`: the trap undoes
 * the debit, and every balance stays as it was. */
REALM_EXPORT(broken_transfer)
int64_t broken_transfer(const char *to, int32_t to_len, int64_t amount) {
  char me[REALM_NAME_MAX];
  uint32_t n = caller(me);
  struct account *src = find(me, n);
  if (amount <= 0 || src == 0 || src->balance < amount)
    realm_abort("bank: not enough funds");
  open(to, (uint32_t)to_len);
  src->balance -= amount;
  __builtin_trap();
}
