/* SPDX-License-Identifier: MIT */
/*
 * Who acts first, the kubelet or the kernel (issue 16 items 4 and 5):
 * collector/kubelet.txt into kubelet_setting, one row per kept setting
 * after the kubelet's precedence, with its memory entry in bytes or
 * percent; collector/journal-kills.txt into journal_kill, one row per
 * systemd-oomd kill or kubelet eviction line (schema/88-kubelet.sql).
 */
#include "analyze/load/loader.h"

#include <string.h>

#include "analyze/db/db.h"
#include "common/kubelet_settings.h"

#include "common/banned.h"

/* The signal of a setting's memory entry: eviction's or a reservation's. */
static const char *memory_signal(enum kubelet_key k)
{
	switch (k) {
	case KUBELET_EVICTION_HARD:
	case KUBELET_EVICTION_SOFT:
	case KUBELET_EVICTION_SOFT_GRACE:
		return "memory.available";
	case KUBELET_SYSTEM_RESERVED:
	case KUBELET_KUBE_RESERVED:
		return "memory";
	default:
		return NULL;
	}
}

void load_kubelet_settings(struct loader *l, const struct file_in *f)
{
	struct kubelet_settings k = { 0 };
	struct parse_diag d = { 0 };
	int r = parse_kubelet_settings(f->buf, f->len, &k, &d);
	size_t i;

	note_diag(l, f->path, r, &d);
	for (i = 0; r == 0 && i < KUBELET_SETTINGS_NR; i++) {
		const struct kubelet_setting *s = &k.v[i];
		const char *signal = memory_signal((enum kubelet_key)i);
		const struct eviction_threshold *t = NULL;
		struct kubelet_row row = { 0 };

		if (!s->set)
			continue;
		row.key = kubelet_keys[i].config;
		row.source = s->source;
		row.value = s->value;
		if (signal)
			t = eviction_thresholds_get(&s->entries, signal);
		if (t && t->percent) {
			row.memory_pct_set = true;
			row.memory_pct = t->pct;
		} else if (t) {
			row.memory_bytes = t->quantity;
		}
		put_rows(l, T_KUBELET_SETTING, NULL, &row, 1, sizeof(row));
	}
	kubelet_settings_free(&k);
}

static const char *kill_kind_name(enum kill_kind k)
{
	switch (k) {
	case KILL_OOMD_KILLED:       return "oomd-killed";
	case KILL_OOMD_UNIT:         return "oomd-unit";
	case KILL_KUBELET_THRESHOLD: return "kubelet-threshold";
	case KILL_KUBELET_EVICTING:  return "kubelet-evicting";
	case KILL_KUBELET_EVICTED:   return "kubelet-evicted";
	}
	return "unknown";
}

void load_journal_kills(struct loader *l, const struct file_in *f)
{
	struct kill_events k = { 0 };
	struct parse_diag d = { 0 };
	int r = parse_kill_log(f->buf, f->len, &k, &d);
	sqlite3_stmt *st = S(l, T_JOURNAL_KILL);
	size_t i;

	note_diag(l, f->path, r, &d);
	for (i = 0; r == 0 && i < k.n; i++) {
		sqlite3_bind_int64(st, 1, l->capture_id);
		sqlite3_bind_int64(st, 2, (int64_t)k.v[i].lineno);
		db_bind_text(st, 3, kill_kind_name(k.v[i].kind));
		rows_bind(st, 4, &row_specs[T_JOURNAL_KILL], &k.v[i]);
		put(l, st);
	}
	kill_events_free(&k);
}
