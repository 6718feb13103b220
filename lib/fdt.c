/* fdt.c: the flattened device tree reader (fdt.h).
 *
 * Header, ten big-endian 32-bit words: magic 0xd00dfeed, totalsize,
 * off_dt_struct, off_dt_strings, off_mem_rsvmap, version,
 * last_comp_version, boot_cpuid_phys, size_dt_strings, size_dt_struct.
 * The structure block is a stream of 4-byte aligned big-endian tokens:
 *   1 BEGIN_NODE  name, NUL-terminated, padded to 4 bytes
 *   2 END_NODE
 *   3 PROP        u32 len, u32 name offset in the strings block, value
 *                 padded to 4 bytes
 *   4 NOP
 *   9 END
 * A node's properties come before its children. */
#include "fdt.h"
#include "byteorder.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_VERSION 17 /* the first with size_dt_struct */
#define HEADER_SIZE 40u

enum {
  TOK_ERROR = 0,
  TOK_BEGIN = 1,
  TOK_END_NODE = 2,
  TOK_PROP = 3,
  TOK_NOP = 4,
  TOK_END = 9
};

/* [off, off + len) lies inside [0, size). */
static bool inside(uint64_t off, uint64_t len, uint64_t size) {
  return off <= size && len <= size - off;
}

fdt_err_t fdt_open(fdt_t *t, const void *blob, size_t avail) {
  const uint8_t *b = blob;
  if (b == NULL || avail < HEADER_SIZE)
    return FDT_ERR_BOUNDS;
  if (get_be32(b) != FDT_MAGIC)
    return FDT_ERR_MAGIC;
  if (get_be32(b + 20) < FDT_VERSION || get_be32(b + 24) > FDT_VERSION)
    return FDT_ERR_VERSION;
  uint32_t total = get_be32(b + 4);
  /* Node offsets are ints: keep every offset below 2^31. */
  if (total < HEADER_SIZE || total > avail || total > 0x7fffffffu)
    return FDT_ERR_BOUNDS;
  t->blob = b;
  t->size = total;
  t->st_off = get_be32(b + 8);
  t->st_size = get_be32(b + 36);
  t->str_off = get_be32(b + 12);
  t->str_size = get_be32(b + 32);
  if (!inside(t->st_off, t->st_size, total) ||
      !inside(t->str_off, t->str_size, total) || t->st_off % 4 != 0 ||
      t->st_size < 4)
    return FDT_ERR_BOUNDS;
  return FDT_OK;
}

/* The token at structure offset *off; moves *off past it and its payload.
 * TOK_ERROR if it is unknown or runs past the structure block. */
static uint32_t step(const fdt_t *t, uint32_t *off) {
  const uint8_t *s = t->blob + t->st_off;
  uint32_t o = *off;
  if (o % 4 != 0 || !inside(o, 4, t->st_size))
    return TOK_ERROR;
  uint32_t tok = get_be32(s + o);
  o += 4;
  if (tok == TOK_BEGIN) {
    while (o < t->st_size && s[o] != 0)
      o++;
    if (o >= t->st_size)
      return TOK_ERROR; /* name not terminated */
    o = (o + 4) & ~3u;  /* past the NUL, aligned */
  } else if (tok == TOK_PROP) {
    if (!inside(o, 8, t->st_size))
      return TOK_ERROR;
    uint32_t len = get_be32(s + o), name = get_be32(s + o + 4);
    o += 8;
    if (!inside(o, len, t->st_size) || name >= t->str_size)
      return TOK_ERROR;
    o += len;
    o = (uint32_t)(((uint64_t)o + 3) & ~3ull);
  } else if (tok != TOK_END_NODE && tok != TOK_NOP && tok != TOK_END) {
    return TOK_ERROR;
  }
  *off = o;
  return tok;
}

/* `node` is the offset of a well-formed BEGIN_NODE. */
static bool is_node(const fdt_t *t, int node) {
  uint32_t off = (uint32_t)node;
  return node >= 0 && step(t, &off) == TOK_BEGIN;
}

int fdt_next_node(const fdt_t *t, int node) {
  uint32_t off = 0;
  if (node >= 0) {
    off = (uint32_t)node;
    if (step(t, &off) != TOK_BEGIN)
      return FDT_ERR_STRUCT;
  }
  for (;;) {
    uint32_t at = off, tok = step(t, &off);
    if (tok == TOK_BEGIN)
      return (int)at;
    if (tok == TOK_END)
      return FDT_ERR_NOTFOUND;
    if (tok == TOK_ERROR || (node < 0 && tok != TOK_NOP))
      return FDT_ERR_STRUCT; /* the block must open with the root */
  }
}

