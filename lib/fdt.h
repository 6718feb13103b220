/* fdt.h: a read-only reader of flattened device trees (the devicetree
 * specification, v0.4, chapter 5 "Flattened Devicetree (DTB) Format").
 *
 * The blob is outside input: fdt_open checks the header, and every later read
 * is checked against the blocks it describes. A malformed blob makes a call
 * return an error (a negative node, false), never read out of bounds or loop
 * forever. Nothing allocates; a node is named by the offset of its
 * BEGIN_NODE token inside the structure block. */
#ifndef REALMOS_FDT_H
#define REALMOS_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deepest nesting accepted (the root is depth 0). */
#define FDT_MAX_DEPTH 32
/* Most cells accepted in an address, a size or an interrupt specifier. */
#define FDT_MAX_CELLS 4

typedef enum {
  FDT_OK = 0,
  FDT_ERR_MAGIC = -1,    /* not 0xd00dfeed */
  FDT_ERR_VERSION = -2,  /* older than 17, or not readable as 17 */
  FDT_ERR_BOUNDS = -3,   /* a block or an item outside the blob */
  FDT_ERR_STRUCT = -4,   /* a bad token, name or nesting */
  FDT_ERR_NOTFOUND = -5, /* no such node or property */
} fdt_err_t;

typedef struct {
  const uint8_t *blob;
  uint32_t size;              /* totalsize */
  uint32_t st_off, st_size;   /* structure block */
  uint32_t str_off, str_size; /* strings block */
} fdt_t;

typedef struct {
  const uint8_t *data; /* big-endian cells, or bytes */
  uint32_t len;        /* bytes */
} fdt_prop_t;

/* An interrupt specifier and the controller it belongs to. */
typedef struct {
  int ctrl;       /* the interrupt controller's node */
  uint32_t cells; /* its #interrupt-cells */
  uint32_t cell[FDT_MAX_CELLS];
} fdt_irq_t;

/* One entry of `ranges`: child bus address (its cells, first is the most
 * significant), CPU-side parent address, size. */
typedef struct {
  uint32_t child_cells;
  uint32_t child[FDT_MAX_CELLS];
  uint64_t parent;
  uint64_t size;
} fdt_range_t;

/* Check the header of the blob at `blob`, of which `avail` bytes may be
 * read (the header's totalsize must fit in it). */
fdt_err_t fdt_open(fdt_t *t, const void *blob, size_t avail);

/* Nodes in document order: -1 gives the root. Returns the next node, or a
 * negative fdt_err_t (FDT_ERR_NOTFOUND after the last). */
int fdt_next_node(const fdt_t *t, int node);
/* The parent of `node`, or a negative fdt_err_t (the root has none). */
int fdt_parent(const fdt_t *t, int node);
/* The node's name (with its @unit), NUL-terminated inside the blob. */
const char *fdt_name(const fdt_t *t, int node);

bool fdt_prop(const fdt_t *t, int node, const char *name, fdt_prop_t *out);
/* Cell i of a property, 0 beyond its end (check len first). */
uint32_t fdt_cell(const fdt_prop_t *p, uint32_t i);
/* n cells (0..FDT_MAX_CELLS) from cell i as one number; false if they do
 * not fit in 64 bits or run past the end. */
bool fdt_cells(const fdt_prop_t *p, uint32_t i, uint32_t n, uint64_t *v);
/* A one-cell property. */
bool fdt_prop_u32(const fdt_t *t, int node, const char *name, uint32_t *v);

/* `compatible` lists `compat`. */
bool fdt_is_compatible(const fdt_t *t, int node, const char *compat);
/* The next node after `node` (-1: from the start) compatible with `compat`. */
int fdt_find_compatible(const fdt_t *t, int node, const char *compat);
/* The node whose `phandle` is ph. */
int fdt_find_phandle(const fdt_t *t, uint32_t ph);

/* #address-cells and #size-cells of `node` (for its children): 2 and 1 when
 * absent; false if above FDT_MAX_CELLS. */
bool fdt_bus_cells(const fdt_t *t, int node, uint32_t *addr, uint32_t *size);

/* Entry i of `reg`, with the parent's #address-cells and #size-cells. */
bool fdt_reg(const fdt_t *t, int node, uint32_t i, uint64_t *addr,
             uint64_t *size);
/* Entry i of `ranges` (cells from the node and its parent). */
bool fdt_range(const fdt_t *t, int node, uint32_t i, fdt_range_t *r);

/* The node's interrupt controller: `interrupt-parent` of it or its nearest
 * ancestor that has one. */
int fdt_interrupt_parent(const fdt_t *t, int node);
/* Specifier i of `interrupts`. */
bool fdt_interrupt(const fdt_t *t, int node, uint32_t i, fdt_irq_t *out);
/* Translate a child's unit address (the nexus' #address-cells cells) and
 * interrupt specifier (its #interrupt-cells cells) through the nexus'
 * `interrupt-map` and `interrupt-map-mask`. Both arrays must hold
 * FDT_MAX_CELLS cells: the counts come from the blob. */
bool fdt_interrupt_map(const fdt_t *t, int nexus, const uint32_t *unit,
                       const uint32_t *spec, fdt_irq_t *out);

#endif
