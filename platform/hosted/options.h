/* options.h (hosted): the command line of the hosted binary. */
#ifndef REALMOS_HOSTED_OPTIONS_H
#define REALMOS_HOSTED_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define HOSTED_REALM_FILES 16
#define HOSTED_FORWARDS 4

typedef enum { NET_SOCKET = 0, NET_TAP, NET_DGRAM } hosted_net_mode_t;

typedef struct {
  const char *disk;      /* --disk FILE, or NULL: no block device */
  hosted_net_mode_t net; /* --net socket|tap:NAME|dgram:LOCAL,REMOTE */
  char tap[16];          /* interface name for NET_TAP */
  char dgram_local[64];  /* host:port for NET_DGRAM */
  char dgram_remote[64];
  /* --port N[:GUEST]: the socket backend binds guest port GUEST on host
   * port N, as QEMU's hostfwd=udp::N-:GUEST; GUEST is 8080 unless given,
   * the demo's port (apps/demo). Other ports are bound as they are. */
  uint16_t port, guest_port;
  /* --forward N:GUEST (repeatable): guest port GUEST at host port N too
   * (the realm gateway's 7000, the echo realm's 8889, ...). */
  uint16_t fwd_host[HOSTED_FORWARDS], fwd_guest[HOSTED_FORWARDS];
  unsigned nfwd;
  int log_level;       /* --log LEVEL (0..4), -1: the default */
  bool exit_when_idle; /* --exit-when-idle */
  /* --ip ADDR/PREFIX[,GATEWAY]: a static IPv4 configuration for the stack
   * over raw frames (no DHCP); addresses in host byte order. */
  bool has_ip;
  uint32_t ip_addr, ip_netmask, ip_gateway;
  /* --pcap FILE: every frame of tap: or dgram: into FILE (pcap.c), or NULL */
  const char *pcap;
  /* --realm MODULE,MANIFEST (repeatable): realms from files, after those
   * built in (realm_files.c); --no-builtin-realms leaves those out. */
  const char *realm_module[HOSTED_REALM_FILES];
  const char *realm_manifest[HOSTED_REALM_FILES];
  char realm_arg[HOSTED_REALM_FILES][256];
  unsigned nrealms;
  bool no_builtin_realms;
} hosted_options_t;

/* Parse argv. Options that need the frames backend (--pcap) are refused
 * with --net socket. Returns 0 on success, 1 when --help was asked (the caller
 * prints hosted_usage()), -1 on a bad command line (the reason written to
 * `err`). */
int hosted_parse_options(int argc, char **argv, hosted_options_t *opt,
                         char *err, unsigned err_size);
const char *hosted_usage(void);

#endif