int fdt_parent(const fdt_t *t, int node) {
  int stack[FDT_MAX_DEPTH];
  uint32_t depth = 0, off = 0;
  if (!is_node(t, node))
    return FDT_ERR_STRUCT;
  for (;;) {
    uint32_t at = off, tok = step(t, &off);
    if (tok == TOK_BEGIN) {
      if (at == (uint32_t)node)
        return depth > 0 ? stack[depth - 1] : FDT_ERR_NOTFOUND;
      if (depth == FDT_MAX_DEPTH)
        return FDT_ERR_STRUCT;
      stack[depth++] = (int)at;
    } else if (tok == TOK_END_NODE) {
      if (depth == 0)
        return FDT_ERR_STRUCT;
      depth--;
    } else if (tok != TOK_PROP && tok != TOK_NOP) {
      return FDT_ERR_STRUCT; /* END or garbage before reaching the node */
    }
  }
}

const char *fdt_name(const fdt_t *t, int node) {
  if (!is_node(t, node))
    return NULL;
  return (const char *)t->blob + t->st_off + (uint32_t)node + 4;
}

/* The string at strings-block offset `name` equals `want`. */
static bool name_is(const fdt_t *t, uint32_t name, const char *want) {
  const uint8_t *s = t->blob + t->str_off;
  for (uint32_t i = name; i < t->str_size; i++, want++) {
    if (s[i] != (uint8_t)*want)
      return false;
    if (s[i] == 0)
      return true;
  }
  return false; /* not terminated inside the block */
}

bool fdt_prop(const fdt_t *t, int node, const char *name, fdt_prop_t *out) {
  uint32_t off = (uint32_t)node;
  if (node < 0 || step(t, &off) != TOK_BEGIN)
    return false;
  for (;;) {
    uint32_t at = off, tok = step(t, &off);
    if (tok == TOK_NOP)
      continue;
    if (tok != TOK_PROP)
      return false; /* children, the node's end, or garbage */
    const uint8_t *p = t->blob + t->st_off + at;
    if (name_is(t, get_be32(p + 8), name)) {
      out->data = p + 12;
      out->len = get_be32(p + 4);
      return true;
    }
  }
}

uint32_t fdt_cell(const fdt_prop_t *p, uint32_t i) {
  return i < p->len / 4 ? get_be32(p->data + 4 * i) : 0;
}

bool fdt_cells(const fdt_prop_t *p, uint32_t i, uint32_t n, uint64_t *v) {
  if (n > FDT_MAX_CELLS || (uint64_t)i + n > p->len / 4)
    return false;
  uint64_t x = 0;
  for (uint32_t k = 0; k < n; k++) {
    if (x >> 32)
      return false; /* more than 64 bits */
    x = x << 32 | fdt_cell(p, i + k);
  }
  *v = x;
  return true;
}

bool fdt_prop_u32(const fdt_t *t, int node, const char *name, uint32_t *v) {
  fdt_prop_t p;
  if (!fdt_prop(t, node, name, &p) || p.len != 4)
    return false;
  *v = get_be32(p.data);
  return true;
}

bool fdt_is_compatible(const fdt_t *t, int node, const char *compat) {
  fdt_prop_t p;
  if (!fdt_prop(t, node, "compatible", &p))
    return false;
  uint32_t i = 0;
  while (i < p.len) { /* a list of NUL-terminated strings */
    const char *w = compat;
    while (i < p.len && p.data[i] != 0 && p.data[i] == (uint8_t)*w)
      i++, w++;
    if (i < p.len && p.data[i] == 0 && *w == 0)
      return true;
    while (i < p.len && p.data[i] != 0)
      i++;
    i++; /* past the NUL */
  }
  return false;
}

int fdt_find_compatible(const fdt_t *t, int node, const char *compat) {
  for (;;) {
    node = fdt_next_node(t, node);
    if (node < 0 || fdt_is_compatible(t, node, compat))
      return node;
  }
}

int fdt_find_phandle(const fdt_t *t, uint32_t ph) {
  if (ph == 0 || ph == 0xffffffffu)
    return FDT_ERR_NOTFOUND; /* not valid phandles */
  int node = -1;
  for (;;) {
    uint32_t v;
    node = fdt_next_node(t, node);
    if (node < 0 || (fdt_prop_u32(t, node, "phandle", &v) && v == ph))
      return node;
  }
}

/* A one-cell #...-cells property, `dflt` when absent. */
static bool cells_prop(const fdt_t *t, int node, const char *name,
                       uint32_t dflt, uint32_t *v) {
  fdt_prop_t p;
  if (!fdt_prop(t, node, name, &p)) {
    *v = dflt;
    return true;
  }
  *v = fdt_cell(&p, 0);
  return p.len == 4 && *v <= FDT_MAX_CELLS;
}

bool fdt_bus_cells(const fdt_t *t, int node, uint32_t *addr, uint32_t *size) {
  return cells_prop(t, node, "#address-cells", 2, addr) &&
         cells_prop(t, node, "#size-cells", 1, size);
}

bool fdt_reg(const fdt_t *t, int node, uint32_t i, uint64_t *addr,
             uint64_t *size) {
  uint32_t ac, sc;
  fdt_prop_t p;
  int parent = fdt_parent(t, node);
  if (parent < 0 || !fdt_bus_cells(t, parent, &ac, &sc) || ac + sc == 0 ||
      !fdt_prop(t, node, "reg", &p))
    return false;
  uint64_t at = (uint64_t)i * (ac + sc);
  return at + ac + sc <= p.len / 4 && fdt_cells(&p, (uint32_t)at, ac, addr) &&
         fdt_cells(&p, (uint32_t)at + ac, sc, size);
}

