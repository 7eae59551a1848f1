/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_PARQUET_THRIFT_H
#define MEMSNAP_PARQUET_THRIFT_H
/*
 * The numbers of parquet.thrift (Apache Parquet's format) that the writer
 * (parquet.c) writes and pq_check() (parquet_check.c) reads: one list, so
 * that the two cannot disagree.
 */
enum { T_INT64 = 2, T_DOUBLE = 5, T_BYTE_ARRAY = 6 };      /* Type */
enum { REP_REQUIRED = 0, REP_OPTIONAL = 1 };               /* FieldRepetitionType */
enum {                                                     /* Encoding */
	ENC_PLAIN = 0, ENC_RLE = 3, ENC_DELTA_BINARY_PACKED = 5,
	ENC_RLE_DICTIONARY = 8, ENC_BYTE_STREAM_SPLIT = 9,
};
enum { CODEC_UNCOMPRESSED = 0, CODEC_ZSTD = 6 };           /* CompressionCodec */
enum { CONVERTED_UTF8 = 0 };                               /* ConvertedType */
enum { PAGE_DATA = 0, PAGE_DICTIONARY = 2 };               /* PageType */

#endif
