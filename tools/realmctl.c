/* realmctl.c: call a realm's function through a realmos gateway (UDP,
 * realm/wire.h) and print what it answered. Hosted Linux, libc.
 *
 *   realmctl [--host H] [--port P] [--timeout MS] call PATH FN [ARG...]
 *
 * Exit codes: 0 the call succeeded, 1 the realm (or the gateway) answered
 * with an error, 2 a usage error, 3 no answer in time or a network error.
 * A request is sent once: a call is not idempotent (a transfer repeated
 * moves the money twice), so realmctl never retries; a lost request or
 * reply is a timeout, and whether the call ran is then unknown. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "identity.h"
#include "wire.h"

#define EXIT_OK 0
#define EXIT_REALM 1
#define EXIT_USAGE 2
#define EXIT_NET 3

#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT "7000"
#define DEFAULT_TIMEOUT_MS 2000

static void usage(FILE *out) {
  fprintf(out,
          "usage: realmctl [--host H] [--port P] [--timeout MS] call PATH FN "
          "[ARG...]\n"
          "\n"
          "Calls FN of the realm at PATH (r/<namespace>/<name>) through a\n"
          "realmos gateway, as one transaction whose caller is this host\n"
          "(\"net:<ip>:<port>\"), and prints the answer:\n"
          "  ok, then result: N (the function's integer result, if any)\n"
          "  and reply: TEXT (the bytes it replied, if any; as hex:... when\n"
          "  they are not all printable), or\n"
          "  error STATUS NAME: MESSAGE\n"
          "\n"
          "Arguments: one that is a decimal integer (optional '-') is an i64;\n"
          "s:TEXT is the bytes TEXT (s:42 sends \"42\"); anything else is its\n"
          "bytes. At most 8; the request at most 1472 bytes.\n"
          "\n"
          "Options:\n"
          "  --host H       the gateway's host (default " DEFAULT_HOST ")\n"
          "  --port P       its UDP port (default " DEFAULT_PORT ")\n"
          "  --timeout MS   how long to wait for the answer (default %d)\n"
          "  --help         this text\n"
          "\n"
          "The request is sent once and never retried: a call is not\n"
          "idempotent. After a timeout, whether the call ran is unknown.\n"
          "\n"
          "Exit codes: 0 ok, 1 the realm or the gateway answered with an\n"
          "error, 2 usage, 3 timeout or network error.\n",
          DEFAULT_TIMEOUT_MS);
}

static int usage_error(const char *fmt, const char *what) {
  fprintf(stderr, "realmctl: ");
  fprintf(stderr, fmt, what);
  fprintf(stderr, "\n(realmctl --help for usage)\n");
  return EXIT_USAGE;
}

/* An i64 when s is all of one (an optional '-', then digits); 1 if it is,
 * 0 if it is not, -1 if it is one out of range. */
static int parse_i64(const char *s, int64_t *v) {
  const char *d = s[0] == '-' ? s + 1 : s;
  if (*d == '\0')
    return 0;
  for (const char *p = d; *p; p++)
    if (*p < '0' || *p > '9')
      return 0;
  errno = 0;
  char *end;
  long long n = strtoll(s, &end, 10);
  if (errno == ERANGE || *end != '\0')
    return -1;
  *v = n;
  return 1;
}

static int fn_ok(const char *fn) {
  size_t n = strlen(fn);
  if (n == 0 || n > REALM_WIRE_FN_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!((fn[i] >= 'a' && fn[i] <= 'z') || (fn[i] >= '0' && fn[i] <= '9') ||
          fn[i] == '_'))
      return 0;
  return 1;
}

/* Bytes as text when all are printable ASCII, else "hex:" and hex. */
static void print_bytes(const uint8_t *p, size_t n) {
  int text = 1;
  for (size_t i = 0; i < n; i++)
    text &= p[i] >= 0x20 && p[i] < 0x7f;
  if (text) {
    fwrite(p, 1, n, stdout);
  } else {
    fputs("hex:", stdout);
    for (size_t i = 0; i < n; i++)
      printf("%02x", p[i]);
  }
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A UDP socket connected to host:port, or -1 with a message. IPv4 only:
 * realmos's stack is, and "localhost" must not become ::1. */
static int open_socket(const char *host, const char *port) {
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM};
  struct addrinfo *ai;
  int rc = getaddrinfo(host, port, &hints, &ai);
  if (rc != 0) {
    fprintf(stderr, "realmctl: %s:%s: %s\n", host, port, gai_strerror(rc));
    return -1;
  }
  int fd = -1;
  for (struct addrinfo *a = ai; a != NULL && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(ai);
  if (fd < 0)
    fprintf(stderr, "realmctl: %s:%s: %s\n", host, port, strerror(errno));
  return fd;
}

/* Send the request once and wait for the reply with its id; print it.
 * Datagrams that are not that reply are ignored. */
static int exchange(int fd, const uint8_t *req, size_t len, uint32_t id,
                    int timeout_ms, const char *host, const char *port) {
  if (send(fd, req, len, 0) != (ssize_t)len) {
    fprintf(stderr, "realmctl: sending to %s:%s: %s\n", host, port,
            strerror(errno));
    return EXIT_NET;
  }
  int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    int64_t left = deadline - now_ms();
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = left > 0 ? poll(&p, 1, (int)left) : 0;
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      fprintf(stderr,
              "realmctl: no answer from %s:%s within %d ms (not retried: "
              "whether the call ran is unknown)\n",
              host, port, timeout_ms);
      return EXIT_NET;
    }
    static uint8_t buf[65536];
    ssize_t got = recv(fd, buf, sizeof(buf), 0);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "realmctl: %s:%s: %s\n", host, port, strerror(errno));
      return EXIT_NET;
    }
    struct realm_wire_reply rep;
    const char *why;
    if (realm_wire_decode_reply(buf, (size_t)got, &rep, &why) != 0 ||
        rep.id != id)
      continue; /* not our answer */
    if (rep.status != 0) {
      printf("error %d %s: ", rep.status, realm_wire_status_name(rep.status));
      print_bytes(rep.data, rep.len);
      putchar('\n');
      return EXIT_REALM;
    }
    printf("ok\n");
    if (rep.has_result)
      printf("result: %lld\n", (long long)rep.result);
    if (rep.len > 0) {
      fputs("reply: ", stdout);
      print_bytes(rep.data, rep.len);
      putchar('\n');
    }
    return EXIT_OK;
  }
}

