/* hostile_flood: arms every timer it may, each re-arming itself at 1 ms,
 * and answers every datagram on its port with as many as it may send: a
 * steady stream of events, which its queue share and its manifest bound. */
#include "realm.h"

static int32_t sock = -1;
static int64_t fires, refused;

REALM_EXPORT(init) void init(void) {
  for (int32_t i = 0; i < 64; i++)
    if (realm_timer(i, 1) != REALM_OK)
      refused++;
  sock = realm_udp_bind(9998);
}

REALM_EXPORT(on_timer) void on_timer(int32_t id) {
  fires++;
  realm_timer(id, 1);
}

REALM_EXPORT(on_udp)
void on_udp(int32_t s, int32_t status, int32_t ip, int32_t port,
            const void *data, int32_t len) {
  if (status < 0)
    return;
  for (int32_t i = 0; i < 100; i++)
    if (realm_udp_send(s, (uint32_t)ip, port, data, len) != REALM_OK)
      refused++;
}

REALM_EXPORT(fires) int64_t get_fires(void) { return fires; }
REALM_EXPORT(refused) int64_t get_refused(void) { return refused; }
