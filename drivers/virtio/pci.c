/* pci.c: the virtio-pci modern transport (virtio 1.x spec 4.1). The device's
 * structures are found through vendor-specific capabilities (id 0x09) that
 * name a BAR and an offset: common configuration, notifications, ISR status
 * and device configuration. Transitional devices (QEMU 7.2's default
 * virtio-*-pci) have them too; their legacy I/O BAR is not used.
 *
 * Interrupts: MSI-X where the function has it and the platform has MSI
 * (pci_msix.c): one message, MSI-X table entry 0, for the configuration
 * change and every queue (msix_config and each queue_msix_vector = 0). The
 * device answers a vector it could not take with NO_VECTOR (0xffff, spec
 * 4.1.5.1.2, MSI-X vector configuration); then the function goes back to
 * INTx, before the driver routes its line. An MSI is an edge that needs no
 * acknowledgement, and the ISR byte is not used with MSI-X (spec 4.1.4.5,
 * ISR status), so isr_ack does not read it.
 * With INTx, reading the ISR byte acknowledges the device and drops the
 * line. Tested on QEMU 7.2 with `make print-run TRANSPORT=pci` for all six
 * bare-metal platforms (virtio-*-pci on virt's PCIe host, q35 on x86). */
#include "pci_msix.h"
#include "transport.h"
#include "virtio.h"

#define PCI_VENDOR_VIRTIO 0x1af4u
#define PCI_SUBSYSTEM_ID 0x2eu /* transitional: the virtio device type */
#define PCI_CAP_VENDOR 0x09u   /* vendor-specific: virtio_pci_cap */
#define PCI_MAX_CAPS 48u       /* (256 - 64) / 4: a longer list loops */

/* struct virtio_pci_cap (spec 4.1.4), byte offsets in the capability. */
#define CAP_CFG_TYPE 3     /* which structure */
#define CAP_BAR 4          /* BAR index 0..5 */
#define CAP_OFFSET 8       /* le32: offset in the BAR */
#define CAP_LENGTH 12      /* le32: length of the structure */
#define CAP_NOTIFY_MULT 16 /* le32, notify capability only */
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_ISR 3
#define CFG_DEVICE 4

/* struct virtio_pci_common_cfg (spec 4.1.4.3), byte offsets. */
#define COMMON_DFSELECT 0x00 /* le32 device_feature_select */
#define COMMON_DF 0x04       /* le32 device_feature */
#define COMMON_GFSELECT 0x08 /* le32 driver_feature_select */
#define COMMON_GF 0x0c       /* le32 driver_feature */
#define COMMON_MSIX 0x10     /* le16 msix_config: config-change vector */
#define COMMON_STATUS 0x14   /* u8 device_status */
#define COMMON_CFGGEN 0x15   /* u8 config_generation */
#define COMMON_Q_SELECT 0x16 /* le16 queue_select */
#define COMMON_Q_SIZE 0x18   /* le16 queue_size: max, then ours */
#define COMMON_Q_MSIX 0x1a   /* le16 queue_msix_vector */
#define COMMON_Q_ENABLE 0x1c /* le16 queue_enable */
#define COMMON_Q_NOFF 0x1e   /* le16 queue_notify_off */
#define COMMON_Q_DESC 0x20   /* le64 queue_desc */
#define COMMON_Q_DRIVER 0x28 /* le64 queue_driver (available ring) */
#define COMMON_Q_DEVICE 0x30 /* le64 queue_device (used ring) */
#define COMMON_LEN 0x38
#define MSIX_VECTOR 0u /* the one table entry pci_msix.c programs */
#define NO_VECTOR 0xffffu

static volatile uint8_t *c8(virtio_transport_t *t, uint32_t off) {
  return (volatile uint8_t *)(t->common + off);
}
static volatile uint16_t *c16(virtio_transport_t *t, uint32_t off) {
  return (volatile uint16_t *)(t->common + off);
}
static volatile uint32_t *c32(virtio_transport_t *t, uint32_t off) {
  return (volatile uint32_t *)(t->common + off);
}

static uint8_t get_status(virtio_transport_t *t) {
  return *c8(t, COMMON_STATUS);
}
static void set_status(virtio_transport_t *t, uint8_t s) {
  *c8(t, COMMON_STATUS) = s;
}

