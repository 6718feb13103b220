/* platform_impl.h (sim): realmos in the deterministic simulator. Every node
 * of the simulated LAN is a whole kernel_t whose platform points back at its
 * node (sim.h); time is the simulator's virtual clock. */
#ifndef REALMOS_SIM_PLATFORM_IMPL_H
#define REALMOS_SIM_PLATFORM_IMPL_H

#define PLATFORM_NAME "sim"

struct sim_node;

struct platform {
  kernel_t *k;
  struct sim_node *node;
};

#endif
