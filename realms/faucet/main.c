/* faucet (r/demo/faucet): calls the bank (r/demo/bank) under its own
 * identity. drip() pays 10 from its own account, which the bank allows;
 * steal() tries to move 10 out of someone else's account, which the bank
 * refuses (REALM_E_ABORT, "bank: only <from> may move its funds");
 * try_broken() makes a call that traps half-way and checks that its own
 * balance is as it was. */
#include "realm.h"

#define BANK "r/demo/bank"
#define ME "r/demo/faucet"

/* Fail this call with the bank's message, after "faucet: ". */
__attribute__((noreturn)) static void fail_with_bank_error(void) {
  char msg[REALM_ABORT_MAX];
  const char prefix[] = "faucet: ";
  uint32_t n = sizeof(prefix) - 1;
  memcpy(msg, prefix, n);
  int32_t len = realm_error(msg + n, (int32_t)(sizeof(msg) - n));
  if (len < 0)
    len = 0;
  if ((uint32_t)len > sizeof(msg) - n)
    len = (int32_t)(sizeof(msg) - n);
  realm_abort_n(msg, (int32_t)n + len);
}

static int64_t my_balance(void) {
  struct realm_arg args[1] = {realm_arg_str(ME)};
  int64_t balance = 0;
  if (realm_call_fn(BANK, "balance", args, 1, 0, 0, &balance) != REALM_OK)
    fail_with_bank_error();
  return balance;
}

/* Pays 10 to `to` from the faucet's own account; returns what the faucet
 * has left. */
REALM_EXPORT(drip) int64_t drip(const char *to, int32_t to_len) {
  struct realm_arg args[2] = {realm_arg_bytes(to, (uint32_t)to_len),
                              realm_arg_i64(10)};
  int64_t left = 0;
  if (realm_call_fn(BANK, "transfer", args, 2, 0, 0, &left) != REALM_OK)
    fail_with_bank_error();
  return left;
}

/* Tries to move 10 from `from` to the faucet: returns the bank's status
 * (REALM_E_ABORT) and replies with its message. */
REALM_EXPORT(steal) int32_t steal(const char *from, int32_t from_len) {
  struct realm_arg args[3] = {realm_arg_bytes(from, (uint32_t)from_len),
                              realm_arg_str(ME), realm_arg_i64(10)};
  int32_t status = realm_call_fn(BANK, "move", args, 3, 0, 0, 0);
  if (status != REALM_OK) {
    char msg[REALM_ABORT_MAX];
    int32_t len = realm_error(msg, (int32_t)sizeof(msg));
    if (len > 0)
      realm_reply(msg,
                  len <= (int32_t)sizeof(msg) ? len : (int32_t)sizeof(msg));
  }
  return status;
}

/* Calls the bank's broken_transfer (a debit, then a trap): returns its
 * status (REALM_E_TRAP) and replies with the trap's reason, after
 * checking that the faucet's balance did not change. */
REALM_EXPORT(try_broken) int32_t try_broken(const char *to, int32_t to_len) {
  int64_t before = my_balance();
  struct realm_arg args[2] = {realm_arg_bytes(to, (uint32_t)to_len),
                              realm_arg_i64(10)};
  int32_t status = realm_call_fn(BANK, "broken_transfer", args, 2, 0, 0, 0);
  char msg[REALM_ABORT_MAX];
  int32_t len = status != REALM_OK ? realm_error(msg, (int32_t)sizeof(msg)) : 0;
  if (my_balance() != before)
    realm_abort("faucet: a failed call changed my balance");
  if (len > 0)
    realm_reply(msg, len <= (int32_t)sizeof(msg) ? len : (int32_t)sizeof(msg));
  return status;
}