int main(int argc, char **argv) {
  const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
  int timeout_ms = DEFAULT_TIMEOUT_MS;
  int i = 1;
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    const char *opt = argv[i];
    if (strcmp(opt, "--help") == 0) {
      usage(stdout);
      return EXIT_OK;
    }
    if (strcmp(opt, "--host") != 0 && strcmp(opt, "--port") != 0 &&
        strcmp(opt, "--timeout") != 0)
      return usage_error("unknown option %s", opt);
    if (i + 1 >= argc)
      return usage_error("%s needs a value", opt);
    const char *v = argv[++i];
    if (strcmp(opt, "--host") == 0) {
      host = v;
    } else if (strcmp(opt, "--port") == 0) {
      int64_t n;
      if (parse_i64(v, &n) != 1 || n < 1 || n > 65535)
        return usage_error("--port %s: not a port (1..65535)", v);
      port = v;
    } else {
      int64_t n;
      if (parse_i64(v, &n) != 1 || n < 1 || n > 3600000)
        return usage_error("--timeout %s: not 1..3600000 ms", v);
      timeout_ms = (int)n;
    }
  }
  if (i >= argc)
    return usage_error("%s", "no command (the one command is: call)");
  if (strcmp(argv[i], "call") != 0)
    return usage_error("unknown command %s (the one command is: call)",
                       argv[i]);
  if (argc - i < 3)
    return usage_error("%s", "call needs PATH and FN");
  const char *path = argv[i + 1], *fn = argv[i + 2];
  char **args = argv + i + 3;
  int nargs = argc - i - 3;
  if (realm_path_check(path, strlen(path)) != KERR_OK)
    return usage_error("%s: not a realm path (r/<namespace>/<name>, "
                       "[a-z0-9_], at most 64 bytes)",
                       path);
  if (!fn_ok(fn))
    return usage_error("%s: not a function name (1..64 bytes of [a-z0-9_])",
                       fn);
  if (nargs > REALM_WIRE_MAX_ARGS)
    return usage_error("%s", "more than 8 arguments");

  uint32_t id;
  if (getrandom(&id, sizeof(id), 0) != sizeof(id))
    id = (uint32_t)now_ms() ^ ((uint32_t)getpid() << 16);
  id |= 1; /* never 0: the gateway's id for a request it could not read */
  struct realm_wire_request req = {
      .id = id,
      .path = path,
      .path_len = (uint8_t)strlen(path),
      .fn = fn,
      .fn_len = (uint8_t)strlen(fn),
      .nargs = (uint8_t)nargs,
  };
  for (int k = 0; k < nargs; k++) {
    const char *a = args[k];
    struct realm_wire_arg *w = &req.args[k];
    int64_t v;
    int num = parse_i64(a, &v);
    if (num < 0)
      return usage_error("%s: out of the i64 range (s:TEXT sends it as text)",
                         a);
    if (num == 1) {
      w->tag = REALM_WIRE_TAG_I64;
      w->i64 = v;
      continue;
    }
    if (strncmp(a, "s:", 2) == 0)
      a += 2;
    size_t n = strlen(a);
    if (n > REALM_WIRE_MAX)
      return usage_error("%s", "the request is longer than 1472 bytes");
    w->tag = REALM_WIRE_TAG_BYTES;
    w->len = (uint16_t)n;
    w->bytes = (const uint8_t *)a;
  }
  static uint8_t buf[REALM_WIRE_MAX];
  size_t len = realm_wire_encode_request(&req, buf, sizeof(buf));
  if (len == 0)
    return usage_error("%s", "the request is longer than 1472 bytes");

  int fd = open_socket(host, port);
  if (fd < 0)
    return EXIT_NET;
  int rc = exchange(fd, buf, len, id, timeout_ms, host, port);
  close(fd);
  return rc;
}
