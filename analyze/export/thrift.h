/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_THRIFT_H
#define MEMSNAP_THRIFT_H
/*
 * The Thrift compact protocol, writing side only, as much as a Parquet
 * footer needs (Apache Thrift's doc/specs/thrift-compact-protocol.md):
 * field headers with id deltas, zigzag varints, binaries, lists, nested
 * structs.  The caller writes fields in increasing id order, as Parquet's
 * own writers do.  Bytes go to a strbuf; nothing here can fail.
 *
 *   struct tc t; tc_init(&t, &out);
 *   tc_field(&t, 1, TC_I32); tc_i32(&t, 1);
 *   tc_field(&t, 2, TC_LIST); tc_list(&t, TC_STRUCT, n);
 *       tc_struct_begin(&t); ... tc_struct_end(&t);     (each element)
 *   tc_stop(&t);                                         (the outer struct)
 */
#include <stdbool.h>
#include <stdint.h>

#include "common/util.h"

enum tc_type {
	TC_BOOL_TRUE = 1, TC_BOOL_FALSE = 2, TC_BYTE = 3, TC_I16 = 4,
	TC_I32 = 5, TC_I64 = 6, TC_DOUBLE = 7, TC_BINARY = 8, TC_LIST = 9,
	TC_SET = 10, TC_MAP = 11, TC_STRUCT = 12,
};

#define TC_MAX_DEPTH 16

struct tc {
	struct strbuf *out;
	int16_t last_id[TC_MAX_DEPTH];   /* last field id, per nesting level */
	int depth;
};

void tc_init(struct tc *t, struct strbuf *out);
void tc_varint(struct tc *t, uint64_t v);
/* A field header; for a struct field, follow with tc_struct_begin(). */
void tc_field(struct tc *t, int16_t id, enum tc_type type);
void tc_field_bool(struct tc *t, int16_t id, bool v);
void tc_i32(struct tc *t, int32_t v);
void tc_i64(struct tc *t, int64_t v);
void tc_binary(struct tc *t, const void *buf, size_t len);
void tc_list(struct tc *t, enum tc_type elem, size_t n);
void tc_struct_begin(struct tc *t);
/* The stop byte of the current struct, and back to the enclosing one. */
void tc_struct_end(struct tc *t);
/* The stop byte of the outermost struct. */
void tc_stop(struct tc *t);

/* Handy: a field and its value in one call. */
void tc_field_i32(struct tc *t, int16_t id, int32_t v);
void tc_field_i64(struct tc *t, int16_t id, int64_t v);
void tc_field_binary(struct tc *t, int16_t id, const void *buf, size_t len);

#endif
