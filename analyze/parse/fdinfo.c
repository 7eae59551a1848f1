/* SPDX-License-Identifier: MIT */
/*
 * /proc/PID/fdinfo/FD of a BPF map: the generic fdinfo lines (pos, flags,
 * mnt_id, ino) then what kernel/bpf/syscall.c, bpf_map_show_fdinfo()
 * prints, `key:\tvalue`:
 *
 *   map_type:     %u      4.10+ (with key_size, value_size, max_entries,
 *   key_size:     %u             map_flags)
 *   value_size:   %u
 *   max_entries:  %u
 *   map_flags:    %#x     hex: "0" for 0, else "0x..."
 *   map_extra:    %#llx   5.16+ (bloom filter hashes), hex like map_flags
 *   memlock:      %lu     bytes; %llu since 6.4, when it became the map's
 *                         real usage (bpf_map_memory_usage()); before 6.4
 *                         an estimate (bpf_map_memory_footprint(): entries
 *                         * round_up(key + value, 8), page aligned)
 *   map_id:       %u      4.14+ (4.13 had no map ids in fdinfo)
 *   frozen:       %u      5.2+
 *   owner_prog_type: %u   prog arrays only, once a program owns them
 *   owner_jited:  %u
 *
 * "flags:" is the file's open flags in octal ("0%o", fs/proc/fd.c).
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"

#define F(k, m) { k, offsetof(struct bpf_fdinfo, m) }
/* Sorted by key (strcmp order); flags, map_flags, map_extra: the hook. */
static const struct kv_field fdinfo_fields[] = {
	F("frozen", frozen),
	F("ino", ino),
	F("key_size", key_size),
	F("map_id", map_id),
	F("map_type", map_type),
	F("max_entries", max_entries),
	F("memlock", memlock),
	F("mnt_id", mnt_id),
	F("owner_jited", owner_jited),
	F("owner_prog_type", owner_prog_type),
	F("pos", pos),
	F("value_size", value_size),
};
static kv_index_ptr fdinfo_index;
#undef F

struct fdinfo_ctx {
	struct bpf_fdinfo *f;
	bool seen_flags, seen_map_flags, seen_map_extra;
};

static enum kv_hook_result fdinfo_hook(void *vctx, const struct kv_line *l,
				       struct parse_diag *diag)
{
	struct fdinfo_ctx *c = vctx;
	struct kv_u64 *dst;
	bool *seen;
	enum num_err e;
	char q[DIAG_QUOTE_MAX];

	if (l->klen == 5 && !memcmp(l->key, "flags", 5)) {
		dst = &c->f->flags;
		seen = &c->seen_flags;
	} else if (l->klen == 9 && !memcmp(l->key, "map_flags", 9)) {
		dst = &c->f->map_flags;
		seen = &c->seen_map_flags;
	} else if (l->klen == 9 && !memcmp(l->key, "map_extra", 9)) {
		dst = &c->f->map_extra;
		seen = &c->seen_map_extra;
	} else {
		return KV_HOOK_PASS;
	}
	if (*seen) {
		diag_add(diag, "line %u: duplicate key '%s' ignored (the first one counts)",
			 l->lineno, diag_quote(l->key, l->klen, q, sizeof(q)));
		return KV_HOOK_DUP;
	}
	*seen = true;
	e = dst == &c->f->flags ? num_oct(l->val, l->vlen, &dst->v) :
				  num_hex(l->val, l->vlen, &dst->v);
	if (e == NUM_OK) {
		dst->set = true;
		return KV_HOOK_OK;
	}
	diag_num(diag, l->lineno, e, l->key, l->klen, l->val, l->vlen);
	return e == NUM_INVALID ? KV_HOOK_BAD : KV_HOOK_RANGE;
}

int parse_bpf_fdinfo(const char *buf, size_t len, struct bpf_fdinfo *ret,
		     struct parse_diag *diag)
{
	struct fdinfo_ctx ctx = { .f = ret };
	struct kv_table_opts o = {
		.sep = ':',
		.index = &fdinfo_index,
		.hook = fdinfo_hook,
		.ctx = &ctx,
	};
	int r;

	r = kv_table_parse_opts(buf, len, &o, fdinfo_fields,
				ARRAY_SIZE(fdinfo_fields), ret, &ret->extra,
				diag);
	/* Any fd has pos/flags/mnt_id/ino: only map_type says "BPF map". */
	if (r == 0 && !ret->map_type.set) {
		diag_add(diag, "no 'map_type': not the fdinfo of a BPF map");
		r = -EINVAL;
	}
	return r;
}

void bpf_fdinfo_free(struct bpf_fdinfo *f)
{
	if (!f)
		return;
	kv_extras_free(&f->extra);
	memset(f, 0, sizeof(*f));
}

/*
 * include/uapi/linux/bpf.h, enum bpf_map_type, named as bpftool and libbpf
 * name them (libbpf's map_type_name[]).  Append only: the kernel never
 * renumbers.
 */
static const char *const map_type_names[] = {
	"unspec",                       /*  0 */
	"hash",                         /*  1 */
	"array",
	"prog_array",
	"perf_event_array",
	"percpu_hash",                  /*  5 */
	"percpu_array",
	"stack_trace",
	"cgroup_array",
	"lru_hash",
	"lru_percpu_hash",              /* 10 */
	"lpm_trie",
	"array_of_maps",
	"hash_of_maps",
	"devmap",
	"sockmap",                      /* 15 */
	"cpumap",
	"xskmap",
	"sockhash",
	"cgroup_storage",               /* 19, CGROUP_STORAGE_DEPRECATED in 6.2+ */
	"reuseport_sockarray",          /* 20 */
	"percpu_cgroup_storage",
	"queue",
	"stack",
	"sk_storage",
	"devmap_hash",                  /* 25 */
	"struct_ops",
	"ringbuf",                      /* 5.8 */
	"inode_storage",
	"task_storage",
	"bloom_filter",                 /* 30, 5.16 */
	"user_ringbuf",                 /* 6.1 */
	"cgrp_storage",                 /* 6.2 */
	"arena",                        /* 6.9 */
	"insn_array",                   /* 34, the newest (2025) */
};

const char *bpf_map_type_name(uint64_t type)
{
	return type < ARRAY_SIZE(map_type_names) ? map_type_names[type] : NULL;
}
