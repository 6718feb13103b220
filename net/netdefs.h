/* netdefs.h: what every file of the IPv4 stack shares: wire constants, the
 * receive and transmit records, byte order and the Internet checksum.
 * Programs see kapi.h only; stack.h has the stack's state. */
#ifndef REALMOS_NET_NETDEFS_H
#define REALMOS_NET_NETDEFS_H

#include "byteorder.h"
#include "dev_config.h"
#include "device.h"
#include "net_config.h"
#include "ops.h" /* the op table: which ops wait for an address, socket ids */
#include "work_list.h"

#define ETH_ALEN 6
#define ETH_HLEN 14      /* dst MAC, src MAC, EtherType */
#define ETH_MIN_FRAME 60 /* without FCS; shorter frames are zero-padded */
#define ETH_TYPE_IPV4 0x0800u
#define ETH_TYPE_ARP 0x0806u
#define IP_HLEN 20 /* the header we send: no options */
#define IP_PROTO_ICMP 1u
#define IP_PROTO_UDP 17u
#define UDP_HLEN 8
#define ICMP_HLEN 8
/* Where an IPv4 payload starts in a frame we send. */
#define NET_PAYLOAD (ETH_HLEN + IP_HLEN)
#define KIP4_BROADCAST 0xffffffffu
#define KIP4_ANY 0u

typedef struct net_stack net_stack_t;

/* A frame being received. It is the network device's buffer `buf`; the
 * stack releases it after the frame is handled, unless a module keeps it
 * (udp.c handing the datagram to a program, which releases it) and sets
 * `kept`. */
typedef struct {
  const uint8_t *frame;
  size_t len;
  kbuf_t buf;
  bool kept;
} net_rx_t;

/* A transmit slot (stack.c has KCONFIG_NET_TX_SLOTS of them): one frame
 * being built, waiting for ARP, or at the device. */
typedef struct net_tx net_tx_t;
struct net_tx {
  knet_send_req_t req; /* stack.c's NET_SEND item for this frame */
  net_tx_t *next;      /* the free list, or arp.c's waiting list */
  /* The program's item this frame carries (UDP_SEND or PING), or NULL for
   * the stack's own frames. stack.c completes a UDP_SEND when its frame is
   * sent, and either kind with the error when the frame fails. */
  kwork_t *owner;
  kip4_t nexthop; /* arp.c: the address being resolved */
  ktime_t since;  /* arp.c: when it started waiting */
  uint16_t len;   /* bytes of frame in use */
  uint8_t frame[KCONFIG_NET_FRAME_MAX];
};

/* Big-endian fields in packets (no alignment assumed): the stack's names
 * for lib/byteorder.h's. */
#define net_get16 get_be16
#define net_get32 get_be32
#define net_put16 put_be16
#define net_put32 put_be32

/* checksum.c: the Internet checksum (RFC 1071). net_sum adds `len` bytes to
 * a running 32-bit sum (an odd length is padded with a zero byte);
 * net_fold folds a sum and returns its ones' complement, ready to store
 * (a packet whose stored checksum is right sums and folds to 0). */
uint32_t net_sum(uint32_t sum, const void *data, size_t len);
uint16_t net_fold(uint32_t sum);
/* The UDP pseudo-header sum (RFC 768): addresses, protocol, length. */
uint32_t net_pseudo_sum(kip4_t src, kip4_t dst, uint8_t proto, uint16_t len);

#endif
