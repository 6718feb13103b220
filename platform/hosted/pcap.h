/* pcap.h (hosted): --pcap FILE, a capture of the frames backend's traffic in
 * the classic pcap format that tshark and Wireshark read. */
#ifndef REALMOS_HOSTED_PCAP_H
#define REALMOS_HOSTED_PCAP_H

#include <stddef.h>

/* Create (or truncate) `path` and write the file header. Returns NULL, or
 * why the file could not be opened ("--pcap PATH: reason"). */
const char *hosted_pcap_open(const char *path);

/* Append one frame, stamped with the wall clock. Does nothing when no
 * capture is open, or after a write error stopped it. */
void hosted_pcap_frame(const void *frame, size_t length);

/* Write out what is buffered (whole records). */
void hosted_pcap_flush(void);

/* Flush and close. */
void hosted_pcap_close(void);

#endif