static uint64_t get_features(virtio_transport_t *t) {
  *c32(t, COMMON_DFSELECT) = 0;
  uint64_t lo = *c32(t, COMMON_DF);
  *c32(t, COMMON_DFSELECT) = 1;
  uint64_t hi = *c32(t, COMMON_DF);
  return hi << 32 | lo;
}
static void set_features(virtio_transport_t *t, uint64_t f) {
  *c32(t, COMMON_GFSELECT) = 0;
  *c32(t, COMMON_GF) = (uint32_t)f;
  *c32(t, COMMON_GFSELECT) = 1;
  *c32(t, COMMON_GF) = (uint32_t)(f >> 32);
}

static uint32_t config_read(virtio_transport_t *t, uint32_t off,
                            unsigned width) {
  if (t->devcfg == 0)
    return 0; /* the device has no configuration structure */
  uintptr_t a = t->devcfg + off;
  if (width == 1)
    return *(volatile uint8_t *)a;
  if (width == 2)
    return *(volatile uint16_t *)a;
  return *(volatile uint32_t *)a;
}
static uint32_t config_generation(virtio_transport_t *t) {
  return *c8(t, COMMON_CFGGEN);
}

static uint16_t queue_max(virtio_transport_t *t, uint16_t q) {
  *c16(t, COMMON_Q_SELECT) = q;
  return *c16(t, COMMON_Q_SIZE);
}

/* A 64-bit field as two 32-bit writes, low half first (spec 4.1.3.1). */
static void wr64(virtio_transport_t *t, uint32_t off, uint64_t v) {
  *c32(t, off) = (uint32_t)v;
  *c32(t, off + 4) = (uint32_t)(v >> 32);
}

/* The device refused a vector: back to INTx. Vectors already set do not
 * matter: with MSI-X off the device signals INTx and the ISR byte. */
static void msix_refused(virtio_transport_t *t, const char *what) {
  klog(KLOG_WARN, "virtio-pci: device %u has no MSI-X vector for %s, INTx\n",
       t->device_id, what);
  pci_msix_disable(t->pci_cfg, t->msix_cap);
  t->msix_cap = 0;
  t->irq = t->intx;
}

/* Write a vector field and read it back. */
static bool set_vector(virtio_transport_t *t, uint32_t off) {
  *c16(t, off) = MSIX_VECTOR;
  return *c16(t, off) == MSIX_VECTOR;
}

static void irq_setup(virtio_transport_t *t) {
  if (t->msix_cap && !set_vector(t, COMMON_MSIX))
    msix_refused(t, "configuration changes");
}

static kerr_t queue_setup(virtio_transport_t *t, uint16_t q,
                          const virtqueue_t *vq) {
  if (q >= VIRTIO_MAX_QUEUES)
    return KERR_RANGE;
  *c16(t, COMMON_Q_SELECT) = q;
  if (*c16(t, COMMON_Q_ENABLE) != 0)
    return KERR_BUSY;
  uint32_t noff = *c16(t, COMMON_Q_NOFF);
  /* The device says where to notify; it must stay inside its structure. */
  if ((uint64_t)noff * t->notify_mult + 2u > t->notify_len)
    return KERR_RANGE;
  t->notify_off[q] = (uint16_t)noff;
  if (t->msix_cap && !set_vector(t, COMMON_Q_MSIX))
    msix_refused(t, "a queue");
  *c16(t, COMMON_Q_SIZE) = vq->size;
  wr64(t, COMMON_Q_DESC, virtq_desc_addr(vq));
  wr64(t, COMMON_Q_DRIVER, virtq_avail_addr(vq));
  wr64(t, COMMON_Q_DEVICE, virtq_used_addr(vq));
  *c16(t, COMMON_Q_ENABLE) = 1;
  return KERR_OK;
}

static void notify(virtio_transport_t *t, uint16_t q) {
  if (q >= VIRTIO_MAX_QUEUES)
    return;
  *(volatile uint16_t *)(t->notify +
                         (uintptr_t)t->notify_off[q] * t->notify_mult) = q;
}

static uint32_t isr_ack(virtio_transport_t *t) {
  if (t->msix_cap)
    return VIRTIO_ISR_QUEUE;          /* a message: nothing to acknowledge */
  return *(volatile uint8_t *)t->isr; /* reading clears it */
}

