/* SPDX-License-Identifier: MIT */
/*
 * /proc/PID/status: `Key:\tvalue` lines (fs/proc/array.c), sizes as
 * "%8lu kB".  Real copies come with every line indented by one space
 * (apport's ProcStatus:), with tabs turned into spaces, with a leading
 * blank line: the line splitter trims each line, so all of those read the
 * same as the kernel's own output.
 */
#include "analyze/parse/internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#include "common/banned.h"
#define N(k, m) { k, offsetof(struct proc_status, m), 0 }
#define K(k, m) { k, offsetof(struct proc_status, m), KV_FIELD_KB }
#define T(k) { k, 0, KV_FIELD_TEXT }
/*
 * Sorted by key (strcmp order): kv_table_parse_opts() bsearches it.  The
 * T() keys have no column: their text goes to extra like an unknown key's,
 * but the table finds them, so a duplicate is told by a bit, not a hash
 * (a sixth of the parse, callgrind).  fs/proc/array.c and task_mmu.c, 6.x.
 */
static const struct kv_field status_fields[] = {
	T("CapAmb"),
	T("CapBnd"),
	T("CapEff"),
	T("CapInh"),
	T("CapPrm"),
	T("CoreDumping"),
	T("Cpus_allowed"),
	T("Cpus_allowed_list"),
	T("FDSize"),
	T("Gid"),
	T("Groups"),
	K("HugetlbPages", hugetlb_pages),       /* 4.4+ */
	N("Kthread", kthread),                  /* 6.x */
	T("Mems_allowed"),
	T("Mems_allowed_list"),
	T("NSpgid"),
	T("NSsid"),
	T("NStgid"),
	T("Ngid"),
	T("NoNewPrivs"),
	N("PPid", ppid),
	N("Pid", pid),
	K("RssAnon", rss_anon),                 /* 4.5+ */
	K("RssFile", rss_file),
	K("RssShmem", rss_shmem),
	T("Seccomp"),
	T("Seccomp_filters"),
	T("ShdPnd"),
	T("SigBlk"),
	T("SigCgt"),
	T("SigIgn"),
	T("SigPnd"),
	T("SigQ"),
	T("SpeculationIndirectBranch"),
	T("Speculation_Store_Bypass"),
	T("THP_enabled"),
	N("Tgid", tgid),
	N("Threads", threads),
	T("TracerPid"),
	T("Umask"),
	K("VmData", vm_data),
	K("VmExe", vm_exe),
	K("VmHWM", vm_hwm),
	K("VmLck", vm_lck),
	K("VmLib", vm_lib),
	K("VmPMD", vm_pmd),                     /* 4.0 to 4.14 only */
	K("VmPTE", vm_pte),
	K("VmPeak", vm_peak),
	K("VmPin", vm_pin),                     /* 3.2+ */
	K("VmRSS", vm_rss),
	K("VmSize", vm_size),
	K("VmStk", vm_stk),
	K("VmSwap", vm_swap),                   /* 2.6.34+ */
	T("nonvoluntary_ctxt_switches"),
	T("untag_mask"),
	T("voluntary_ctxt_switches"),
};
static kv_index_ptr status_index;

#undef N
#undef K
#undef T

struct status_ctx {
	struct proc_status *s;
	bool seen_name, seen_state, seen_uid, seen_nspid;
};

static bool key_is(const struct kv_line *l, const char *k)
{
	size_t n = strlen(k);

	return l->klen == n && !memcmp(l->key, k, n);
}

static enum kv_hook_result dup_key(const struct kv_line *l,
				   struct parse_diag *diag)
{
	char q[DIAG_QUOTE_MAX];

	diag_add(diag, "line %u: duplicate key '%s' ignored (the first one counts)",
		 l->lineno, diag_quote(l->key, l->klen, q, sizeof(q)));
	return KV_HOOK_DUP;
}

static enum kv_hook_result num_result(enum num_err e)
{
	return e == NUM_OK ? KV_HOOK_OK :
	       e == NUM_INVALID ? KV_HOOK_BAD : KV_HOOK_RANGE;
}

