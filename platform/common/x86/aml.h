/* aml.h: the sizes of AML encodings (aml.c; pure: every function reads
 * at most `avail` bytes from p and returns 0 for anything malformed or
 * truncated). Facts: ACPI 6.x, 20.2, the AML grammar. */
#ifndef REALMOS_X86_AML_H
#define REALMOS_X86_AML_H

#include <stdbool.h>
#include <stdint.h>

enum {
  AML_ZERO = 0x00,
  AML_ONE = 0x01,
  AML_ONES = 0xff,
  AML_BYTE = 0x0a,
  AML_WORD = 0x0b,
  AML_DWORD = 0x0c,
  AML_STRING = 0x0d,
  AML_QWORD = 0x0e,
  AML_NAME = 0x08,
  AML_SCOPE = 0x10,
  AML_BUFFER = 0x11,
  AML_PACKAGE = 0x12,
  AML_VARPACKAGE = 0x13,
  AML_METHOD = 0x14,
  AML_EXTERNAL = 0x15,
  AML_IF = 0xa0,
  AML_ELSE = 0xa1,
  AML_WHILE = 0xa2,
  AML_EXT = 0x5b, /* then one of: */
  AML_EXT_MUTEX = 0x01,
  AML_EXT_EVENT = 0x02,
  AML_EXT_OPREGION = 0x80,
  AML_EXT_FIELD = 0x81,
  AML_EXT_DEVICE = 0x82,
  AML_EXT_BANKFIELD = 0x87,
};

/* A PkgLength at p: its encoded size (1-4), with *len the package length;
 * 0 if truncated or if the package does not fit in `avail`. */
uint32_t aml_pkg_length(const uint8_t *p, uint32_t avail, uint32_t *len);

/* Size of the NameString at p. */
uint32_t aml_name_len(const uint8_t *p, uint32_t avail);

/* An integer constant at p: its size, with its value in *v. */
uint32_t aml_integer(const uint8_t *p, uint32_t avail, uint64_t *v);

/* Size of the data object at p (integer, string, buffer, package). */
uint32_t aml_data_len(const uint8_t *p, uint32_t avail);

/* The bytes of the Buffer object at p, `size` bytes long (as sized by
 * aml_data_len): at most its BufferSize, at most what is there. */
bool aml_buffer_bytes(const uint8_t *p, uint32_t size, const uint8_t **b,
                      uint32_t *n);

#endif
