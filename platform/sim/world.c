/* world.c: what every part of the simulator shares: the world (g_sim),
 * its random streams, the trace hash, and how a run fails or logs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

sim_t g_sim;
static uint64_t g_rand[SIM_RAND_STREAMS];

/* splitmix64: one stream per purpose, so that a workload change does not
 * move the wire's faults and the other way round. */
uint64_t sim_rand(int stream) {
  uint64_t z = (g_rand[stream] += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t sim_rand_range(int stream, uint64_t lo, uint64_t hi) {
  return lo + sim_rand(stream) % (hi - lo + 1);
}

bool sim_chance(int stream, uint32_t ppm) {
  return ppm > 0 && sim_rand(stream) % 1000000u < ppm;
}

static void fnv(const void *data, size_t len) {
  const uint8_t *p = data;
  for (size_t i = 0; i < len; i++)
    g_sim.trace = (g_sim.trace ^ p[i]) * 0x100000001b3ull;
}

void sim_trace(const char *kind, int node, const void *data, size_t len) {
  fnv(&g_sim.now, sizeof(g_sim.now));
  fnv(kind, strlen(kind));
  fnv(&node, sizeof(node));
  if (len)
    fnv(data, len);
  g_sim.traced++;
}

static void print_time(FILE *f) {
  fprintf(f, "[%llu.%06llu] ", (unsigned long long)(g_sim.now / 1000000000u),
          (unsigned long long)(g_sim.now % 1000000000u / 1000u));
}

void sim_fail(const char *fmt, ...) {
  fflush(stdout);
  fprintf(stderr, "sim: VIOLATION seed %llu step %llu ",
          (unsigned long long)g_sim.seed, (unsigned long long)g_sim.step);
  print_time(stderr);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr,
          "\nsim: replay with: build/sim/realmos-sim --seed %llu "
          "--nodes %d --faults %s --steps %llu --verbose\n",
          (unsigned long long)g_sim.seed, g_sim.nnodes, g_sim.faults->name,
          (unsigned long long)g_sim.max_steps);
  exit(1);
}

void sim_log(const char *fmt, ...) {
  if (!g_sim.verbose)
    return;
  print_time(stdout);
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
}

void sim_world_init(void) {
  g_sim.trace = 0xcbf29ce484222325ull; /* FNV-1a offset basis */
  for (int s = 0; s < SIM_RAND_STREAMS; s++)
    g_rand[s] = g_sim.seed * 0x2545f4914f6cdd1dull + (uint64_t)s;
}