static const virtio_transport_ops_t pci_ops = {
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
    .irq_setup = irq_setup,
};

static virtio_transport_t g_pci[VIRTIO_MAX_TRANSPORTS];
static uint32_t g_npci;

/* The virtio device type of a function, 0 if it is not a virtio device. */
static uint32_t device_type(const pci_function_t *f) {
  if (f->vendor != PCI_VENDOR_VIRTIO)
    return 0;
  if (f->device >= 0x1040 && f->device <= 0x107f)
    return f->device - 0x1040u; /* modern */
  if (f->device >= 0x1000 && f->device <= 0x103f)
    return pci_read16(f, PCI_SUBSYSTEM_ID); /* transitional */
  return 0;
}

/* Where a capability's structure is, if its BAR holds it; 0 otherwise. */
static uintptr_t cap_addr(const pci_function_t *f, uint32_t cap,
                          uint32_t min_len, uint32_t *len) {
  uint32_t bar = pci_read8(f, cap + CAP_BAR);
  uint64_t off = pci_read32(f, cap + CAP_OFFSET);
  *len = pci_read32(f, cap + CAP_LENGTH);
  if (bar >= 6 || f->bar[bar] == 0 || *len < min_len ||
      off + *len > f->bar_size[bar] || f->bar[bar] + off > UINTPTR_MAX)
    return 0;
  return (uintptr_t)(f->bar[bar] + off);
}

/* Walk the capability list for the four structures; false if one is
 * missing or does not fit its BAR. */
static bool find_structures(const pci_function_t *f, virtio_transport_t *t) {
  uint32_t len;
  uint8_t cap = pci_find_cap(f, PCI_CAP_VENDOR, 0);
  for (uint32_t n = 0; cap != 0 && n < PCI_MAX_CAPS; n++) {
    uint8_t type = pci_read8(f, cap + CAP_CFG_TYPE);
    if (type == CFG_COMMON && !t->common)
      t->common = cap_addr(f, cap, COMMON_LEN, &len);
    else if (type == CFG_ISR && !t->isr)
      t->isr = cap_addr(f, cap, 1, &len);
    else if (type == CFG_DEVICE && !t->devcfg)
      t->devcfg = cap_addr(f, cap, 1, &len);
    else if (type == CFG_NOTIFY && !t->notify) {
      t->notify = cap_addr(f, cap, 2, &len);
      t->notify_len = len;
      t->notify_mult = pci_read32(f, cap + CAP_NOTIFY_MULT);
    }
    cap = pci_find_cap(f, PCI_CAP_VENDOR, cap);
  }
  return t->common && t->isr && t->notify;
}

void virtio_pci_probe(platform_t *p, const pci_function_t *f) {
  uint32_t type = device_type(f);
  if (type == 0)
    return;
  if (g_npci == VIRTIO_MAX_TRANSPORTS) {
    klog(KLOG_WARN, "virtio-pci %02x:%02x.%u: more than %u devices, skipped\n",
         f->bus, f->dev, f->fn, VIRTIO_MAX_TRANSPORTS);
    return;
  }
  virtio_transport_t *t = &g_pci[g_npci];
  *t = (virtio_transport_t){.ops = &pci_ops,
                            .name = "virtio-pci",
                            .device_id = type,
                            .irq = f->irq,
                            .modern = true,
                            .pci_cfg = f->cfg,
                            .intx = f->irq};
  if (!find_structures(f, t)) {
    klog(KLOG_WARN,
         "virtio-pci %02x:%02x.%u: no usable modern capabilities, skipped\n",
         f->bus, f->dev, f->fn);
    return;
  }
  t->msix_cap = pci_msix_enable(f, &t->irq);
  if (t->irq == PCI_NO_IRQ) {
    klog(KLOG_WARN, "virtio-pci %02x:%02x.%u: no interrupt line, skipped\n",
         f->bus, f->dev, f->fn);
    return;
  }
  klog(KLOG_DEBUG, "virtio-pci %02x:%02x.%u: %s, line %u\n", f->bus, f->dev,
       f->fn, t->msix_cap ? "MSI-X" : "INTx", t->irq);
  g_npci++;
  virtio_attach(p, t);
}
