/* echo.h: a UDP echo on a bound socket, the one that the demo
 * (apps/demo/demo.c), the soak test (tests/programs/soak_echo.c) and the
 * cost bench (bench/programs/cost_udp.c) run.
 *
 * Each datagram goes back to its sender with no copy: the receive buffer is
 * the send's data, and goes back to the kernel (kbuf_release) when the send
 * completes. Up to ECHO_SLOTS echoes are in flight at once; a datagram that
 * arrives while every slot is busy is released unechoed and counted in
 * `busy`, as a NIC drops what it has no room for. No line is printed. */
#ifndef REALMOS_ECHO_H
#define REALMOS_ECHO_H

#include "kapi.h"

#define ECHO_SLOTS 64

typedef struct echo echo_t;
struct echo {
  /* Set by the program before echo_start; each may be NULL. */
  void (*on_datagram)(echo_t *e); /* after a datagram was echoed or not */
  void (*on_sent)(echo_t *e, kerr_t result); /* an echo is done */
  void (*on_end)(echo_t *e, kerr_t why);     /* the standing receive ended */

  /* Counters for the program to read. */
  uint64_t received; /* datagrams */
  uint64_t sent;     /* echoes whose send completed KERR_OK */
  uint64_t failed;   /* echoes whose send was refused or failed */
  uint64_t busy;     /* datagrams released unechoed: no free slot */

  /* The echo's own. */
  kernel_t *k;
  kudp_recv_req_t recv;
  kudp_send_req_t sends[ECHO_SLOTS];
  kbuf_t send_buf[ECHO_SLOTS];
  uint32_t free_slots[ECHO_SLOTS];
  uint32_t nfree;
};

/* Echo what arrives on `sock` (bound with KWORK_OP_UDP_BIND): submits the
 * standing receive and returns what ksubmit answered. The hooks and
 * counters stay as the program left them. */
kerr_t echo_start(echo_t *e, kernel_t *k, uint32_t sock);

#endif
