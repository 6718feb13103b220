/* faults.c: the fault profiles of --faults. Rates are parts per million,
 * per frame and receiver on the wire, per request on the devices. */
#include <string.h>

#include "sim.h"

static const sim_faults_t g_profiles[] = {
    {.name = "none",
     .lat_min = KTIME_US(50),
     .lat_max = KTIME_US(200),
     .disk_lat_min = KTIME_US(20),
     .disk_lat_max = KTIME_US(500),
     .rng_lat_max = KTIME_US(100)},
    {.name = "net",
     .loss = 20000,
     .dup = 10000,
     .corrupt = 10000,
     .reorder = 50000,
     .lat_min = KTIME_US(20),
     .lat_max = KTIME_MS(5),
     .partitions = true,
     .disk_lat_min = KTIME_US(20),
     .disk_lat_max = KTIME_US(500),
     .rng_lat_max = KTIME_US(100)},
    {.name = "disk",
     .lat_min = KTIME_US(50),
     .lat_max = KTIME_US(200),
     .disk_error = 20000,
     .disk_lat_min = KTIME_US(10),
     .disk_lat_max = KTIME_MS(20),
     .power_cuts = true,
     .rng_lat_max = KTIME_US(100)},
    {.name = "rng",
     .lat_min = KTIME_US(50),
     .lat_max = KTIME_US(200),
     .disk_lat_min = KTIME_US(20),
     .disk_lat_max = KTIME_US(500),
     .rng_lat_max = KTIME_MS(200),
     .rng_short = 300000},
    {.name = "all",
     .loss = 20000,
     .dup = 10000,
     .corrupt = 10000,
     .reorder = 50000,
     .lat_min = KTIME_US(20),
     .lat_max = KTIME_MS(5),
     .partitions = true,
     .disk_error = 20000,
     .disk_lat_min = KTIME_US(10),
     .disk_lat_max = KTIME_MS(20),
     .power_cuts = true,
     .rng_lat_max = KTIME_MS(200),
     .rng_short = 300000},
};

const sim_faults_t *sim_faults_find(const char *name) {
  for (size_t i = 0; i < KARRAY_SIZE(g_profiles); i++)
    if (strcmp(g_profiles[i].name, name) == 0)
      return &g_profiles[i];
  return NULL;
}

const char *sim_faults_names(void) { return "none net disk rng all"; }
