/* pcap.c (hosted): --pcap FILE. The frames backend (net.c) hands over each
 * frame it takes in or sends out; they go to FILE in the classic pcap format
 * (version 2.4, microsecond stamps):
 *
 *   file header, once, 24 bytes: magic 0xa1b2c3d4, major 2, minor 4,
 *     thiszone 0, sigfigs 0, snaplen, link type 1 (LINKTYPE_ETHERNET:
 *     frames from the destination MAC on, without FCS)
 *   per frame, 16 bytes: ts_sec, ts_usec, incl_len (bytes stored), orig_len
 *     (bytes on the wire), then incl_len bytes of frame
 *
 * Every field is in the writer's byte order; a reader tells which from how
 * the magic reads back.
 *
 * Records collect in a 64 KiB buffer that goes to the file with write(2):
 * when the next record would not fit, and when net.c flushes at the end of
 * each device call that moved frames. So the file holds a tick's frames by
 * the end of that tick, and always ends on a whole record (tshark can read it
 * while the kernel runs), at the cost of one write(2) per tick with traffic.
 * The first write error is logged once and ends the capture (the file may
 * end in a part of a record then); the network goes on without it. */
#include "pcap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"

#define PCAP_MAGIC 0xa1b2c3d4u
#define PCAP_SNAPLEN 65535u
#define LINKTYPE_ETHERNET 1u
#define RECORD_HEADER 16u

static struct {
  int fd; /* -1: no capture, or stopped by an error */
  const char *path;
  char why[160]; /* hosted_pcap_open's answer */
  size_t used;   /* bytes of buf not yet written */
} g_pcap = {.fd = -1};
/* Apart from g_pcap, whose initialiser would put it in .data: 64 KiB of
 * zeros in the binary. */
static uint8_t g_pcap_buf[64 * 1024];

/* Every frame here is at most KCONFIG_NET_FRAME_MAX bytes (the kernel
 * checks sends, net.c receives), so a record always fits the buffer. */
_Static_assert(RECORD_HEADER + KCONFIG_NET_FRAME_MAX <= sizeof(g_pcap_buf),
               "a record must fit the buffer");

/* The first failure: say so once, and stop capturing. */
static void stop(int err) {
  klog(KLOG_ERROR, "pcap: %s: %s; capture stopped\n", g_pcap.path,
       strerror(err));
  close(g_pcap.fd);
  g_pcap.fd = -1;
}

void hosted_pcap_flush(void) {
  size_t done = 0;
  while (g_pcap.fd >= 0 && done < g_pcap.used) {
    ssize_t n = write(g_pcap.fd, g_pcap_buf + done, g_pcap.used - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      stop(n < 0 ? errno : EIO);
      break;
    }
    done += (size_t)n;
  }
  g_pcap.used = 0;
}

static void put(const void *p, size_t n) {
  memcpy(g_pcap_buf + g_pcap.used, p, n);
  g_pcap.used += n;
}

static void put32(uint32_t v) { put(&v, sizeof(v)); }

static void put16(uint16_t v) { put(&v, sizeof(v)); }

const char *hosted_pcap_open(const char *path) {
  g_pcap.path = path;
  g_pcap.used = 0;
  g_pcap.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (g_pcap.fd < 0) {
    snprintf(g_pcap.why, sizeof(g_pcap.why), "--pcap %s: %s", path,
             strerror(errno));
    return g_pcap.why;
  }
  put32(PCAP_MAGIC);
  put16(2);
  put16(4);
  put32(0); /* thiszone: stamps are UTC */
  put32(0); /* sigfigs */
  put32(PCAP_SNAPLEN);
  put32(LINKTYPE_ETHERNET);
  hosted_pcap_flush(); /* a valid, empty capture from the start */
  return NULL;
}

void hosted_pcap_frame(const void *frame, size_t length) {
  if (g_pcap.fd < 0)
    return;
  size_t stored =
      length < KCONFIG_NET_FRAME_MAX ? length : KCONFIG_NET_FRAME_MAX;
  if (g_pcap.used + RECORD_HEADER + stored > sizeof(g_pcap_buf)) {
    hosted_pcap_flush();
    if (g_pcap.fd < 0)
      return;
  }
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  put32((uint32_t)now.tv_sec);
  put32((uint32_t)(now.tv_nsec / 1000));
  put32((uint32_t)stored);
  put32((uint32_t)length);
  put(frame, stored);
}

void hosted_pcap_close(void) {
  hosted_pcap_flush();
  if (g_pcap.fd >= 0)
    close(g_pcap.fd);
  g_pcap.fd = -1;
}