bool fdt_range(const fdt_t *t, int node, uint32_t i, fdt_range_t *r) {
  uint32_t cac, sc, pac, psc;
  fdt_prop_t p;
  int parent = fdt_parent(t, node);
  if (parent < 0 || !fdt_bus_cells(t, node, &cac, &sc) ||
      !fdt_bus_cells(t, parent, &pac, &psc) || !fdt_prop(t, node, "ranges", &p))
    return false;
  uint64_t at = (uint64_t)i * (cac + pac + sc);
  if (cac + pac + sc == 0 || at + cac + pac + sc > p.len / 4 ||
      !fdt_cells(&p, (uint32_t)at + cac, pac, &r->parent) ||
      !fdt_cells(&p, (uint32_t)at + cac + pac, sc, &r->size))
    return false;
  r->child_cells = cac;
  for (uint32_t k = 0; k < cac; k++)
    r->child[k] = fdt_cell(&p, (uint32_t)at + k);
  return true;
}

int fdt_interrupt_parent(const fdt_t *t, int node) {
  for (int n = node, hops = 0; n >= 0 && hops <= FDT_MAX_DEPTH; hops++) {
    uint32_t ph;
    if (fdt_prop_u32(t, n, "interrupt-parent", &ph))
      return fdt_find_phandle(t, ph);
    n = fdt_parent(t, n);
  }
  return FDT_ERR_NOTFOUND;
}

/* The controller's #interrupt-cells: 1..FDT_MAX_CELLS. */
static bool irq_cells(const fdt_t *t, int ctrl, uint32_t *n) {
  return fdt_prop_u32(t, ctrl, "#interrupt-cells", n) && *n >= 1 &&
         *n <= FDT_MAX_CELLS;
}

bool fdt_interrupt(const fdt_t *t, int node, uint32_t i, fdt_irq_t *out) {
  fdt_prop_t p;
  int ctrl = fdt_interrupt_parent(t, node);
  if (ctrl < 0 || !irq_cells(t, ctrl, &out->cells) ||
      !fdt_prop(t, node, "interrupts", &p))
    return false;
  uint64_t at = (uint64_t)i * out->cells;
  if (at + out->cells > p.len / 4)
    return false;
  out->ctrl = ctrl;
  for (uint32_t k = 0; k < out->cells; k++)
    out->cell[k] = fdt_cell(&p, (uint32_t)at + k);
  return true;
}

/* Each entry of interrupt-map: child unit address (ac cells), child
 * specifier (ic), parent phandle, parent unit address (the parent's
 * #address-cells, 0 when absent), parent specifier (its #interrupt-cells).
 * An entry matches when the child cells, masked by interrupt-map-mask (all
 * ones when absent), equal the caller's, masked the same way. */
bool fdt_interrupt_map(const fdt_t *t, int nexus, const uint32_t *unit,
                       const uint32_t *spec, fdt_irq_t *out) {
  uint32_t ac, sc, ic, want[2 * FDT_MAX_CELLS];
  fdt_prop_t map, mask;
  bool has_mask = fdt_prop(t, nexus, "interrupt-map-mask", &mask);
  if (!fdt_bus_cells(t, nexus, &ac, &sc) || !irq_cells(t, nexus, &ic) ||
      !fdt_prop(t, nexus, "interrupt-map", &map) ||
      (has_mask && mask.len != 4 * (ac + ic)))
    return false;
  uint32_t n = ac + ic;
  for (uint32_t k = 0; k < n; k++)
    want[k] = (k < ac ? unit[k] : spec[k - ac]) &
              (has_mask ? fdt_cell(&mask, k) : 0xffffffffu);
  uint32_t total = map.len / 4, pos = 0, last_ph = 0;
  int pnode = FDT_ERR_NOTFOUND;
  while (pos < total) {
    uint32_t pac, pic;
    if (total - pos < n + 1)
      return false;
    uint32_t ph = fdt_cell(&map, pos + n);
    if (ph != last_ph) { /* entries usually share one parent */
      pnode = fdt_find_phandle(t, ph);
      last_ph = ph;
    }
    if (pnode < 0 || !cells_prop(t, pnode, "#address-cells", 0, &pac) ||
        !irq_cells(t, pnode, &pic) || total - pos - n - 1 < pac + pic)
      return false;
    bool match = true;
    for (uint32_t k = 0; k < n && match; k++)
      match = (fdt_cell(&map, pos + k) &
               (has_mask ? fdt_cell(&mask, k) : 0xffffffffu)) == want[k];
    if (match) {
      out->ctrl = pnode;
      out->cells = pic;
      for (uint32_t k = 0; k < pic; k++)
        out->cell[k] = fdt_cell(&map, pos + n + 1 + pac + k);
      return true;
    }
    pos += n + 1 + pac + pic;
  }
  return false;
}
