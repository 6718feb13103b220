/* options.c (hosted): parse the command line. Pure: no I/O, so that it can be
 * unit-tested and fuzzed. */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hosted_usage(void) {
  return "usage: kernel.elf [options]\n"
         "  --disk FILE        block device backed by FILE (none without it)\n"
         "  --net socket       UDP operations on Linux UDP sockets (default)\n"
         "  --net tap:NAME     raw frames on TAP interface NAME\n"
         "  --net dgram:LOCAL,REMOTE\n"
         "                     raw frames, one per UDP datagram, as QEMU's\n"
         "                     -netdev dgram (LOCAL and REMOTE are host:port)\n"
         "  --ip A.B.C.D/N[,GATEWAY]\n"
         "                     static IPv4 address for tap: and dgram: (the\n"
         "                     stack asks DHCP without it)\n"
         "  --pcap FILE        write every frame of tap: or dgram:, in and "
         "out,\n"
         "                     to FILE in pcap format (tshark -r FILE)\n"
         "  --port N[:GUEST]   host UDP port N for guest port GUEST (default\n"
         "                     8888 for 8080, the demo's port)\n"
         "  --forward N:GUEST  also host UDP port N for guest port GUEST "
         "(up to 4)\n"
         "  --log LEVEL        0 error .. 4 trace (default 2, info)\n"
         "  --realm MODULE.wasm,MANIFEST\n"
         "                     load a realm from files (realms.elf; up to "
         "16)\n"
         "  --no-builtin-realms  leave out the realms built into the image\n"
         "  --exit-when-idle   exit once no work item is live\n"
         "  --help             this text\n";
}

static int fail(char *err, unsigned size, const char *what, const char *arg) {
  snprintf(err, size, "%s: '%s'", what, arg ? arg : "");
  return -1;
}

/* Copy s into dst[size]; false if it does not fit or is empty. */
static int copy(char *dst, size_t size, const char *s, size_t n) {
  if (n == 0 || n >= size)
    return 0;
  memcpy(dst, s, n);
  dst[n] = '\0';
  return 1;
}

static int parse_net(hosted_options_t *opt, const char *v) {
  if (strcmp(v, "socket") == 0) {
    opt->net = NET_SOCKET;
    return 1;
  }
  if (strncmp(v, "tap:", 4) == 0) {
    opt->net = NET_TAP;
    return copy(opt->tap, sizeof(opt->tap), v + 4, strlen(v + 4));
  }
  if (strncmp(v, "dgram:", 6) == 0) {
    const char *a = v + 6, *comma = strchr(a, ',');
    opt->net = NET_DGRAM;
    return comma &&
           copy(opt->dgram_local, sizeof(opt->dgram_local), a,
                (size_t)(comma - a)) &&
           copy(opt->dgram_remote, sizeof(opt->dgram_remote), comma + 1,
                strlen(comma + 1));
  }
  return 0;
}

/* "a.b.c.d" at s, n characters; host byte order into *out. */
static int parse_ip4(const char *s, size_t n, uint32_t *out) {
  char buf[16];
  unsigned a, b, c, d;
  char extra;
  if (!copy(buf, sizeof(buf), s, n) ||
      sscanf(buf, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &extra) != 4 ||
      a > 255 || b > 255 || c > 255 || d > 255)
    return 0;
  *out = (a << 24) | (b << 16) | (c << 8) | d;
  return 1;
}

/* ADDR/PREFIX[,GATEWAY] */
static int parse_ip(hosted_options_t *opt, const char *v) {
  const char *slash = strchr(v, '/'), *comma = strchr(v, ',');
  char *end;
  if (slash == NULL || (comma && comma < slash) ||
      !parse_ip4(v, (size_t)(slash - v), &opt->ip_addr))
    return 0;
  if (slash[1] < '0' || slash[1] > '9')
    return 0;
  unsigned long prefix = strtoul(slash + 1, &end, 10);
  if (prefix > 32 || end != (comma ? comma : slash + 1 + strlen(slash + 1)))
    return 0;
  opt->ip_netmask = prefix ? ~0u << (32 - prefix) : 0;
  opt->ip_gateway = 0;
  if (comma && !parse_ip4(comma + 1, strlen(comma + 1), &opt->ip_gateway))
    return 0;
  opt->has_ip = true;
  return 1;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out) {
  char *end;
  if (s == NULL || *s < '0' || *s > '9')
    return 0;
  unsigned long v = strtoul(s, &end, 10);
  if (*end != '\0' || v > max)
    return 0;
  *out = v;
  return 1;
}

