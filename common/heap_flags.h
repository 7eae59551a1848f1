/* SPDX-License-Identifier: MIT */
#ifndef MEMSNAP_HEAP_FLAGS_H
#define MEMSNAP_HEAP_FLAGS_H
/*
 * The heap settings of the JVM and Node.js, said once: memsnap-collect
 * keeps these arguments (from /proc/PID/cmdline and from JAVA_TOOL_OPTIONS,
 * JDK_JAVA_OPTIONS, _JAVA_OPTIONS and NODE_OPTIONS) and nothing else of a
 * command line or an environment; analyze/parse turns them into bytes and
 * percentages (parse_heap_flags()).
 */
#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

enum heap_flag {
	HEAP_XMX,              /* -Xmx<size> */
	HEAP_XMS,              /* -Xms<size> */
	HEAP_MAX_RAM,          /* -XX:MaxRAM=<size> */
	HEAP_MAX_PCT,          /* -XX:MaxRAMPercentage=<double> */
	HEAP_INITIAL_PCT,      /* -XX:InitialRAMPercentage=<double> */
	HEAP_MIN_PCT,          /* -XX:MinRAMPercentage=<double> */
	HEAP_NODE_OLD,         /* --max-old-space-size=<MiB> (or with '_') */
	HEAP_NONE,
};

/*
 * Which setting arg[0..len) is, with the length of its name (the value
 * follows); HEAP_NONE for any other argument and for a name without value.
 */
enum heap_flag heap_flag_of(const char *arg, size_t len, size_t *ret_name_len);

/*
 * The heap settings among the blank-separated words of s[0..len), joined by
 * one space, appended to out (JAVA_TOOL_OPTIONS="-Dsecret=x -Xmx1g" gives
 * "-Xmx1g").  Returns how many were kept.
 */
size_t heap_flags_keep(const char *s, size_t len, struct strbuf *out);

#endif
