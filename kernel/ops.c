/* ops.c: one table describing every op. KWORK_OP_LIST has a row per op;
 * the two tables of ops.h are built from it: the row's bytes (flags that
 * submit and completion read, socket id, size) and its check (ops.h says
 * what each means).
 *
 * A row's columns:
 *   op       its name after KWORK_OP_ (kapi.h gives the number)
 *   request  the struct a program submits it in; its kwork_t comes first
 *   class    the class of device that serves it, NO_DEVICE for the timer
 *   flags    STANDING, ADDRESS, ARGS, TIMER (KOP_* in ops.h), or 0
 *   check    validate.c's check of its arguments; NULL unless ARGS
 *   handle   the request's member that names what it acts on, or NO_HANDLE
 */
#include "kernel.h"

enum {
  STANDING = KOP_STANDING,
  ADDRESS = KOP_ADDRESS,
  ARGS = KOP_ARGS,
  TIMER = KOP_TIMER,
  NO_DEVICE = KDEV_CLASS_COUNT,
};
#define NO_HANDLE work /* at offset 0, which says "none" */

#define KWORK_OP_LIST(X)                                                       \
  X(TIMER, ktimer_req_t, NO_DEVICE, TIMER, NULL, NO_HANDLE)                    \
  X(RNG_READ, krng_req_t, KDEV_RNG, ARGS, kcheck_rng, NO_HANDLE)               \
  X(BLOCK_READ, kblk_req_t, KDEV_BLOCK, ARGS, kcheck_blk, NO_HANDLE)           \
  X(BLOCK_WRITE, kblk_req_t, KDEV_BLOCK, ARGS, kcheck_blk, NO_HANDLE)          \
  X(BLOCK_FLUSH, kblk_req_t, KDEV_BLOCK, 0, NULL, NO_HANDLE)                   \
  X(NET_RECV, knet_recv_req_t, KDEV_NET, STANDING, NULL, NO_HANDLE)            \
  X(NET_SEND, knet_send_req_t, KDEV_NET, ARGS, kcheck_frame, NO_HANDLE)        \
  X(UDP_BIND, kudp_bind_req_t, KDEV_IP, 0, NULL, NO_HANDLE)                    \
  X(UDP_UNBIND, kudp_bind_req_t, KDEV_IP, 0, NULL, sock)                       \
  X(UDP_RECV, kudp_recv_req_t, KDEV_IP, STANDING, NULL, sock)                  \
  X(UDP_SEND, kudp_send_req_t, KDEV_IP, ADDRESS | ARGS, kcheck_udp_send, sock) \
  X(IP_CONFIG, kip_config_req_t, KDEV_IP, ADDRESS, NULL, NO_HANDLE)            \
  X(PING, kping_req_t, KDEV_IP, ADDRESS | ARGS, kcheck_ping, NO_HANDLE)        \
  X(ARP_RESOLVE, karp_req_t, KDEV_IP, ADDRESS | ARGS, kcheck_arp, NO_HANDLE)   \
  /* the end of the list: a new op's row goes above this line */

/* KWORK_OP_NONE has no row: it serves nothing, and ksubmit refuses it. */
#define ROW(op, request, class, flags, check, handle)                          \
  [KWORK_OP_##op] = {(uint8_t)((class) | (flags)),                             \
                     (uint8_t)offsetof(request, handle),                       \
                     (uint16_t)sizeof(request)},
const kwork_op_t kwork_ops[KWORK_OP_COUNT] = {
    [KWORK_OP_NONE] = {NO_DEVICE, 0, 0}, KWORK_OP_LIST(ROW)};

#define CHECKS(op, request, class, flags, check, handle)                       \
  [KWORK_OP_##op] = check,
const kwork_check_t kwork_op_check[KWORK_OP_COUNT] = {KWORK_OP_LIST(CHECKS)};

/* What the list cannot get wrong without failing here: a row for every op
 * (a second row for one fails -Winitializer-overrides), classes and flags
 * in their bits, the kwork_t first in each request, handles that are
 * uint32_t, sizes that fit. */
#define ONE(op, request, class, flags, check, handle) +1
_Static_assert(0 KWORK_OP_LIST(ONE) == KWORK_OP_COUNT - 1, "a row per op");
_Static_assert(KDEV_CLASS_COUNT <= KOP_CLASS, "a class fits its bits");

#define CHECK(op, request, class, flags, check, handle)                        \
  _Static_assert(offsetof(request, work) == 0, #request ": work first");       \
  _Static_assert(offsetof(request, handle) == 0 ||                             \
                     sizeof(((request *)0)->handle) == sizeof(uint32_t),       \
                 #op ": a uint32_t handle");                                   \
  _Static_assert(sizeof(request) <= UINT16_MAX, #request ": size fits");
KWORK_OP_LIST(CHECK)