/* Name:, State:, Uid: and NSpid: are not one number. */
static enum kv_hook_result status_hook(void *vctx, const struct kv_line *l,
				       struct parse_diag *diag)
{
	struct status_ctx *c = vctx;
	struct proc_status *s = c->s;
	const char *p = l->val, *end = l->val + l->vlen, *tok, *last = NULL;
	size_t tl, last_len = 0;
	enum num_err e;
	int ntok = 0;

	switch (l->key[0]) {
	case 'N':
		if (key_is(l, "Name")) {
			if (c->seen_name)
				return dup_key(l, diag);
			c->seen_name = true;
			/*
			 * As printed: the kernel escapes '\n', '\\' and the
			 * other white-space controls of comm (proc_task_name(),
			 * ESCAPE_SPACE | ESCAPE_SPECIAL); we do not undo
			 * it.  The other control bytes (ESC, BEL, ...) it prints
			 * raw, so they are kept (raw_key below) for the report
			 * to show escaped.  Trailing blanks of a comm are lost
			 * to the trim.
			 */
			s->name = xstrndup(l->val, l->vlen);
			return KV_HOOK_OK;
		}
		if (key_is(l, "NSpid")) {
			if (c->seen_nspid)
				return dup_key(l, diag);
			c->seen_nspid = true;
			/* 4.1+: one pid per nested pid namespace, innermost last. */
			while (kv_next_token(&p, end, &tok, &tl)) {
				last = tok;
				last_len = tl;
			}
			e = num_u64(last ? last : "", last_len, &s->nspid_inner.v);
			if (e == NUM_OK)
				s->nspid_inner.set = true;
			else
				diag_num(diag, l->lineno, e, l->key, l->klen,
					 l->val, l->vlen);
			return num_result(e);
		}
		return KV_HOOK_PASS;
	case 'S':
		if (!key_is(l, "State"))
			return KV_HOOK_PASS;
		if (c->seen_state)
			return dup_key(l, diag);
		c->seen_state = true;
		s->state = xstrndup(l->val, l->vlen);
		return KV_HOOK_OK;
	case 'U':
		if (!key_is(l, "Uid"))
			return KV_HOOK_PASS;
		if (c->seen_uid)
			return dup_key(l, diag);
		c->seen_uid = true;
		/* Real, effective, saved set, file system. */
		e = NUM_INVALID;
		while (kv_next_token(&p, end, &tok, &tl)) {
			struct kv_u64 *dst = ntok == 0 ? &s->uid :
					     ntok == 1 ? &s->euid : NULL;
			enum num_err te;

			ntok++;
			if (!dst)
				continue;
			te = num_u64(tok, tl, &dst->v);
			if (te == NUM_OK)
				dst->set = true;
			else
				diag_num(diag, l->lineno, te, l->key, l->klen,
					 tok, tl);
			if (ntok == 1)
				e = te;
		}
		if (ntok == 0)
			diag_num(diag, l->lineno, NUM_INVALID, l->key, l->klen,
				 l->val, l->vlen);
		else if (ntok != 4)
			diag_add(diag, "line %u: 'Uid' has %d values, expected 4",
				 l->lineno, ntok);
		return num_result(e);
	default:
		return KV_HOOK_PASS;
	}
}

static int status_parse(const char *buf, size_t len, bool drop_extra,
			struct proc_status *ret, struct parse_diag *diag)
{
	struct status_ctx ctx = { .s = ret };
	struct kv_table_opts o = {
		.sep = ':',
		.index = &status_index,
		.raw_key = "Name",
		.allow_kb = true,
		.strict_units = true,
		.drop_extra = drop_extra,
		.hook = status_hook,
		.ctx = &ctx,
	};

	return kv_table_parse_opts(buf, len, &o, status_fields,
				   ARRAY_SIZE(status_fields), ret, &ret->extra,
				   diag);
}

int parse_status(const char *buf, size_t len, struct proc_status *ret,
		 struct parse_diag *diag)
{
	return status_parse(buf, len, false, ret, diag);
}

int parse_status_no_extra(const char *buf, size_t len,
			  struct proc_status *ret, struct parse_diag *diag)
{
	return status_parse(buf, len, true, ret, diag);
}

void proc_status_free(struct proc_status *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->state);
	kv_extras_free(&s->extra);
	memset(s, 0, sizeof(*s));
}
