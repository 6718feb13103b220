/* dhcpd.c (sim): the LAN's DHCP server at 10.0.2.2 (MAC SIM_SERVER_MAC),
 * which also answers ARP for its address. Node i always gets 10.0.2.(100+i)
 * for LEASE_S seconds, so leases are renewed (T1, T2: the client's
 * defaults) within a run. DISCOVER -> OFFER; REQUEST -> ACK when it asks
 * for the node's address (option 50, or ciaddr when renewing), NAK
 * otherwise. Replies go to the broadcast address unless the client has an
 * address (renewal: unicast). A frame with a bad IP or UDP checksum is
 * ignored, as a real server's stack would. */
#include <string.h>

#include "netdefs.h"
#include "sim.h"

#define LEASE_S 30u
#define OPT_START 240 /* BOOTP header, then the magic cookie */

static const uint8_t SIM_NODE_OUI[5] = {0x52, 0x54, 0x00, 0x5a, 0x00};

kip4_t sim_dhcpd_addr(int id) { return KIP4(10, 0, 2, 100) + (kip4_t)id; }

static void send_arp_reply(const uint8_t *req) {
  uint8_t f[ETH_MIN_FRAME] = {0};
  memcpy(f, req + 6, 6);
  memcpy(f + 6, SIM_SERVER_MAC, 6);
  net_put16(f + 12, ETH_TYPE_ARP);
  uint8_t *a = f + ETH_HLEN;
  net_put16(a, 1);
  net_put16(a + 2, ETH_TYPE_IPV4);
  a[4] = 6, a[5] = 4;
  net_put16(a + 6, 2); /* reply */
  memcpy(a + 8, SIM_SERVER_MAC, 6);
  net_put32(a + 14, SIM_SERVER_IP);
  memcpy(a + 18, req + ETH_HLEN + 8, 10); /* the asker's MAC and address */
  sim_wire_send(-1, f, sizeof(f));
}

/* Option `code` of a DHCP message, or NULL; *len gets its length. */
static const uint8_t *option(const uint8_t *m, size_t mlen, uint8_t code,
                             uint8_t *len) {
  size_t i = OPT_START;
  while (i < mlen && m[i] != 255) {
    if (m[i] == 0) {
      i++;
      continue;
    }
    if (i + 2 > mlen || i + 2 + m[i + 1] > mlen)
      return NULL;
    if (m[i] == code) {
      *len = m[i + 1];
      return m + i + 2;
    }
    i += 2 + (size_t)m[i + 1];
  }
  return NULL;
}

static uint8_t *put(uint8_t *o, uint8_t code, uint8_t len, uint32_t v) {
  o[0] = code, o[1] = len;
  if (len == 1)
    o[2] = (uint8_t)v;
  else
    net_put32(o + 2, v);
  return o + 2 + len;
}