/* N or N:GUEST, each 1..65535. */
static int parse_port(const char *s, hosted_options_t *opt) {
  char host[8];
  const char *colon = strchr(s, ':');
  size_t n = colon ? (size_t)(colon - s) : strlen(s);
  unsigned long h, g = opt->guest_port;
  if (!copy(host, sizeof(host), s, n) || !parse_uint(host, 65535, &h) ||
      h == 0 || (colon && (!parse_uint(colon + 1, 65535, &g) || g == 0)))
    return 0;
  opt->port = (uint16_t)h;
  opt->guest_port = (uint16_t)g;
  return 1;
}

/* N:GUEST, both 1..65535, at most HOSTED_FORWARDS of them. */
static int parse_forward(hosted_options_t *opt, const char *s) {
  hosted_options_t one = *opt;
  if (opt->nfwd == HOSTED_FORWARDS || !strchr(s, ':') || !parse_port(s, &one))
    return 0;
  opt->fwd_host[opt->nfwd] = one.port;
  opt->fwd_guest[opt->nfwd] = one.guest_port;
  opt->nfwd++;
  return 1;
}

/* MODULE,MANIFEST: both non-empty. */
static int parse_realm(hosted_options_t *opt, const char *v) {
  const char *comma = strchr(v, ',');
  if (opt->nrealms == HOSTED_REALM_FILES || !comma || comma == v ||
      comma[1] == '\0')
    return 0;
  char *a = opt->realm_arg[opt->nrealms];
  if (!copy(a, sizeof opt->realm_arg[0], v, strlen(v)))
    return 0;
  a[comma - v] = '\0';
  opt->realm_module[opt->nrealms] = a;
  opt->realm_manifest[opt->nrealms] = a + (comma - v) + 1;
  opt->nrealms++;
  return 1;
}

int hosted_parse_options(int argc, char **argv, hosted_options_t *opt,
                         char *err, unsigned err_size) {
  memset(opt, 0, sizeof(*opt));
  opt->port = 8888;
  opt->guest_port = 8080;
  opt->log_level = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    unsigned long n;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
      return 1;
    if (strcmp(a, "--exit-when-idle") == 0) {
      opt->exit_when_idle = true;
      continue;
    }
    if (strcmp(a, "--no-builtin-realms") == 0) {
      opt->no_builtin_realms = true;
      continue;
    }
    if (strcmp(a, "--disk") != 0 && strcmp(a, "--net") != 0 &&
        strcmp(a, "--port") != 0 && strcmp(a, "--log") != 0 &&
        strcmp(a, "--ip") != 0 && strcmp(a, "--pcap") != 0 &&
        strcmp(a, "--realm") != 0 && strcmp(a, "--forward") != 0)
      return fail(err, err_size, "unknown option", a);
    if (v == NULL)
      return fail(err, err_size, "missing value for", a);
    i++;
    if (strcmp(a, "--disk") == 0 || strcmp(a, "--pcap") == 0) {
      if (*v == '\0')
        return fail(err, err_size, "empty file name for", a);
      if (strcmp(a, "--disk") == 0)
        opt->disk = v;
      else
        opt->pcap = v;
    } else if (strcmp(a, "--forward") == 0) {
      if (!parse_forward(opt, v))
        return fail(err, err_size, "bad --forward (N:GUEST)", v);
    } else if (strcmp(a, "--realm") == 0) {
      if (!parse_realm(opt, v))
        return fail(err, err_size, "bad --realm (MODULE.wasm,MANIFEST)", v);
    } else if (strcmp(a, "--net") == 0) {
      if (!parse_net(opt, v))
        return fail(err, err_size, "bad --net value", v);
    } else if (strcmp(a, "--ip") == 0) {
      if (!parse_ip(opt, v))
        return fail(err, err_size, "bad --ip value", v);
    } else if (strcmp(a, "--port") == 0) {
      if (!parse_port(v, opt))
        return fail(err, err_size, "bad port", v);
    } else {
      if (!parse_uint(v, 4, &n))
        return fail(err, err_size, "bad log level", v);
      opt->log_level = (int)n;
    }
  }
  /* The socket backend moves datagrams, not frames: nothing to capture. */
  if (opt->pcap && opt->net == NET_SOCKET)
    return fail(err, err_size, "--pcap needs --net tap or dgram", opt->pcap);
  return 0;
}
