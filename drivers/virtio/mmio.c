/* mmio.c: the virtio-mmio transport (virtio 1.x spec 4.2), version 2
 * (modern) and version 1 (legacy: QueuePFN, GuestPageSize). QEMU 7.2's
 * virtio-mmio is legacy unless started with
 * `-global virtio-mmio.force-legacy=false`. Tested both ways on QEMU 7.2
 * with the command `make print-run PLATFORM=rv64 TRANSPORT=mmio` prints
 * (and arm64, rv32, arm32, x32/x64 microvm), running tests/programs
 * rng_check, blk_check and net_check. */
#include "transport.h"
#include "virtio.h"

/* Registers, byte offsets from the window's base; all 32 bits wide. */
#define MMIO_MAGIC 0x000           /* "virt", 0x74726976 */
#define MMIO_VERSION 0x004         /* 1 legacy, 2 modern */
#define MMIO_DEVICE_ID 0x008       /* VIRTIO_ID_*, 0: empty slot */
#define MMIO_DEVICE_FEATURES 0x010 /* 32 bits chosen by ..._SEL */
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES 0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_GUEST_PAGE_SIZE 0x028 /* legacy: unit of QueuePFN */
#define MMIO_QUEUE_SEL 0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM 0x038
#define MMIO_QUEUE_ALIGN 0x03c /* legacy: used ring alignment */
#define MMIO_QUEUE_PFN 0x040   /* legacy: queue address / page size */
#define MMIO_QUEUE_READY 0x044 /* modern */
#define MMIO_QUEUE_NOTIFY 0x050
#define MMIO_INTERRUPT_STATUS 0x060
#define MMIO_INTERRUPT_ACK 0x064
#define MMIO_STATUS 0x070
#define MMIO_QUEUE_DESC_LOW 0x080 /* modern: the three queue addresses */
#define MMIO_QUEUE_DESC_HIGH 0x084
#define MMIO_QUEUE_DRIVER_LOW 0x090
#define MMIO_QUEUE_DRIVER_HIGH 0x094
#define MMIO_QUEUE_DEVICE_LOW 0x0a0
#define MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define MMIO_CONFIG_GENERATION 0x0fc
#define MMIO_CONFIG 0x100

#define MMIO_MAGIC_VALUE 0x74726976u

static uint32_t rd(virtio_transport_t *t, uint32_t off) {
  return *(volatile uint32_t *)(t->base + off);
}
static void wr(virtio_transport_t *t, uint32_t off, uint32_t v) {
  *(volatile uint32_t *)(t->base + off) = v;
}

static uint8_t get_status(virtio_transport_t *t) {
  return (uint8_t)rd(t, MMIO_STATUS);
}
static void set_status(virtio_transport_t *t, uint8_t s) {
  wr(t, MMIO_STATUS, s);
}

