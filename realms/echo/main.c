/* echo (r/demo/echo): binds UDP 8889 (granted by its manifest) at init
 * and sends each datagram back to its sender, as apps/echo does in C.
 * echoed() says how many it has sent back. */
#include "realm.h"

#define PORT 8889

static int32_t sock = -1;
static int64_t echoed_count;

REALM_EXPORT(init) void init(void) {
  sock = realm_udp_bind(PORT);
  if (sock < 0)
    realm_abort("echo: udp 8889 not granted");
}

REALM_EXPORT(on_udp)
void on_udp(int32_t s, int32_t status, int32_t ip, int32_t port,
            const void *data, int32_t len) {
  if (status < 0) {
    realm_log("echo: binding udp 8889 failed");
    return;
  }
  if (realm_udp_send(s, (uint32_t)ip, port, data, len) == REALM_OK)
    echoed_count++;
}

REALM_EXPORT(echoed) int64_t echoed(void) { return echoed_count; }