static void reply(const uint8_t *req, uint8_t type, kip4_t yiaddr) {
  uint8_t f[ETH_HLEN + IP_HLEN + UDP_HLEN + 300] = {0};
  uint8_t *m = f + NET_PAYLOAD + UDP_HLEN;
  kip4_t ciaddr = net_get32(req + 12);
  m[0] = 2; /* BOOTREPLY */
  m[1] = 1, m[2] = 6;
  memcpy(m + 4, req + 4, 4);   /* xid */
  memcpy(m + 12, req + 12, 4); /* ciaddr */
  net_put32(m + 16, yiaddr);
  net_put32(m + 20, SIM_SERVER_IP);
  memcpy(m + 28, req + 28, 16); /* chaddr */
  net_put32(m + 236, 0x63825363u);
  uint8_t *o = m + OPT_START;
  o = put(o, 53, 1, type);
  o = put(o, 54, 4, SIM_SERVER_IP);
  if (type != 6) {
    o = put(o, 51, 4, LEASE_S);
    o = put(o, 1, 4, KIP4(255, 255, 255, 0));
    o = put(o, 3, 4, SIM_SERVER_IP);
    o = put(o, 6, 4, KIP4(10, 0, 2, 3));
  }
  *o = 255;
  bool unicast = ciaddr != 0 && type != 6;
  kip4_t dst = unicast ? ciaddr : KIP4_BROADCAST;
  uint16_t ulen = UDP_HLEN + 300;
  if (unicast)
    memcpy(f, req + 28, 6);
  else
    memset(f, 0xff, 6);
  memcpy(f + 6, SIM_SERVER_MAC, 6);
  net_put16(f + 12, ETH_TYPE_IPV4);
  uint8_t *ip = f + ETH_HLEN;
  ip[0] = 0x45;
  net_put16(ip + 2, IP_HLEN + ulen);
  ip[8] = 64, ip[9] = IP_PROTO_UDP;
  net_put32(ip + 12, SIM_SERVER_IP);
  net_put32(ip + 16, dst);
  net_put16(ip + 10, net_fold(net_sum(0, ip, IP_HLEN)));
  uint8_t *u = ip + IP_HLEN;
  net_put16(u, 67);
  net_put16(u + 2, 68);
  net_put16(u + 4, ulen);
  uint32_t sum = net_pseudo_sum(SIM_SERVER_IP, dst, IP_PROTO_UDP, ulen);
  uint16_t c = net_fold(net_sum(sum, u, ulen));
  net_put16(u + 6, c ? c : 0xffff);
  sim_wire_send(-1, f, sizeof(f));
  sim_trace("dhcpd", -1, &type, 1);
}

static void dhcp(const uint8_t *m, size_t mlen) {
  if (mlen < OPT_START || m[0] != 1 || net_get32(m + 236) != 0x63825363u ||
      memcmp(m + 28, SIM_NODE_OUI, 5) != 0)
    return;
  int id = m[28 + 5] - 1;
  if (id < 0 || id >= g_sim.nnodes)
    return;
  uint8_t len = 0;
  const uint8_t *t = option(m, mlen, 53, &len);
  if (t == NULL || len != 1)
    return;
  kip4_t mine = sim_dhcpd_addr(id);
  if (t[0] == 1) {
    reply(m, 2, mine);
  } else if (t[0] == 3) {
    const uint8_t *want = option(m, mlen, 50, &len);
    kip4_t asked = want && len == 4 ? net_get32(want) : net_get32(m + 12);
    reply(m, asked == mine ? 5 : 6, asked == mine ? mine : 0);
  }
}

void sim_dhcpd_receive(const uint8_t *f, size_t len) {
  if (len < ETH_HLEN)
    return;
  uint16_t type = net_get16(f + 12);
  if (type == ETH_TYPE_ARP && len >= ETH_HLEN + 28 &&
      net_get16(f + ETH_HLEN + 6) == 1 &&
      net_get32(f + ETH_HLEN + 24) == SIM_SERVER_IP) {
    send_arp_reply(f);
    return;
  }
  if (type != ETH_TYPE_IPV4 || len < NET_PAYLOAD + UDP_HLEN)
    return;
  const uint8_t *ip = f + ETH_HLEN;
  size_t ihl = (size_t)(ip[0] & 0xf) * 4;
  size_t total = net_get16(ip + 2);
  if ((ip[0] >> 4) != 4 || ihl < IP_HLEN || total < ihl + UDP_HLEN ||
      ETH_HLEN + total > len || net_fold(net_sum(0, ip, ihl)) != 0 ||
      ip[9] != IP_PROTO_UDP)
    return;
  const uint8_t *u = ip + ihl;
  size_t ulen = net_get16(u + 4);
  if (net_get16(u + 2) != 67 || ulen < UDP_HLEN || ulen > total - ihl)
    return;
  uint32_t sum = net_pseudo_sum(net_get32(ip + 12), net_get32(ip + 16),
                                IP_PROTO_UDP, (uint16_t)ulen);
  if (net_get16(u + 6) != 0 && net_fold(net_sum(sum, u, ulen)) != 0)
    return;
  dhcp(u + UDP_HLEN, ulen - UDP_HLEN);
}