static uint64_t get_features(virtio_transport_t *t) {
  wr(t, MMIO_DEVICE_FEATURES_SEL, 0);
  uint64_t lo = rd(t, MMIO_DEVICE_FEATURES);
  wr(t, MMIO_DEVICE_FEATURES_SEL, 1);
  uint64_t hi = rd(t, MMIO_DEVICE_FEATURES);
  return hi << 32 | lo;
}
static void set_features(virtio_transport_t *t, uint64_t f) {
  wr(t, MMIO_DRIVER_FEATURES_SEL, 0);
  wr(t, MMIO_DRIVER_FEATURES, (uint32_t)f);
  wr(t, MMIO_DRIVER_FEATURES_SEL, 1);
  wr(t, MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
}

/* The configuration space takes accesses of the field's own width. */
static uint32_t config_read(virtio_transport_t *t, uint32_t off,
                            unsigned width) {
  uintptr_t a = t->base + MMIO_CONFIG + off;
  if (width == 1)
    return *(volatile uint8_t *)a;
  if (width == 2)
    return *(volatile uint16_t *)a;
  return *(volatile uint32_t *)a;
}
static uint32_t config_generation(virtio_transport_t *t) {
  return t->modern ? rd(t, MMIO_CONFIG_GENERATION) : 0;
}

static uint16_t queue_max(virtio_transport_t *t, uint16_t q) {
  wr(t, MMIO_QUEUE_SEL, q);
  uint32_t max = rd(t, MMIO_QUEUE_NUM_MAX);
  return max > 0xffffu ? 0xffffu : (uint16_t)max;
}

static kerr_t queue_setup(virtio_transport_t *t, uint16_t q,
                          const virtqueue_t *vq) {
  wr(t, MMIO_QUEUE_SEL, q);
  uint64_t desc = virtq_desc_addr(vq);
  if (!t->modern) {
    /* One page frame number for the whole legacy layout (virtqueue.h). */
    if (rd(t, MMIO_QUEUE_PFN) != 0)
      return KERR_BUSY;
    if ((desc / VIRTQ_ALIGN) >> 32)
      return KERR_RANGE;
    wr(t, MMIO_GUEST_PAGE_SIZE, VIRTQ_ALIGN); /* QueuePFN counts 4 KiB */
    wr(t, MMIO_QUEUE_NUM, vq->size);
    wr(t, MMIO_QUEUE_ALIGN, VIRTQ_ALIGN);
    wr(t, MMIO_QUEUE_PFN, (uint32_t)(desc / VIRTQ_ALIGN));
    return KERR_OK;
  }
  if (rd(t, MMIO_QUEUE_READY) != 0)
    return KERR_BUSY;
  uint64_t avail = virtq_avail_addr(vq), used = virtq_used_addr(vq);
  wr(t, MMIO_QUEUE_NUM, vq->size);
  wr(t, MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
  wr(t, MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
  wr(t, MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
  wr(t, MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
  wr(t, MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
  wr(t, MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
  wr(t, MMIO_QUEUE_READY, 1);
  return KERR_OK;
}

static void notify(virtio_transport_t *t, uint16_t q) {
  wr(t, MMIO_QUEUE_NOTIFY, q);
}

static uint32_t isr_ack(virtio_transport_t *t) {
  uint32_t s = rd(t, MMIO_INTERRUPT_STATUS);
  if (s)
    wr(t, MMIO_INTERRUPT_ACK, s);
  return s;
}

static const virtio_transport_ops_t mmio_ops = {
    .get_status = get_status,
    .set_status = set_status,
    .get_features = get_features,
    .set_features = set_features,
    .config_read = config_read,
    .config_generation = config_generation,
    .queue_max = queue_max,
    .queue_setup = queue_setup,
    .notify = notify,
    .isr_ack = isr_ack,
};

static virtio_transport_t g_mmio[VIRTIO_MAX_TRANSPORTS];
static uint32_t g_nmmio;

void virtio_mmio_probe(platform_t *p, uintptr_t base, uint32_t irq) {
  volatile uint32_t *r = (volatile uint32_t *)base;
  uint32_t magic = r[MMIO_MAGIC / 4], version = r[MMIO_VERSION / 4];
  uint32_t id = r[MMIO_DEVICE_ID / 4];
  if (magic != MMIO_MAGIC_VALUE) {
    klog(KLOG_WARN, "virtio-mmio at %p: bad magic %x\n", (void *)base, magic);
    return;
  }
  if (version != 1 && version != 2) {
    klog(KLOG_WARN, "virtio-mmio at %p: unknown version %u\n", (void *)base,
         version);
    return;
  }
  if (id == 0)
    return; /* an empty slot: QEMU's virt has 32, most unused */
  if (g_nmmio == VIRTIO_MAX_TRANSPORTS) {
    klog(KLOG_WARN, "virtio-mmio at %p: more than %u devices, skipped\n",
         (void *)base, VIRTIO_MAX_TRANSPORTS);
    return;
  }
  virtio_transport_t *t = &g_mmio[g_nmmio++];
  *t = (virtio_transport_t){.ops = &mmio_ops,
                            .name = "virtio-mmio",
                            .device_id = id,
                            .irq = irq,
                            .modern = version == 2,
                            .base = base};
  virtio_attach(p, t);
}
