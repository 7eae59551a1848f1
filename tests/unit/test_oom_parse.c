/* SPDX-License-Identifier: MIT */
/*
 * oom_log_parse(): every real OOM sample ($SAMPLES_DIR/oom) with its values
 * written down by hand from the text, the host's own OOM kill, the same
 * report wrapped every other way (variant-*, made from two samples by
 * tests/fixtures/oom/make-variants.py at test time), the
 * layouts no sample shows, and hostile input.
 */
#include "tests/unit/test_oom_util.h"

#include <time.h>

#define PATH_DOCKER_48 "/docker/2e088fe462e25e60be1dafafe2c05c47bda1a97978648d10ad2b7484fc0b8f50"
#define PATH_SCOPE_515 "/system.slice/docker-3193584578ea07bf5ee503289e7fe7b69f20e60ad236b2b5ce2274419856f8f3.scope"
#define PATH_SCOPE_48 "/system.slice/docker-1da1ac35179e4a431244118025a4806f88ca172ffdba9e035076add06e912e6f.scope"
#define PATH_KUBEDIR "/kubepods/pod951f6bc5-c5a5-11ea-8707-80e455f266a2/024952d653ef1cd852f875a61bd27cf45cb1fd6cab3659ca7e5f12f037d99aa9"
#define PATH_EL9 "/kubepods.slice/kubepods-pod089f25ee_a41a_414c_a028_71a38dfb30d3.slice/cri-containerd-c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af77f52b09d15225139c74f.scope"
#define PATH_EGACHI_POD "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod94eb36cd_29e1_478b_b365_4cb5dfc7d6fb.slice"
#define PATH_EGACHI_CTR PATH_EGACHI_POD "/cri-containerd-46b3e0a4df44b752b841aecca454e6e78995d567912a84950390bae6f6777a63.scope"

/* ---- the real samples ----------------------------------------------------- */

static void test_oom_log_parse_cadvisor_docker_v1_48_gentoo(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;
	const struct oom_kill *k;
	const struct oom_task *t;

	(void)state;
	to_parse_sample("cadvisor-test-docker-memcg-v1-kernel4.8.0-gentoo-20M.txt", &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	/* 14 docker0/veth lines before, 8 after the reaper line */
	assert_int_equal(ev->first_line, 15);
	assert_int_equal(ev->last_line, 44);
	assert_true(ev->complete);
	assert_int_equal(ev->missing, 0);
	assert_false(ev->has_ktime);
	assert_str(ev->log_time, NULL);
	assert_true(ev->has_trigger);
	assert_str(ev->trigger_comm, "gunpowder-memho");
	assert_kv(ev->trigger_pid, 1381);
	assert_unset(ev->trigger_uid);
	assert_str(ev->gfp_mask, "0x24000c0");
	assert_str(ev->gfp_flags, "GFP_KERNEL");
	assert_kv(ev->order, 0);
	assert_i64(ev->trigger_oom_score_adj, 0);
	assert_unset(ev->trigger_oom_adj);
	assert_str(ev->cpuset, "2e088fe462e25e60be1dafafe2c05c47bda1a97978648d10ad2b7484fc0b8f50");
	assert_str(ev->mems_allowed, "0");
	assert_str(ev->kernel_release, "4.8.0-gentoo");
	assert_str(ev->constraint, NULL);
	assert_str(ev->oom_memcg, PATH_DOCKER_48);
	assert_str(ev->task_memcg, PATH_DOCKER_48);
	assert_str(oom_event_kind(ev), "memcg");
	assert_int_equal(ev->ncounters, 3);
	assert_counter(ev, "memory", 20480, 20480, 1204);
	assert_counter(ev, "memory+swap", 40940, 40960, 6);
	assert_counter(ev, "kmem", 220, 9007199254740988ull, 0);
	assert_int_equal(ev->nstats, 1);
	assert_string_equal(ev->stats[0].cgroup, PATH_DOCKER_48);
	assert_int_equal(ev->stats[0].n, 12);
	assert_int_equal(to_stat(&ev->stats[0], "cache"), 0);
	assert_int_equal(to_stat(&ev->stats[0], "rss"), 20260 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "writeback"), 1016 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "swap"), 20460 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "inactive_anon"), 10232 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "active_anon"), 10028 * KB);
	assert_false(ev->has_meminfo);
	assert_true(ev->has_task_header);
	assert_int_equal(ev->ntasks, 1);
	t = to_task(ev, 1381);
	assert_kv(t->uid, 0);
	assert_kv(t->tgid, 1381);
	assert_kv(t->total_vm, 530382);
	assert_kv(t->rss, 5191);
	assert_kv(t->nr_ptes, 34);
	assert_kv(t->nr_pmds, 4);
	assert_kv(t->swapents, 5489);
	assert_i64(t->oom_score_adj, 0);
	assert_unset(t->pgtables_bytes);
	assert_unset(t->rss_anon);
	assert_string_equal(t->name, "gunpowder-memho");
	assert_kv(ev->chosen_pid, 1381);
	assert_str(ev->chosen_comm, "gunpowder-memho");
	assert_kv(ev->chosen_score, 1046);
	assert_int_equal(ev->nkills, 1);
	k = &ev->kills[0];
	assert_int_equal(k->reason, OOM_KILL_VICTIM);
	assert_int_equal(k->line, 43);
	assert_kv(k->pid, 1381);
	assert_str(k->comm, "gunpowder-memho");
	assert_kv(k->total_vm_kb, 2121528);
	assert_kv(k->anon_rss_kb, 18624);
	assert_kv(k->file_rss_kb, 2140);
	assert_kv(k->shmem_rss_kb, 0);
	assert_unset(k->uid);
	assert_unset(k->pgtables_kb);
	assert_false(k->memcg);          /* "Killed process" had no prefix on 4.8 */
	assert_true(k->reaped);
	assert_kv(k->reaped_anon_rss_kb, 0);
	assert_kv(k->reaped_file_rss_kb, 0);
	assert_kv(k->reaped_shmem_rss_kb, 0);
	/* 5191 pages in the row, 18624 + 2140 kB on the kill line */
	assert_int_equal(ev->page_size, 4096);
	assert_int_equal(ev->page_size_source, OOM_PAGE_SIZE_INFERRED);
	assert_kv(ev->victim.pid, 1381);
	assert_str(ev->victim.comm, "gunpowder-memho");
	assert_kv(ev->victim.uid, 0);                     /* from the row */
	assert_kv(ev->victim.anon_rss_bytes, 18624 * KB);
	assert_kv(ev->victim.pgtables_bytes, (34 + 4) * 4096);
	assert_i64(ev->victim.oom_score_adj, 0);
	oom_log_free(&log);
}

static void test_oom_log_parse_cadvisor_global_313(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;
	const struct oom_task *t;

	(void)state;
	to_parse_sample("cadvisor-test-global-kernel3.13.0-27-ubuntu.txt", &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 81);
	assert_true(ev->complete);
	assert_str(ev->trigger_comm, "badsysprogram");
	assert_kv(ev->trigger_pid, 1532);
	assert_str(ev->gfp_mask, "0x280da");
	assert_str(ev->gfp_flags, NULL);        /* 3.13 printed no flag names */
	assert_str(ev->cpuset, "/");
	assert_str(ev->kernel_release, "3.13.0-27-generic");
	assert_str(ev->oom_memcg, NULL);
	assert_str(ev->task_memcg, NULL);
	assert_str(oom_event_kind(ev), "global");
	assert_int_equal(ev->ncounters, 0);
	assert_int_equal(ev->nstats, 0);
	assert_true(ev->has_meminfo);
	assert_meminfo(ev, "active_anon", 405991, OOM_UNIT_PAGES);
	assert_meminfo(ev, "inactive_anon", 57, OOM_UNIT_PAGES);
	assert_meminfo(ev, "active_file", 35, OOM_UNIT_PAGES);
	assert_meminfo(ev, "free", 12929, OOM_UNIT_PAGES);
	assert_meminfo(ev, "slab_reclaimable", 1635, OOM_UNIT_PAGES);
	assert_meminfo(ev, "slab_unreclaimable", 1919, OOM_UNIT_PAGES);
	assert_meminfo(ev, "shmem", 70, OOM_UNIT_PAGES);
	assert_meminfo(ev, "pagetables", 1423, OOM_UNIT_PAGES);
	assert_meminfo(ev, "free_cma", 0, OOM_UNIT_PAGES);
	/* per zone on 3.13: DMA 0kB + DMA32 592kB */
	assert_meminfo(ev, "kernel_stack", 592, OOM_UNIT_KB);
	assert_meminfo(ev, "total_pagecache", 204, OOM_UNIT_PAGES);
	assert_meminfo(ev, "swap_cache", 0, OOM_UNIT_PAGES);
	assert_meminfo(ev, "free_swap", 0, OOM_UNIT_KB);
	assert_meminfo(ev, "total_swap", 0, OOM_UNIT_KB);
	assert_meminfo(ev, "ram", 445340, OOM_UNIT_PAGES);
	assert_meminfo(ev, "highmem_movableonly", 0, OOM_UNIT_PAGES);
	assert_meminfo(ev, "reserved", 10614, OOM_UNIT_PAGES);
	assert_int_equal(ev->ntasks, 28);
	assert_kv(ev->tasks[0].pid, 273);
	assert_string_equal(ev->tasks[0].name, "upstart-udev-br");
	assert_kv(ev->tasks[27].pid, 1532);
	t = to_task(ev, 293);
	assert_string_equal(t->name, "systemd-udevd");
	assert_i64(t->oom_score_adj, -1000);
	t = to_task(ev, 1532);
	assert_kv(t->uid, 1020);
	assert_kv(t->total_vm, 410347);
	assert_kv(t->rss, 398810);
	assert_kv(t->nr_ptes, 788);
	assert_unset(t->nr_pmds);
	assert_kv(t->swapents, 0);
	assert_kv(ev->chosen_pid, 1532);
	assert_kv(ev->chosen_score, 919);
	assert_int_equal(ev->nkills, 1);
	assert_kv(ev->kills[0].pid, 1532);
	assert_str(ev->kills[0].comm, "badsysprogram");
	assert_kv(ev->kills[0].total_vm_kb, 1641388);
	assert_kv(ev->kills[0].anon_rss_kb, 1595164);
	assert_kv(ev->kills[0].file_rss_kb, 76);
	assert_unset(ev->kills[0].shmem_rss_kb);   /* 3.13: no shmem-rss */
	assert_false(ev->kills[0].reaped);
	assert_kv(ev->victim.uid, 1020);
	assert_int_equal(ev->page_size, 4096);
	assert_int_equal(ev->page_size_source, OOM_PAGE_SIZE_INFERRED);
	oom_log_free(&log);
}

static void test_oom_log_parse_cadvisor_memcg_v1_313(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;
	const struct oom_task *t;

	(void)state;
	to_parse_sample("cadvisor-test-memcg-v1-kernel3.13.0-43-ubuntu.txt", &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 31);
	assert_true(ev->complete);
	assert_str(ev->trigger_comm, "memorymonster");
	assert_kv(ev->trigger_pid, 13536);
	assert_str(ev->gfp_mask, "0xd0");
	assert_str(ev->kernel_release, "3.13.0-43-generic");
	assert_str(ev->task_memcg, "/mem2");
	assert_str(ev->oom_memcg, "/mem2");
	assert_counter(ev, "memory", 980, 980, 4152239);
	assert_counter(ev, "memory+swap", 0, 18014398509481983ull, 0);
	assert_counter(ev, "kmem", 0, 18014398509481983ull, 0);
	assert_int_equal(ev->nstats, 1);
	assert_int_equal(ev->stats[0].n, 10);
	assert_int_equal(to_stat(&ev->stats[0], "rss"), 980 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "writeback"), 20 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "inactive_anon"), 560 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "active_anon"), 420 * KB);
	assert_int_equal(ev->ntasks, 1);
	t = to_task(ev, 13536);
	assert_kv(t->uid, 275858);
	assert_kv(t->total_vm, 8389663);
	assert_kv(t->rss, 343);
	assert_kv(t->nr_ptes, 16267);
	assert_kv(t->swapents, 8324326);
	assert_kv(ev->chosen_score, 996);
	assert_kv(ev->kills[0].total_vm_kb, 33558652);
	assert_kv(ev->kills[0].anon_rss_kb, 920);
	assert_kv(ev->kills[0].file_rss_kb, 452);
	assert_kv(ev->victim.uid, 275858);
	oom_log_free(&log);
}

static void test_oom_log_parse_docker_v2_515_arm64_journal(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;
	const struct oom_kill *k;

	(void)state;
	to_parse_sample("docker-cgroupv2-kernel5.15.0-107-arm64-journal-multiline-stat-no-header.txt",
			&log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	/* starts at the CPU line; line 80 is systemd's, not the kernel's */
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 79);
	assert_false(ev->complete);
	assert_int_equal(ev->missing, OOM_MISSING_TRIGGER);
	assert_false(ev->has_trigger);
	assert_str(ev->log_time, "May 17 19:54:29");
	assert_str(ev->log_wall_time, "May 17 19:54:29");   /* no year to normalise */
	assert_str(ev->trigger_comm, "apk");                 /* from the CPU line */
	assert_kv(ev->trigger_pid, 3974);
	assert_str(ev->gfp_mask, NULL);
	assert_str(ev->kernel_release, "5.15.0-107-generic");
	assert_counter(ev, "memory", 8192, 8192, 282377);
	assert_counter(ev, "swap", 8192, 8192, 1832);
	assert_int_equal(ev->ncounters, 2);
	assert_int_equal(ev->nstats, 1);
	assert_string_equal(ev->stats[0].cgroup, PATH_SCOPE_515);
	/* the header line, then 40 keys on continuation lines indented 34 */
	assert_int_equal(ev->stats[0].n, 40);
	assert_int_equal(to_stat(&ev->stats[0], "anon"), 7688192);
	assert_int_equal(to_stat(&ev->stats[0], "file"), 49152);
	assert_int_equal(to_stat(&ev->stats[0], "percpu"), 144);
	assert_int_equal(to_stat(&ev->stats[0], "slab"), 189840);
	assert_int_equal(to_stat(&ev->stats[0], "pgscan"), 1895615);
	assert_int_equal(to_stat(&ev->stats[0], "thp_collapse_alloc"), 0);
	assert_int_equal(ev->ntasks, 2);
	assert_kv(to_task(ev, 3920)->pgtables_bytes, 45056);
	assert_kv(to_task(ev, 3920)->swapents, 33);
	assert_string_equal(to_task(ev, 3920)->name, "sh");
	assert_kv(to_task(ev, 3974)->total_vm, 5150);
	assert_kv(to_task(ev, 3974)->rss, 2024);
	assert_kv(to_task(ev, 3974)->pgtables_bytes, 81920);
	assert_kv(to_task(ev, 3974)->swapents, 1930);
	assert_str(ev->constraint, "CONSTRAINT_MEMCG");
	assert_str(ev->nodemask, "(null)");
	assert_str(ev->cpuset, "docker-3193584578ea07bf5ee503289e7fe7b69f20e60ad236b2b5ce2274419856f8f3.scope");
	assert_str(ev->mems_allowed, "0");
	assert_str(ev->oom_memcg, PATH_SCOPE_515);
	assert_str(ev->task_memcg, PATH_SCOPE_515);
	assert_false(ev->global_oom);
	assert_str(ev->oomkill_task, "apk");
	assert_kv(ev->oomkill_pid, 3974);
	assert_kv(ev->oomkill_uid, 0);
	assert_int_equal(ev->nkills, 1);
	k = &ev->kills[0];
	assert_true(k->memcg);
	assert_kv(k->pid, 3974);
	assert_str(k->comm, "apk");
	assert_kv(k->total_vm_kb, 20600);
	assert_kv(k->anon_rss_kb, 7508);
	assert_kv(k->file_rss_kb, 588);
	assert_kv(k->shmem_rss_kb, 0);
	assert_kv(k->uid, 0);
	assert_kv(k->pgtables_kb, 80);
	assert_i64(k->oom_score_adj, 0);
	/* 2024 pages = 7508 + 588 kB */
	assert_int_equal(ev->page_size, 4096);
	assert_int_equal(ev->page_size_source, OOM_PAGE_SIZE_INFERRED);
	oom_log_free(&log);
}

static void test_oom_log_parse_docker_scope_v1_48_syslog(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	to_parse_sample("docker-systemd-scope-memcg-v1-kernel4.8.11-fc24-syslog.txt", &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 31);
	assert_true(ev->complete);
	assert_str(ev->log_time, "Dec 17 00:34:31");
	assert_str(ev->trigger_comm, "stress");
	assert_kv(ev->trigger_pid, 12906);
	assert_str(ev->gfp_flags, "GFP_KERNEL");
	assert_str(ev->cpuset, "docker-1da1ac35179e4a431244118025a4806f88ca172ffdba9e035076add06e912e6f.scope");
	assert_str(ev->kernel_release, "4.8.11-200.fc24.x86_64");
	assert_str(ev->task_memcg, PATH_SCOPE_48);
	assert_str(ev->oom_memcg, PATH_SCOPE_48);
	assert_counter(ev, "memory", 1048576, 1048576, 70428);
	assert_counter(ev, "memory+swap", 2097080, 2097152, 17);
	assert_counter(ev, "kmem", 4708, 9007199254740988ull, 0);
	assert_int_equal(to_stat(&ev->stats[0], "rss"), 1043868 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "swap"), 1048504 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "writeback"), 82044 * KB);
	assert_int_equal(ev->ntasks, 2);
	assert_kv(to_task(ev, 12870)->rss, 0);
	assert_kv(to_task(ev, 12870)->nr_pmds, 3);
	assert_kv(to_task(ev, 12870)->swapents, 23);
	assert_kv(to_task(ev, 12906)->total_vm, 526155);
	assert_kv(to_task(ev, 12906)->rss, 239002);
	assert_kv(to_task(ev, 12906)->nr_ptes, 1031);
	assert_kv(to_task(ev, 12906)->nr_pmds, 5);
	assert_kv(to_task(ev, 12906)->swapents, 284061);
	assert_kv(ev->chosen_pid, 12906);
	assert_kv(ev->chosen_score, 999);
	assert_kv(ev->kills[0].pid, 12906);
	assert_kv(ev->kills[0].total_vm_kb, 2104620);
	assert_kv(ev->kills[0].anon_rss_kb, 956008);
	assert_kv(ev->kills[0].file_rss_kb, 0);
	assert_kv(ev->kills[0].shmem_rss_kb, 0);
	assert_int_equal(ev->page_size_source, OOM_PAGE_SIZE_INFERRED);
	oom_log_free(&log);
}

static void test_oom_log_parse_kubedirector_fragment_wrapped(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	to_parse_sample("fragment-k8s-cgroupfs-guaranteed-kernel4.19ish-github-wrapped-lines-kubedirector-356.txt",
			&log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 12);
	assert_false(ev->complete);
	assert_int_equal(ev->missing, OOM_MISSING_TRIGGER | OOM_MISSING_KILL);
	/* the first line begins inside its prefix: "5193605.506728] Task in" */
	assert_true(ev->has_ktime);
	assert_true(ev->kernel_time > 5193605.5067 && ev->kernel_time < 5193605.5068);
	/* "... limit of /kubepo" + "ds/pod951f..." rejoined */
	assert_str(ev->task_memcg, PATH_KUBEDIR);
	assert_str(ev->oom_memcg, PATH_KUBEDIR);
	assert_counter(ev, "memory", 524288, 524288, 0);
	assert_counter(ev, "memory+swap", 524288, 524288, 38);
	assert_counter(ev, "kmem", 16560, 9007199254740988ull, 0);
	assert_int_equal(ev->nstats, 1);
	assert_int_equal(ev->stats[0].n, 13);
	assert_int_equal(to_stat(&ev->stats[0], "cache"), 507172 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "rss"), 448 * KB);   /* "rss:44" + "8KB" */
	assert_int_equal(to_stat(&ev->stats[0], "shmem"), 28 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "dirty"), 503316 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "active_anon"), 540 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "inactive_file"), 253596 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "active_file"), 253592 * KB);
	assert_int_equal(ev->ntasks, 2);
	assert_kv(to_task(ev, 62685)->total_vm, 2925);
	assert_kv(to_task(ev, 62685)->rss, 679);
	assert_kv(to_task(ev, 62685)->pgtables_bytes, 65536);
	assert_i64(to_task(ev, 62685)->oom_score_adj, -998);
	assert_string_equal(to_task(ev, 62769)->name, "cp");
	assert_kv(to_task(ev, 62769)->pgtables_bytes, 77824);
	assert_kv(ev->chosen_pid, 62685);
	assert_str(ev->chosen_comm, "bash");
	assert_kv(ev->chosen_score, 0);
	/* selected, but the log ends before "Killed process": no victim */
	assert_int_equal(ev->nkills, 0);
	assert_unset(ev->victim.pid);
	assert_int_equal(ev->page_size_source, OOM_PAGE_SIZE_DEFAULT);
	oom_log_free(&log);
}

static void test_oom_log_parse_askubuntu_condensed(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	to_parse_sample("global-oom-kernel4.x-askubuntu-oomlog-condensed-partial.txt", &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	/* line 1 is a logger marker ("kernel[19202]: Start for oom-killer") */
	assert_int_equal(ev->first_line, 2);
	assert_int_equal(ev->last_line, 16);
	assert_false(ev->complete);
	assert_int_equal(ev->missing, OOM_MISSING_TRIGGER);
	assert_str(ev->log_time, "Nov 12 12:30:02");
	assert_meminfo(ev, "total_pagecache", 31981, OOM_UNIT_PAGES);
	assert_meminfo(ev, "swap_cache", 11627, OOM_UNIT_PAGES);
	assert_meminfo(ev, "free_swap", 0, OOM_UNIT_KB);
	assert_meminfo(ev, "total_swap", 8252412, OOM_UNIT_KB);
	assert_meminfo(ev, "ram", 2062044, OOM_UNIT_PAGES);
	assert_meminfo(ev, "reserved", 56052, OOM_UNIT_PAGES);
	assert_meminfo(ev, "cma_reserved", 0, OOM_UNIT_PAGES);
	assert_meminfo(ev, "hwpoisoned", 0, OOM_UNIT_PAGES);
	assert_int_equal(ev->ntasks, 1);
	assert_kv(to_task(ev, 4358)->uid, 1000);
	assert_kv(to_task(ev, 4358)->total_vm, 2853387);
	assert_kv(to_task(ev, 4358)->rss, 1773446);
	assert_kv(to_task(ev, 4358)->nr_ptes, 5578);
	assert_kv(to_task(ev, 4358)->nr_pmds, 13);
	assert_kv(to_task(ev, 4358)->swapents, 1074744);
	assert_kv(ev->chosen_score, 701);
	assert_kv(ev->kills[0].pid, 4358);
	assert_kv(ev->kills[0].total_vm_kb, 11413548);
	assert_kv(ev->kills[0].anon_rss_kb, 7093784);
	assert_true(ev->kills[0].reaped);
	assert_str(oom_event_kind(ev), "global");     /* "Out of memory: Kill process" */
	assert_kv(ev->victim.uid, 1000);
	oom_log_free(&log);
}

static void test_oom_log_parse_global_611_stress_ng(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;
	const struct oom_task *t;
	const struct oom_kill *k;

	(void)state;
	to_parse_sample("global-oom-kernel6.11-qemu-stress-ng-full.txt", &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 68);
	assert_true(ev->complete);
	assert_true(ev->has_ktime);
	assert_true(ev->kernel_time > 30.745677 && ev->kernel_time < 30.745679);
	assert_str(ev->trigger_comm, "stress-ng-vm");
	assert_kv(ev->trigger_pid, 116);
	assert_kv(ev->trigger_uid, 0);          /* "CPU: 1 UID: 0 PID: 116" */
	assert_str(ev->gfp_mask, "0x440dc0");
	assert_str(ev->gfp_flags, "GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO");
	assert_i64(ev->trigger_oom_score_adj, 1000);
	assert_str(ev->kernel_release, "6.11.0-10669-g11a299a7933e-dirty");
	assert_meminfo(ev, "active_anon", 1999425, OOM_UNIT_PAGES);
	assert_meminfo(ev, "unevictable", 4653, OOM_UNIT_PAGES);
	assert_meminfo(ev, "slab_unreclaimable", 5771, OOM_UNIT_PAGES);
	assert_meminfo(ev, "shmem", 4157, OOM_UNIT_PAGES);
	assert_meminfo(ev, "sec_pagetables", 0, OOM_UNIT_PAGES);
	assert_meminfo(ev, "kernel_misc_reclaimable", 0, OOM_UNIT_PAGES);
	assert_meminfo(ev, "free", 1097, OOM_UNIT_PAGES);
	assert_meminfo(ev, "free_pcp", 8616, OOM_UNIT_PAGES);
	assert_meminfo(ev, "kernel_stack", 2144, OOM_UNIT_KB);   /* the node line */
	assert_meminfo(ev, "total_pagecache", 8810, OOM_UNIT_PAGES);
	assert_meminfo(ev, "ram", 2097022, OOM_UNIT_PAGES);
	assert_meminfo(ev, "reserved", 67366, OOM_UNIT_PAGES);
	assert_int_equal(ev->ntasks, 4);
	t = to_task(ev, 116);
	assert_kv(t->total_vm, 2628942);
	assert_kv(t->rss, 1995298);
	assert_kv(t->rss_anon, 1995157);
	assert_kv(t->rss_file, 141);
	assert_kv(t->rss_shmem, 0);
	assert_kv(t->pgtables_bytes, 16052224);
	assert_i64(t->oom_score_adj, 1000);
	assert_string_equal(t->name, "stress-ng-vm");
	t = to_task(ev, 114);
	assert_kv(t->rss_shmem, 4128);
	assert_i64(t->oom_score_adj, -1000);
	assert_string_equal(t->name, "stress-ng");
	assert_str(ev->constraint, "CONSTRAINT_NONE");
	assert_true(ev->global_oom);
	assert_str(ev->oom_memcg, NULL);
	assert_str(ev->task_memcg, "/");
	assert_str(ev->cpuset, "/");
	assert_str(ev->oomkill_task, "stress-ng-vm");
	assert_kv(ev->oomkill_pid, 116);
	assert_str(oom_event_kind(ev), "global");
	k = &ev->kills[0];
	assert_false(k->memcg);
	assert_kv(k->pid, 116);
	assert_kv(k->total_vm_kb, 10515768);
	assert_kv(k->anon_rss_kb, 7980628);
	assert_kv(k->file_rss_kb, 564);
	assert_kv(k->shmem_rss_kb, 0);
	assert_kv(k->uid, 0);
	assert_kv(k->pgtables_kb, 15676);
	assert_i64(k->oom_score_adj, 1000);
	assert_false(k->reaped);
	oom_log_free(&log);
}

static void test_oom_log_parse_dmesg_T_zh_two_lines(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	to_parse_sample("k8s-cgroupfs-dmesg-T-zh-locale-two-lines.txt", &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 2);
	assert_false(ev->complete);
	assert_int_equal(ev->missing, OOM_MISSING_TRIGGER);
	assert_false(ev->has_ktime);
	assert_str(ev->log_time, "二 9月  3 05:57:48 2024");
	assert_str(ev->log_wall_time, "2024-09-03T05:57:48");
	assert_str(ev->constraint, "CONSTRAINT_MEMCG");
	assert_str(ev->cpuset, "3e5e5eab87df615f4777e6f7f261a7fb62f4a7ee5bc3e25e3a5b5223ccd368fe");
	assert_str(ev->mems_allowed, "0-1");
	assert_str(ev->oom_memcg, "/kubepods/burstable/pod28fcb1a0-a45c-44e7-b9bf-e3b9360bedba");
	assert_str(ev->task_memcg, "/kubepods/burstable/pod28fcb1a0-a45c-44e7-b9bf-e3b9360bedba/"
		   "3e5e5eab87df615f4777e6f7f261a7fb62f4a7ee5bc3e25e3a5b5223ccd368fe");
	assert_str(ev->oomkill_task, "java");
	assert_kv(ev->oomkill_pid, 50624);
	assert_kv(ev->oomkill_uid, 10000);
	assert_int_equal(ev->nkills, 1);
	assert_kv(ev->kills[0].pid, 50624);
	assert_str(ev->kills[0].comm, "java");
	assert_kv(ev->kills[0].total_vm_kb, 59726088);
	assert_kv(ev->kills[0].anon_rss_kb, 8225208);
	assert_kv(ev->kills[0].file_rss_kb, 26912);
	assert_kv(ev->kills[0].uid, 10000);
	assert_kv(ev->kills[0].pgtables_kb, 21384);
	assert_i64(ev->kills[0].oom_score_adj, 969);
	assert_int_equal(ev->ntasks, 0);
	assert_false(ev->has_task_header);
	assert_int_equal(ev->page_size_source, OOM_PAGE_SIZE_DEFAULT);
	oom_log_free(&log);
}

static void test_oom_log_parse_el9_v2_dmesg_Tx_indented(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	to_parse_sample("k8s-cgroupv2-guaranteed-kernel5.14.0-333.el9-dmesg-Tx-blog-as-pasted-indented.txt",
			&log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 99);
	assert_true(ev->complete);
	assert_str(ev->log_time, "Thu Aug 17 17:29:27 2023");
	assert_str(ev->log_wall_time, "2023-08-17T17:29:27");
	assert_str(ev->trigger_comm, "xray");
	assert_kv(ev->trigger_pid, 1586622);     /* a thread of 1586608 */
	assert_str(ev->gfp_flags, "GFP_HIGHUSER_MOVABLE");
	assert_i64(ev->trigger_oom_score_adj, -997);
	assert_str(ev->kernel_release, "5.14.0-333.el9.x86_64");   /* after "Kdump: loaded" */
	assert_counter(ev, "memory", 208204, 204800, 7470);
	assert_counter(ev, "swap", 0, 0, 0);
	assert_int_equal(ev->nstats, 1);
	assert_string_equal(ev->stats[0].cgroup, PATH_EL9);
	assert_int_equal(ev->stats[0].n, 51);
	assert_int_equal(to_stat(&ev->stats[0], "anon"), 28139520);
	assert_int_equal(to_stat(&ev->stats[0], "kernel"), 1343488);
	assert_int_equal(to_stat(&ev->stats[0], "sock"), 183623680);
	assert_int_equal(to_stat(&ev->stats[0], "anon_thp"), 8388608);
	assert_int_equal(to_stat(&ev->stats[0], "slab"), 930048);
	assert_int_equal(to_stat(&ev->stats[0], "thp_collapse_alloc"), 4);
	assert_int_equal(ev->ntasks, 1);
	assert_kv(to_task(ev, 1586608)->total_vm, 184282);
	assert_kv(to_task(ev, 1586608)->rss, 6593);
	assert_kv(to_task(ev, 1586608)->pgtables_bytes, 180224);
	assert_i64(to_task(ev, 1586608)->oom_score_adj, -997);
	assert_str(ev->constraint, "CONSTRAINT_MEMCG");
	assert_str(ev->oom_memcg, PATH_EL9);
	assert_str(ev->task_memcg, PATH_EL9);
	assert_kv(ev->kills[0].pid, 1586608);
	assert_true(ev->kills[0].memcg);
	assert_kv(ev->kills[0].total_vm_kb, 737128);
	assert_kv(ev->kills[0].anon_rss_kb, 26372);
	assert_kv(ev->kills[0].pgtables_kb, 176);
	assert_i64(ev->kills[0].oom_score_adj, -997);
	assert_int_equal(ev->page_size, 4096);
	assert_int_equal(ev->page_size_source, OOM_PAGE_SIZE_INFERRED);
	oom_log_free(&log);
}

static void test_oom_log_parse_egachi_oom_group_grep(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	to_parse_sample("k8s-cgroupv2-systemd-oomgroup-dmesg-grep-partial-egachi-nodejs-MemoryQoS.txt",
			&log);
	/* 32 lines of boot messages that matched the grep: no event */
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 33);
	assert_int_equal(ev->last_line, 45);
	assert_false(ev->complete);
	/* the grep kept the task table's header, not its rows */
	assert_int_equal(ev->missing, OOM_MISSING_TASKS);
	assert_true(ev->kernel_time > 2993.66123 && ev->kernel_time < 2993.66125);
	assert_str(ev->trigger_comm, "Thread-2");
	assert_unset(ev->trigger_pid);             /* no CPU line */
	assert_str(ev->gfp_flags, "GFP_KERNEL");
	assert_i64(ev->trigger_oom_score_adj, 969);
	assert_counter(ev, "memory", 4194304, 4194304, 1273284);
	assert_int_equal(ev->nstats, 1);
	assert_string_equal(ev->stats[0].cgroup, PATH_EGACHI_POD);
	assert_int_equal(ev->stats[0].n, 0);
	assert_true(ev->has_task_header);
	assert_int_equal(ev->ntasks, 0);
	assert_str(ev->oom_memcg, PATH_EGACHI_POD);
	assert_str(ev->task_memcg, PATH_EGACHI_CTR);
	assert_str(ev->oom_group_memcg, PATH_EGACHI_CTR);
	assert_int_equal(ev->nkills, 2);
	assert_int_equal(ev->kills[0].reason, OOM_KILL_VICTIM);
	assert_int_equal(ev->kills[0].line, 43);
	assert_kv(ev->kills[0].pid, 22609);
	assert_str(ev->kills[0].comm, "node");
	assert_kv(ev->kills[0].total_vm_kb, 9923620);
	assert_kv(ev->kills[0].anon_rss_kb, 4116684);
	assert_kv(ev->kills[0].file_rss_kb, 23132);
	assert_kv(ev->kills[0].pgtables_kb, 10964);
	assert_i64(ev->kills[0].oom_score_adj, 969);
	/* the oom.group member line repeats the victim, as the kernel printed */
	assert_int_equal(ev->kills[1].reason, OOM_KILL_GROUP);
	assert_int_equal(ev->kills[1].line, 45);
	assert_kv(ev->kills[1].pid, 22609);
	assert_kv(ev->victim.pid, 22609);
	oom_log_free(&log);
}

static void test_oom_log_parse_rhel6_2632_syslog(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;
	const struct oom_task *t;

	(void)state;
	to_parse_sample("memcg-v1-kernel2.6.32-358-el6-syslog-mruby-cgroup-blog.txt", &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 59);
	assert_true(ev->complete);
	assert_str(ev->trigger_comm, "mruby");
	assert_str(ev->gfp_mask, "0xd0");
	assert_i64(ev->trigger_oom_adj, 0);
	assert_i64(ev->trigger_oom_score_adj, 0);
	assert_kv(ev->trigger_pid, 14095);                  /* "Pid: 14095, comm: mruby" */
	assert_str(ev->kernel_release, "2.6.32-358.23.2.el6.x86_64");
	assert_str(ev->task_memcg, "/test");
	assert_str(ev->oom_memcg, "/test");
	assert_counter(ev, "memory", 8, 8, 9);
	assert_counter(ev, "memory+swap", 8, 9007199254740992ull, 0);
	assert_int_equal(ev->nstats, 0);
	/* 2.6.32 prints the node's Mem-Info for a memcg OOM */
	assert_meminfo(ev, "active_anon", 4452, OOM_UNIT_PAGES);
	assert_meminfo(ev, "active_file", 48233, OOM_UNIT_PAGES);
	assert_meminfo(ev, "inactive_file", 40667, OOM_UNIT_PAGES);
	assert_meminfo(ev, "free", 38633, OOM_UNIT_PAGES);
	assert_meminfo(ev, "slab_reclaimable", 9809, OOM_UNIT_PAGES);
	assert_meminfo(ev, "pagetables", 724, OOM_UNIT_PAGES);
	assert_meminfo(ev, "kernel_stack", 704, OOM_UNIT_KB);
	assert_meminfo(ev, "total_pagecache", 89093, OOM_UNIT_PAGES);
	assert_meminfo(ev, "free_swap", 1254392, OOM_UNIT_KB);
	assert_meminfo(ev, "ram", 156911, OOM_UNIT_PAGES);
	assert_meminfo(ev, "shared", 75107, OOM_UNIT_PAGES);
	assert_meminfo(ev, "non_shared", 41918, OOM_UNIT_PAGES);
	assert_str(oom_event_kind(ev), "memcg");
	assert_int_equal(ev->ntasks, 1);
	t = to_task(ev, 14095);
	assert_kv(t->total_vm, 3619);
	assert_kv(t->rss, 677);
	assert_kv(t->cpu, 0);
	assert_i64(t->oom_adj, 0);
	assert_i64(t->oom_score_adj, 0);
	assert_kv(ev->chosen_score, 1000);
	/* RHEL 6: "Killed process 14095, UID 0, (mruby) total-vm:..." */
	assert_kv(ev->kills[0].pid, 14095);
	assert_kv(ev->kills[0].uid, 0);
	assert_str(ev->kills[0].comm, "mruby");
	assert_kv(ev->kills[0].total_vm_kb, 14476);
	assert_kv(ev->kills[0].anon_rss_kb, 1408);
	assert_kv(ev->kills[0].file_rss_kb, 1300);
	assert_int_equal(ev->page_size_source, OOM_PAGE_SIZE_INFERRED);
	oom_log_free(&log);
}

static void test_oom_log_parse_mesos_journal_blank_lines(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	to_parse_sample("mesos-memcg-v1-kernel4.x-journalctl-kernel-blanklines-partial-dcos-blog.txt",
			&log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 15);
	assert_false(ev->complete);
	assert_int_equal(ev->missing, OOM_MISSING_TRIGGER);
	assert_str(ev->log_time, "Mar 27 01:15:36");
	assert_int_equal(ev->ntasks, 4);
	assert_string_equal(to_task(ev, 16846)->name, "mesos-container");
	assert_string_equal(to_task(ev, 16866)->name, "mesos-executor");
	assert_kv(to_task(ev, 16866)->total_vm, 198538);
	assert_string_equal(to_task(ev, 16879)->name, "sh");
	assert_kv(to_task(ev, 16883)->total_vm, 1143916);
	assert_kv(to_task(ev, 16883)->rss, 14756);
	assert_kv(to_task(ev, 16883)->nr_ptes, 52);
	assert_kv(to_task(ev, 16883)->nr_pmds, 6);
	assert_kv(ev->chosen_pid, 16883);
	assert_kv(ev->chosen_score, 877);
	assert_kv(ev->kills[0].pid, 16883);
	assert_str(ev->kills[0].comm, "oomApp");
	assert_kv(ev->kills[0].anon_rss_kb, 57784);
	assert_kv(ev->kills[0].file_rss_kb, 1240);
	assert_true(ev->kills[0].reaped);
	assert_str(oom_event_kind(ev), "memcg");
	assert_kv(ev->victim.uid, 0);
	assert_kv(ev->victim.pgtables_bytes, (52 + 6) * 4096);
	oom_log_free(&log);
}

/* ---- this host: a real memcg v1 OOM kill on 6.18 -------------------------- */

static void check_live(const struct oom_log *log)
{
	const struct oom_event *ev;

	assert_int_equal(log->n, 1);
	ev = &log->v[0];
	assert_int_equal(ev->first_line, 1);
	assert_int_equal(ev->last_line, 78);
	assert_true(ev->complete);
	assert_true(ev->kernel_time > 956.51605 && ev->kernel_time < 956.51606);
	assert_str(ev->trigger_comm, "python3");
	assert_kv(ev->trigger_pid, 10303);
	assert_kv(ev->trigger_uid, 0);
	assert_str(ev->gfp_flags, "GFP_KERNEL");
	/* "... Not tainted 6.18.44-fc-v769 #1 PREEMPT(none) " */
	assert_str(ev->kernel_release, "6.18.44-fc-v769");
	assert_counter(ev, "memory", 32768, 32768, 96);
	assert_counter(ev, "memory+swap", 32768, 9007199254740988ull, 0);
	assert_counter(ev, "kmem", 172, 9007199254740988ull, 0);
	/* v1 on 6.x: memory.stat one key per line, total_* included */
	assert_int_equal(ev->nstats, 1);
	assert_string_equal(ev->stats[0].cgroup, "/memsnap-oom-sample");
	assert_int_equal(ev->stats[0].n, 42);
	assert_int_equal(to_stat(&ev->stats[0], "rss"), 33333248);
	assert_int_equal(to_stat(&ev->stats[0], "total_rss"), 33333248);
	assert_int_equal(to_stat(&ev->stats[0], "hierarchical_memory_limit"), 33554432);
	assert_int_equal(to_stat(&ev->stats[0], "hierarchical_memsw_limit"),
			 9223372036854771712ull);
	assert_int_equal(to_stat(&ev->stats[0], "total_unevictable"), 0);
	assert_int_equal(ev->ntasks, 1);
	assert_kv(to_task(ev, 10303)->total_vm, 10566);
	assert_kv(to_task(ev, 10303)->rss, 9751);
	assert_kv(to_task(ev, 10303)->rss_anon, 8128);
	assert_kv(to_task(ev, 10303)->rss_file, 1623);
	assert_kv(to_task(ev, 10303)->pgtables_bytes, 135168);
	assert_str(ev->constraint, "CONSTRAINT_MEMCG");
	assert_str(ev->oom_memcg, "/memsnap-oom-sample");
	assert_str(ev->task_memcg, "/memsnap-oom-sample");
	assert_kv(ev->kills[0].pid, 10303);
	assert_kv(ev->kills[0].anon_rss_kb, 32512);
	assert_kv(ev->kills[0].file_rss_kb, 6492);
	assert_kv(ev->kills[0].pgtables_kb, 132);
	assert_kv(ev->victim.anon_rss_bytes, 32512 * KB);
	assert_int_equal(ev->page_size_source, OOM_PAGE_SIZE_INFERRED);
}

static void test_oom_log_parse_live_kernel618_dmesg(void **state)
{
	struct oom_log log;

	(void)state;
	to_parse_fixture("live-kernel6.18-memcg-v1.txt", &log);
	check_live(&log);
	oom_log_free(&log);
}

static void test_oom_log_parse_live_kernel618_kmsg(void **state)
{
	struct oom_log log;

	(void)state;
	to_parse_fixture("live-kernel6.18-memcg-v1.kmsg.txt", &log);
	check_live(&log);
	oom_log_free(&log);
}

/* ---- the same report wrapped every other way ----------------------------- */

static void assert_same_event(const struct oom_event *a, const struct oom_event *b)
{
	size_t i, j;

	assert_int_equal(a->complete, b->complete);
	assert_int_equal(a->missing, b->missing);
	assert_int_equal(a->has_trigger, b->has_trigger);
	assert_str(b->trigger_comm, a->trigger_comm);
	assert_int_equal(a->trigger_pid.set, b->trigger_pid.set);
	assert_int_equal(a->trigger_pid.v, b->trigger_pid.v);
	assert_str(b->gfp_mask, a->gfp_mask);
	assert_str(b->gfp_flags, a->gfp_flags);
	assert_str(b->kernel_release, a->kernel_release);
	assert_str(b->constraint, a->constraint);
	assert_str(b->cpuset, a->cpuset);
	assert_str(b->oom_memcg, a->oom_memcg);
	assert_str(b->task_memcg, a->task_memcg);
	assert_int_equal(a->ncounters, b->ncounters);
	for (i = 0; i < a->ncounters; i++) {
		assert_string_equal(a->counters[i].name, b->counters[i].name);
		assert_int_equal(a->counters[i].usage_kb.v, b->counters[i].usage_kb.v);
		assert_int_equal(a->counters[i].limit_kb.v, b->counters[i].limit_kb.v);
		assert_int_equal(a->counters[i].failcnt.v, b->counters[i].failcnt.v);
	}
	assert_int_equal(a->nstats, b->nstats);
	for (i = 0; i < a->nstats; i++) {
		assert_string_equal(a->stats[i].cgroup, b->stats[i].cgroup);
		assert_int_equal(a->stats[i].n, b->stats[i].n);
		for (j = 0; j < a->stats[i].n; j++) {
			assert_string_equal(a->stats[i].v[j].key, b->stats[i].v[j].key);
			assert_int_equal(a->stats[i].v[j].value, b->stats[i].v[j].value);
		}
	}
	assert_int_equal(a->ntasks, b->ntasks);
	for (i = 0; i < a->ntasks; i++) {
		assert_int_equal(a->tasks[i].pid.v, b->tasks[i].pid.v);
		assert_int_equal(a->tasks[i].rss.v, b->tasks[i].rss.v);
		assert_int_equal(a->tasks[i].total_vm.v, b->tasks[i].total_vm.v);
		assert_int_equal(a->tasks[i].oom_score_adj.v, b->tasks[i].oom_score_adj.v);
		assert_string_equal(a->tasks[i].name, b->tasks[i].name);
	}
	assert_int_equal(a->chosen_pid.v, b->chosen_pid.v);
	assert_int_equal(a->nkills, b->nkills);
	for (i = 0; i < a->nkills; i++) {
		assert_int_equal(a->kills[i].pid.v, b->kills[i].pid.v);
		assert_str(b->kills[i].comm, a->kills[i].comm);
		assert_int_equal(a->kills[i].anon_rss_kb.v, b->kills[i].anon_rss_kb.v);
		assert_int_equal(a->kills[i].total_vm_kb.v, b->kills[i].total_vm_kb.v);
		assert_int_equal(a->kills[i].memcg, b->kills[i].memcg);
		assert_int_equal(a->kills[i].reaped, b->kills[i].reaped);
	}
	assert_int_equal(a->victim.pid.v, b->victim.pid.v);
	assert_int_equal(a->victim.uid.v, b->victim.uid.v);
	assert_int_equal(a->page_size, b->page_size);
}

/* The canonical parse: the sample itself (as the blog pasted it). */
static void parse_base_a(struct oom_log *log)
{
	to_parse_sample("k8s-cgroupv2-guaranteed-kernel5.14.0-333.el9-dmesg-Tx-blog-as-pasted-indented.txt",
			log);
	assert_int_equal(log->n, 1);
}

static void check_variant_a(const char *fixture, const char *log_wall_time,
			    bool ktime)
{
	struct oom_log base, log;

	parse_base_a(&base);
	to_parse_fixture(fixture, &log);
	if (log.n != 1)
		fail_msg("'%s': %zu events, expected 1", fixture, log.n);
	assert_same_event(&base.v[0], &log.v[0]);
	assert_int_equal(log.v[0].first_line, 1);
	assert_str(log.v[0].log_wall_time, log_wall_time);
	assert_int_equal(log.v[0].has_ktime, ktime);
	if (ktime)
		assert_true(log.v[0].kernel_time > 1234.56788 &&
			    log.v[0].kernel_time < 1234.56790);
	oom_log_free(&base);
	oom_log_free(&log);
}

/* buf's lines up to byte `part`, then buf whole (a log pasted one and a
 * half times) */
static char *pasted_twice(const char *buf, size_t len, size_t part, size_t *ret_len)
{
	struct strbuf sb = STRBUF_INIT;

	while (part && buf[part - 1] != '\n')
		part--;
	strbuf_add(&sb, buf, part);
	strbuf_add(&sb, buf, len);
	return strbuf_detach(&sb, ret_len);
}

/* Issue 13: the same records pasted twice count once. */
static void test_oom_log_parse_pasted_twice(void **state)
{
	static const char *const names[] = {
		"live-kernel6.18-memcg-v1.kmsg.txt",    /* by kmsg sequence number */
		"variant-dmesg.txt",                    /* by kernel time and text */
		"variant-rsyslog.txt",                  /* ... and host */
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct oom_log once, twice;
		size_t len, len2;
		char *buf = to_fixture(names[i], &len), *buf2;

		assert_int_equal(oom_log_parse(buf, len, 0, &once), 0);
		buf2 = pasted_twice(buf, len, len * 2 / 3, &len2);
		assert_int_equal(oom_log_parse(buf2, len2, 0, &twice), 0);
		if (twice.n != once.n || twice.v[0].ntasks != once.v[0].ntasks ||
		    twice.v[0].nstats != once.v[0].nstats ||
		    twice.v[0].complete != once.v[0].complete)
			fail_msg("%s pasted twice: %zu events (%zu tasks), once: %zu (%zu)", names[i],
				 twice.n, twice.n ? twice.v[0].ntasks : 0, once.n, once.v[0].ntasks);
		oom_log_free(&once);
		oom_log_free(&twice);
		free(buf);
		free(buf2);
	}
}

/* Issue 13: a log from another host never completes an event. */
static void test_oom_log_parse_other_host(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_log log;
	size_t len, i, n = 0;
	char *buf = to_fixture("variant-rsyslog.txt", &len);
	const char *p = buf, *e = buf + len, *nl;

	(void)state;
	/* every line from "Tasks state" on written by another host */
	for (; p < e; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl)
			nl = e;
		if (memmem_str(p, (size_t)(nl - p), "Tasks state"))
			n = 1;
		if (n && memmem_str(p, (size_t)(nl - p), " node-1 kernel: ")) {
			const char *h = memmem_str(p, (size_t)(nl - p), " node-1 kernel: ");

			strbuf_add(&sb, p, (size_t)(h - p));
			strbuf_addstr(&sb, " node-2 kernel: ");
			strbuf_add(&sb, h + 16, (size_t)(nl - h - 16));
		} else {
			strbuf_add(&sb, p, (size_t)(nl - p));
		}
		strbuf_addch(&sb, '\n');
	}
	assert_int_equal(n, 1);
	assert_int_equal(oom_log_parse(sb.buf, sb.len, 0, &log), 0);
	assert_int_equal(log.n, 2);
	for (i = 0; i < log.n; i++)
		assert_false(log.v[i].complete);
	oom_log_free(&log);
	strbuf_release(&sb);
	free(buf);
}

static void test_oom_log_parse_variants_dmesg(void **state)
{
	(void)state;
	check_variant_a("variant-dmesg.txt", NULL, true);
	check_variant_a("variant-dmesg-crlf.txt", NULL, true);
	check_variant_a("variant-dmesg-x.txt", NULL, true);
	check_variant_a("variant-syslog2.txt", NULL, true);
	check_variant_a("variant-dmesg-blank-lines.txt", NULL, true);
}

static void test_oom_log_parse_variants_dmesg_T_locales(void **state)
{
	(void)state;
	check_variant_a("variant-dmesg-T.txt", "2023-08-17T17:29:27", false);
	check_variant_a("variant-dmesg-T-ru.txt", "2023-08-17T17:29:27", false);
	check_variant_a("variant-dmesg-T-zh.txt", "2023-08-17T17:29:27", false);
	/* Czech "srp" is August on a Thursday, Croatian July */
	check_variant_a("variant-dmesg-T-cs.txt", "2023-08-17T17:29:27", false);
	check_variant_a("variant-dmesg-T-el.txt", "2023-08-17T17:29:27", false);
}

static void test_oom_log_parse_variants_kmsg(void **state)
{
	(void)state;
	/* one record holds the stats block: "anon 28139520\x0afile 8192..." */
	check_variant_a("variant-kmsg.txt", NULL, true);
}

static void test_oom_log_parse_variants_syslog_journal(void **state)
{
	(void)state;
	/* rsyslog writes the stats record's newlines as "#012" */
	check_variant_a("variant-rsyslog.txt", "Aug 17 17:29:27", true);
	check_variant_a("variant-journalctl.txt", "Aug 17 17:29:27", false);
	/* +0200: converted to UTC */
	check_variant_a("variant-journalctl-iso.txt", "2023-08-17T15:29:27Z", false);
	check_variant_a("variant-rfc5424.txt", "2023-08-17T15:29:27.123456Z", false);
	/* %b in LC_TIME; short-full (a zone name: local time); short-unix */
	check_variant_a("variant-journalctl-fr.txt", "août 17 17:29:27", false);
	check_variant_a("variant-journalctl-full.txt", "2023-08-17T17:29:27", false);
	check_variant_a("variant-journalctl-unix.txt", "2023-08-17T15:29:27.123456Z", false);
}

static void test_oom_log_parse_variants_pasted(void **state)
{
	(void)state;
	check_variant_a("variant-dmesg-quoted.txt", NULL, true);
	check_variant_a("variant-dmesg-quoted-twice.txt", NULL, true);
	check_variant_a("variant-dmesg-quoted-nospace.txt", NULL, true);
	check_variant_a("variant-dmesg-quoted-bar.txt", NULL, true);
	check_variant_a("variant-dmesg-markdown-indented.txt", NULL, true);
	check_variant_a("variant-dmesg-mail-wrapped.txt", NULL, true);
	check_variant_a("variant-dmesg-mail-wrapped-quoted.txt", NULL, true);
}

static void check_variant_b(const char *fixture)
{
	struct oom_log base, log;

	to_parse_sample("cadvisor-test-docker-memcg-v1-kernel4.8.0-gentoo-20M.txt", &base);
	to_parse_fixture(fixture, &log);
	assert_int_equal(base.n, 1);
	if (log.n != 1)
		fail_msg("'%s': %zu events, expected 1", fixture, log.n);
	assert_same_event(&base.v[0], &log.v[0]);
	assert_int_equal(log.v[0].first_line, 15);
	assert_int_equal(log.v[0].last_line, base.v[0].last_line);
	oom_log_free(&base);
	oom_log_free(&log);
}

static void test_oom_log_parse_variants_v1(void **state)
{
	(void)state;
	check_variant_b("variant-v1-dmesg.txt");
	check_variant_b("variant-v1-rsyslog-crlf.txt");
}

/* A v1 sample and its variant parse to the same event. */
static void check_same_as_sample(const char *sample, const char *fixture,
				 struct oom_log *ret)
{
	struct oom_log base;

	to_parse_sample(sample, &base);
	to_parse_fixture(fixture, ret);
	assert_int_equal(base.n, 1);
	if (ret->n != 1)
		fail_msg("'%s': %zu events, expected 1", fixture, ret->n);
	assert_same_event(&base.v[0], &ret->v[0]);
	assert_str(ret->v[0].oom_group_memcg, base.v[0].oom_group_memcg);
	oom_log_free(&base);
}

/*
 * Mail-wrapped at 72 columns: a cgroup path longer than that runs on and
 * is broken at the blank after it, which the rejoin puts back ("...scope"
 * + "killed as a result of limit of"), unlike a fixed-width cut.
 */
static void test_oom_log_parse_variants_v1_mail_wrapped(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	check_same_as_sample("docker-systemd-scope-memcg-v1-kernel4.8.11-fc24-syslog.txt",
			     "variant-v1-scope-mail-wrapped.txt", &log);
	ev = &log.v[0];
	assert_str(ev->task_memcg, PATH_SCOPE_48);
	assert_str(ev->oom_memcg, PATH_SCOPE_48);
	assert_int_equal(ev->nstats, 1);
	assert_string_equal(ev->stats[0].cgroup, PATH_SCOPE_48);
	assert_int_equal(to_stat(&ev->stats[0], "cache"), 0);
	assert_int_equal(to_stat(&ev->stats[0], "rss"), 1043868 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "unevictable"), 0);
	assert_counter(ev, "memory", 1048576, 1048576, 70428);
	assert_kv(ev->kills[0].pid, 12906);
	oom_log_free(&log);

	check_same_as_sample("fragment-k8s-cgroupfs-guaranteed-kernel4.19ish-github-wrapped-lines-kubedirector-356.txt",
			     "variant-v1-fragment-mail-wrapped.txt", &log);
	ev = &log.v[0];
	assert_str(ev->task_memcg, PATH_KUBEDIR);
	assert_str(ev->oom_memcg, PATH_KUBEDIR);
	assert_string_equal(ev->stats[0].cgroup, PATH_KUBEDIR);
	assert_int_equal(ev->stats[0].n, 13);
	assert_int_equal(to_stat(&ev->stats[0], "rss"), 448 * KB);
	assert_int_equal(to_stat(&ev->stats[0], "active_file"), 253592 * KB);
	assert_kv(ev->chosen_pid, 62685);
	oom_log_free(&log);

	check_same_as_sample("k8s-cgroupv2-systemd-oomgroup-dmesg-grep-partial-egachi-nodejs-MemoryQoS.txt",
			     "variant-v1-oomgroup-mail-wrapped.txt", &log);
	ev = &log.v[0];
	assert_str(ev->oom_group_memcg, PATH_EGACHI_CTR);
	assert_str(ev->oom_memcg, PATH_EGACHI_POD);
	assert_str(ev->task_memcg, PATH_EGACHI_CTR);
	assert_kv(ev->oomkill_pid, 22609);
	assert_kv(ev->victim.pid, 22609);
	oom_log_free(&log);
}

/* journalctl -o cat, then mail-wrapped: no prefix tells a tail from a line. */
static void test_oom_log_parse_variants_v1_unprefixed_wrapped(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	check_same_as_sample("docker-systemd-scope-memcg-v1-kernel4.8.11-fc24-syslog.txt",
			     "variant-v1-scope-cat-mail-wrapped.txt", &log);
	ev = &log.v[0];
	assert_str(ev->task_memcg, PATH_SCOPE_48);
	assert_str(ev->trigger_comm, "stress");
	assert_string_equal(ev->stats[0].cgroup, PATH_SCOPE_48);
	assert_int_equal(to_stat(&ev->stats[0], "swap"), 1048504 * KB);
	oom_log_free(&log);
}

/*
 * An 80-column terminal: every line cut at 80, mid-token; a task row cut
 * between two columns leaves a tail that begins with blanks.
 */
static void test_oom_log_parse_variants_v1_terminal_80(void **state)
{
	struct oom_log log;

	(void)state;
	check_same_as_sample("cadvisor-test-docker-memcg-v1-kernel4.8.0-gentoo-20M.txt",
			     "variant-v1-dmesg-term80.txt", &log);
	assert_int_equal(log.v[0].ntasks, 1);      /* its row cut before "0 gunpowder-memho" */
	assert_string_equal(log.v[0].tasks[0].name, "gunpowder-memho");
	assert_str(log.v[0].oom_memcg, PATH_DOCKER_48);
	oom_log_free(&log);
}

static void test_oom_log_parse_variants_v1_kmsg(void **state)
{
	struct oom_log base, log;

	(void)state;
	to_parse_sample("cadvisor-test-docker-memcg-v1-kernel4.8.0-gentoo-20M.txt", &base);
	to_parse_fixture("variant-v1-kmsg.txt", &log);
	assert_int_equal(log.n, 1);
	assert_same_event(&base.v[0], &log.v[0]);
	/* three device-property lines were added after the third record */
	assert_int_equal(log.v[0].first_line, 18);
	assert_int_equal(log.v[0].last_line, 47);
	oom_log_free(&base);
	oom_log_free(&log);
}

static void test_oom_log_parse_two_reports_with_noise(void **state)
{
	struct oom_log a, b, log;

	(void)state;
	parse_base_a(&a);
	to_parse_sample("cadvisor-test-docker-memcg-v1-kernel4.8.0-gentoo-20M.txt", &b);
	to_parse_fixture("variant-two-reports-with-noise.txt", &log);
	assert_int_equal(log.n, 2);
	assert_same_event(&a.v[0], &log.v[0]);
	assert_same_event(&b.v[0], &log.v[1]);
	/* unrelated lines before, inside and after each report */
	assert_int_equal(log.v[0].first_line, 4);
	assert_true(log.v[0].last_line < log.v[1].first_line);
	assert_true(log.v[0].kernel_time < log.v[1].kernel_time);
	oom_log_free(&a);
	oom_log_free(&b);
	oom_log_free(&log);
}

/* ---- layouts no sample shows ---------------------------------------------- */

static void parse_str(const char *s, struct oom_log *log)
{
	to_parse_buf(s, strlen(s), 0, log);
}

/*
 * "Out of memory and no killable processes...": out_of_memory() found no
 * victim and called dump_header(oc, NULL), which prints no oom-kill:
 * summary line (that needs a victim: dump_oom_summary(oc, p) only
 * "if (p)" on 4.19-5.x, dump_oom_victim() only from oom_kill_process() on
 * 6.x).  Nothing is killed.
 */
static void test_oom_log_parse_no_killable(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	parse_str("[  10.000001] a.out invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), nodemask=0-1, order=3, oom_score_adj=-17\n"
		  "[  10.000002] a.out cpuset=/ mems_allowed=0-1\n"
		  "[  10.000003] CPU: 3 PID: 77 Comm: a.out Tainted: G        W  O      4.14.1 #2\n"
		  "[  10.000004] Mem-Info:\n"
		  "[  10.000005] active_anon:1 inactive_anon:2 isolated_anon:0\n"
		  "[  10.000006]  active_file:3 inactive_file:4 isolated_file:0\n"
		  "[  10.000007] [ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name\n"
		  "[  10.000008] [   77]  1000    77     5000     4000      20        0         -1000 a.out\n"
		  "[  10.000009] Out of memory and no killable processes...\n", &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_true(ev->complete);               /* the report ended as the kernel ends it */
	assert_true(ev->no_killable);
	assert_int_equal(ev->nkills, 0);
	assert_str(ev->nodemask, "0-1");         /* from the trigger line (4.x) */
	assert_kv(ev->order, 3);
	assert_i64(ev->trigger_oom_score_adj, -17);
	assert_str(ev->kernel_release, "4.14.1");
	assert_str(oom_event_kind(ev), "global"); /* Mem-Info, no memcg lines */
	assert_meminfo(ev, "inactive_file", 4, OOM_UNIT_PAGES);
	/* nobody was killed: no victim, though the trigger is in the table */
	assert_unset(ev->oomkill_pid);
	assert_unset(ev->victim.pid);
	assert_str(ev->victim.comm, NULL);
	oom_log_free(&log);
}

/*
 * The oom-kill: line names the victim oom_kill_process() chose; the kill
 * may still not come: __oom_kill_process() prints "OOM victim N (x) is
 * already exiting. Skip killing the task" when the victim lost its mm
 * (5.x+), or the log ends first.  The chosen pid is kept (oomkill_pid),
 * the killed pid is unknown.  Also: constraint= printed empty.
 */
static void test_oom_log_parse_chosen_not_killed(void **state)
{
	static const char head[] =
		"[  10.000001] a.out invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), nodemask=0-1, order=3, oom_score_adj=-17\n"
		"[  10.000003] CPU: 3 PID: 77 Comm: a.out Tainted: G        W  O      5.4.1 #2\n"
		"[  10.000004] Mem-Info:\n"
		"[  10.000005] active_anon:1 inactive_anon:2 isolated_anon:0\n"
		"[  10.000006] Tasks state (memory values in pages):\n"
		"[  10.000007] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
		"[  10.000008] [     77]  1000    77     5000     4000    81920        0             0 a.out\n"
		"[  10.000009] oom-kill:constraint=,nodemask=0-1,cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/user.slice,task=a.out,pid=77,uid=1000\n";
	struct oom_log log;
	const struct oom_event *ev;
	char buf[4096];

	(void)state;
	/* cut after the oom-kill: line */
	parse_str(head, &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_false(ev->complete);
	assert_int_equal(ev->missing, OOM_MISSING_KILL);
	assert_str(ev->constraint, NULL);        /* printed empty */
	assert_true(ev->global_oom);
	assert_str(ev->task_memcg, "/user.slice");
	assert_kv(ev->oomkill_pid, 77);          /* chosen */
	assert_str(ev->oomkill_task, "a.out");
	assert_kv(ev->oomkill_uid, 1000);
	assert_false(ev->victim_exiting);
	assert_unset(ev->victim.pid);            /* not known to be killed */
	assert_str(ev->victim.comm, NULL);
	assert_unset(ev->victim.anon_rss_bytes);
	oom_log_free(&log);

	/* the victim was exiting: a whole report, nobody killed */
	snprintf(buf, sizeof(buf), "%s%s", head,
		 "[  10.000010] Out of memory: OOM victim 77 (a.out) is already exiting. Skip killing the task\n");
	parse_str(buf, &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_true(ev->complete);
	assert_int_equal(ev->missing, 0);
	assert_true(ev->victim_exiting);
	assert_kv(ev->oomkill_pid, 77);
	assert_int_equal(ev->nkills, 0);
	assert_unset(ev->victim.pid);
	assert_int_equal(ev->last_line, 9);
	oom_log_free(&log);

	/* the kill line: the victim, with what the kill line lacks */
	snprintf(buf, sizeof(buf), "%s%s", head,
		 "[  10.000010] Out of memory: Killed process 77 (a.out) total-vm:20000kB, anon-rss:16000kB, file-rss:0kB, shmem-rss:0kB\n");
	parse_str(buf, &log);
	ev = &log.v[0];
	assert_true(ev->complete);
	assert_false(ev->victim_exiting);
	assert_kv(ev->victim.pid, 77);
	assert_kv(ev->victim.uid, 1000);         /* from the oom-kill: line */
	assert_kv(ev->victim.pgtables_bytes, 81920);  /* from the task row */
	oom_log_free(&log);
}

static void test_oom_log_parse_sacrifice_child(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	parse_str("java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0\n"
		  "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name\n"
		  "[  100]  1000   100    50000    40000      80        0             0 java\n"
		  "[  101]  1000   101     2000     1000       8        0           500 helper child\n"
		  "Out of memory: Kill process 100 (java) score 900 or sacrifice child\n"
		  "Killed process 101 (helper child), UID 1000, total-vm:8000kB, anon-rss:3000kB, file-rss:1000kB, shmem-rss:0kB\n",
		  &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_true(ev->complete);
	assert_kv(ev->chosen_pid, 100);
	assert_kv(ev->chosen_score, 900);
	/* RHEL 7's ", UID 1000," after the comm; a comm with a blank */
	assert_kv(ev->victim.pid, 101);
	assert_str(ev->victim.comm, "helper child");
	assert_kv(ev->victim.uid, 1000);
	assert_i64(ev->victim.oom_score_adj, 500);
	assert_string_equal(to_task(ev, 101)->name, "helper child");
	/* 1000 pages = 3000 + 1000 kB */
	assert_int_equal(ev->page_size, 4096);
	oom_log_free(&log);
}

static void test_oom_log_parse_back_to_back_cut_reports(void **state)
{
	struct oom_log log;

	(void)state;
	/* the second report begins at its memcg lines (ratelimited header) */
	parse_str("[ 1.0] memory: usage 10kB, limit 10kB, failcnt 1\n"
		  "[ 1.1] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/a,task_memcg=/a/b,task=x,pid=5,uid=0\n"
		  "[ 1.2] Memory cgroup out of memory: Killed process 5 (x) total-vm:100kB, anon-rss:10kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n"
		  "[ 2.0] memory: usage 20kB, limit 20kB, failcnt 2\n"
		  "[ 2.1] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/c,task_memcg=/c,task=y,pid=6,uid=0\n"
		  "[ 2.2] Memory cgroup out of memory: Killed process 6 (y) total-vm:100kB, anon-rss:10kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n"
		  "[ 3.0] Memory cgroup out of memory: Killed process 7 (z) total-vm:100kB, anon-rss:10kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n"
		  "[ 3.1] oom_reaper: reaped process 6 (y), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n"
		  "[ 3.2] oom_reaper: reaped process 9 (w), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n",
		  &log);
	assert_int_equal(log.n, 4);
	assert_str(log.v[0].oom_memcg, "/a");
	assert_str(log.v[0].task_memcg, "/a/b");
	assert_kv(log.v[0].victim.pid, 5);
	assert_int_equal(log.v[0].first_line, 1);
	assert_int_equal(log.v[0].last_line, 3);
	assert_str(log.v[1].oom_memcg, "/c");
	assert_kv(log.v[1].victim.pid, 6);
	/* the reaper line found its report two events back */
	assert_true(log.v[1].kills[0].reaped);
	assert_int_equal(log.v[1].last_line, 8);
	assert_kv(log.v[2].victim.pid, 7);
	assert_int_equal(log.v[2].missing, OOM_MISSING_TRIGGER);
	/* a reaper line whose report is not in the log: an event of its own */
	assert_kv(log.v[3].victim.pid, 9);
	assert_str(log.v[3].victim.comm, "w");
	assert_int_equal(log.v[3].kills[0].reason, OOM_KILL_REAPED_ONLY);
	assert_int_equal(log.v[3].missing, OOM_MISSING_TRIGGER | OOM_MISSING_KILL);
	oom_log_free(&log);
}

static void test_oom_log_parse_not_oom_reports(void **state)
{
	struct oom_log log;

	(void)state;
	/* a WARN splat, a page allocation failure and SysRq-m: no event */
	parse_str("[ 5.0] WARNING: CPU: 0 PID: 1 at fs/x.c:1 f+0x1/0x2\n"
		  "[ 5.1] CPU: 0 PID: 1 Comm: systemd Not tainted 6.1.0 #1\n"
		  "[ 5.2] Call Trace:\n"
		  "[ 6.0] kworker/0:1: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null)\n"
		  "[ 6.1] CPU: 0 PID: 9 Comm: kworker/0:1 Not tainted 6.1.0 #1\n"
		  "[ 6.2] Mem-Info:\n"
		  "[ 6.3] active_anon:1 inactive_anon:2 isolated_anon:0\n"
		  "[ 6.4] 1000 pages RAM\n"
		  "[ 7.0] sysrq: Show Memory\n"
		  "[ 7.1] Mem-Info:\n"
		  "[ 7.2] active_anon:1 inactive_anon:2 isolated_anon:0\n"
		  "[ 7.3] Free swap  = 0kB\n", &log);
	assert_int_equal(log.n, 0);
	oom_log_free(&log);
}

static void test_oom_log_parse_v1_hierarchy_stats(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	/* v1 before 4.19: one line of local values per cgroup below the memcg */
	parse_str("Task in /kubepods/burstable/podX/c1 killed as a result of limit of /kubepods/burstable/podX\n"
		  "memory: usage 102400kB, limit 102400kB, failcnt 10\n"
		  "memory+swap: usage 102400kB, limit 9007199254740988kB, failcnt 0\n"
		  "kmem: usage 1024kB, limit 9007199254740988kB, failcnt 0\n"
		  "Memory cgroup stats for /kubepods/burstable/podX: cache:0KB rss:0KB rss_huge:0KB shmem:0KB\n"
		  "Memory cgroup stats for /kubepods/burstable/podX/pause: cache:0KB rss:40KB rss_huge:0KB shmem:0KB\n"
		  "Memory cgroup stats for /kubepods/burstable/podX/c1: cache:2048KB rss:99000KB rss_huge:2048KB shmem:1024KB\n"
		  "Memory cgroup stats for /kubepods/burstable/podX/c 2: cache:0KB rss:18446744073709551616KB rss_huge:0KB shmem:0KB\n",
		  &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	assert_str(ev->oom_memcg, "/kubepods/burstable/podX");
	assert_str(ev->task_memcg, "/kubepods/burstable/podX/c1");
	assert_int_equal(ev->nstats, 4);
	assert_string_equal(ev->stats[2].cgroup, "/kubepods/burstable/podX/c1");
	assert_int_equal(to_stat(&ev->stats[2], "rss"), 99000 * KB);
	assert_int_equal(to_stat(&ev->stats[2], "shmem"), 1024 * KB);
	/* a path with a blank; a number past 2^64 is left out, not wrapped */
	assert_string_equal(ev->stats[3].cgroup, "/kubepods/burstable/podX/c 2");
	assert_int_equal(ev->stats[3].n, 3);
	assert_int_equal(ev->missing, OOM_MISSING_TRIGGER | OOM_MISSING_KILL);
	oom_log_free(&log);
}

static void test_oom_log_parse_page_size(void **state)
{
	struct oom_log log;
	const char *s =
		"x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
		"[     42]     0    42     1000      100    65536        0             0 x\n"
		"Out of memory: Killed process 42 (x) total-vm:64000kB, anon-rss:6000kB, file-rss:400kB, shmem-rss:0kB, UID:0 pgtables:64kB oom_score_adj:0\n";

	(void)state;
	/* 100 pages = 6400 kB: 64 KiB pages (arm64, ppc64le) */
	to_parse_buf(s, strlen(s), 0, &log);
	assert_int_equal(log.v[0].page_size, 65536);
	assert_int_equal(log.v[0].page_size_source, OOM_PAGE_SIZE_INFERRED);
	assert_true(log.v[0].complete);
	oom_log_free(&log);
	/* the caller knows better (the capture's page_size) */
	to_parse_buf(s, strlen(s), 16384, &log);
	assert_int_equal(log.v[0].page_size, 16384);
	assert_int_equal(log.v[0].page_size_source, OOM_PAGE_SIZE_GIVEN);
	oom_log_free(&log);
	assert_int_equal(oom_log_parse(s, strlen(s), 4095, &log), -EINVAL);
	assert_int_equal(log.n, 0);
	assert_int_equal(oom_log_parse(s, strlen(s), 256, &log), -EINVAL);
	oom_log_free(&log);
}

static void test_oom_log_parse_kmsg_escapes(void **state)
{
	struct oom_log log;
	const char *s =
		"4,1,1000000,-;tab\\x09name invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"6,2,1000001,-,caller=T12;Memory cgroup stats for /system.slice/system-getty\\x5cx2d.slice:\n"
		"6,3,1000002,-;anon 4096\\x0afile 8192\\x0ashmem 0\n"
		"3,4,1000003,-;Memory cgroup out of memory: Killed process 1 (\\x1b[31mred) total-vm:4kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB\n";

	(void)state;
	parse_str(s, &log);
	assert_int_equal(log.n, 1);
	/* as the kernel printed it: kmsg's \xNN undone (a TAB, a backslash, ESC) */
	assert_str(log.v[0].trigger_comm, "tab\tname");
	assert_string_equal(log.v[0].stats[0].cgroup, "/system.slice/system-getty\\x2d.slice");
	assert_int_equal(log.v[0].stats[0].n, 3);
	assert_int_equal(to_stat(&log.v[0].stats[0], "file"), 8192);
	assert_str(log.v[0].kills[0].comm, "\x1b[31mred");
	assert_true(log.v[0].kernel_time > 0.9999 && log.v[0].kernel_time < 1.0001);
	oom_log_free(&log);
}

/* ---- hostile input --------------------------------------------------------- */

static void test_oom_log_parse_empty_and_garbage(void **state)
{
	struct oom_log log;
	char *buf;
	uint32_t x = 12345;
	size_t i, n = 1 << 20;

	(void)state;
	to_parse_buf("", 0, 0, &log);
	assert_int_equal(log.n, 0);
	assert_int_equal(log.lines, 0);
	oom_log_free(&log);
	to_parse_buf(NULL, 0, 0, &log);
	assert_int_equal(log.n, 0);
	oom_log_free(&log);
	buf = xmalloc(n);
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (char)(x >> 16);
	}
	to_parse_buf(buf, n, 0, &log);
	assert_int_equal(log.n, 0);
	oom_log_free(&log);
	/* garbage with every OOM line shape sprinkled through it */
	memcpy(buf + 1000, "\nx invoked oom-killer: gfp_mask=\n", 33);
	memcpy(buf + 5000, "\n[ pid ]   uid\n[ 1] 2\n", 22);
	memcpy(buf + 9000, "\noom-kill:constraint=,pid=\n", 27);
	memcpy(buf + 13000, "\nKilled process (\n", 18);
	memcpy(buf + 17000, "\noom_reaper: reaped process 1 (\n", 32);
	memcpy(buf + 21000, "\nMemory cgroup stats for :\nkey 99999999999999999999999\n", 55);
	to_parse_buf(buf, n, 0, &log);
	assert_true(log.n >= 1);
	oom_log_free(&log);
	free(buf);
}

static void test_oom_log_parse_nul_bytes(void **state)
{
	struct oom_log log;
	static const char s[] =
		"a\0b invoked oom-killer: gfp_mask=0xcc0, order=0, oom_score_adj=0\n"
		"Killed process 12 (c\0d) total-vm:1\0kB, anon-rss:2kB, file-rss:3kB\n";

	(void)state;
	to_parse_buf(s, sizeof(s) - 1, 0, &log);
	assert_int_equal(log.n, 1);
	/* a NUL never cuts a string short: it is shown as '?' */
	assert_str(log.v[0].trigger_comm, "a?b");
	assert_str(log.v[0].kills[0].comm, "c?d");
	assert_kv(log.v[0].kills[0].total_vm_kb, 1);   /* "1\0kB": the digits only */
	assert_kv(log.v[0].kills[0].anon_rss_kb, 2);
	oom_log_free(&log);
}

/* CPU time, not wall time: the bound is on the parser's work, which a
 * loaded machine does not change (see tp_now() in test_parse_util.h). */
static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_oom_log_parse_50mb_lines(void **state)
{
	static const char *const heads[] = {
		"[ 1.0] x invoked oom-killer: gfp_mask=0xcc0, order=0, oom_score_adj=0 ",
		"[ 1.1] Memory cgroup stats for /",
		"[ 1.2] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=",
		"[ 1.3] Killed process 1 (",
		"[ 1.4] [ pid ]   uid  tgid total_vm      rss name",
		"[ 1.5] 1",
	};
	size_t n = 50u << 20, i;
	char *buf = xmalloc(n + 1);
	struct oom_log log;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(heads); i++) {
		size_t h = strlen(heads[i]);
		double t0;

		memcpy(buf, heads[i], h);
		/* digits, then blanks, then ")," - every scan runs to the end */
		memset(buf + h, i % 2 ? '7' : ' ', n - h);
		buf[n - 2] = ')';
		buf[n - 1] = ',';
		buf[n] = '\n';
		t0 = seconds();
		to_parse_buf(buf, n + 1, 0, &log);
		/* linear: well under a second per 50 MB, even sanitized */
		if (seconds() - t0 > 10.0)
			fail_msg("line %zu: %.1f s for 50 MB", i, seconds() - t0);
		assert_true(log.n <= 1);
		if (log.n) {
			/* what is kept of a field is bounded */
			if (log.v[0].trigger_comm)
				assert_true(strlen(log.v[0].trigger_comm) <= OOM_MAX_COMM);
			if (log.v[0].nstats)
				assert_true(strlen(log.v[0].stats[0].cgroup) <= OOM_MAX_PATH);
			if (log.v[0].nodemask)
				assert_true(strlen(log.v[0].nodemask) <= 256);
			if (log.v[0].nkills && log.v[0].kills[0].comm)
				assert_true(strlen(log.v[0].kills[0].comm) <= OOM_MAX_COMM);
		}
		oom_log_free(&log);
	}
	free(buf);
}

static void test_oom_log_parse_100k_triggers(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_log log;
	size_t i;
	double t0;

	(void)state;
	for (i = 0; i < 100000; i++)
		strbuf_addf(&sb, "[%zu.000000] p%zu invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n",
			    i, i);
	t0 = seconds();
	to_parse_buf(sb.buf, sb.len, 0, &log);
	if (seconds() - t0 > 20.0)
		fail_msg("%.1f s for 100,000 trigger lines", seconds() - t0);
	/* bounded: the first OOM_MAX_EVENTS kept, the rest counted */
	assert_int_equal(log.n, OOM_MAX_EVENTS);
	assert_int_equal(log.events_dropped, 100000 - OOM_MAX_EVENTS);
	assert_int_equal(log.lines, 100000);
	assert_str(log.v[0].trigger_comm, "p0");
	assert_int_equal(log.v[0].missing, OOM_MISSING_KILL);
	assert_str(log.v[OOM_MAX_EVENTS - 1].trigger_comm, "p9999");
	oom_log_free(&log);
	strbuf_release(&sb);
}

static void test_oom_log_parse_task_table_bounded(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct oom_log log;
	size_t i, rows = OOM_MAX_TASKS + 5000;

	(void)state;
	strbuf_addstr(&sb, "x invoked oom-killer: gfp_mask=0xcc0, order=0, oom_score_adj=0\n"
		      "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n");
	for (i = 0; i < rows; i++)
		strbuf_addf(&sb, "[%7zu]     0 %zu 1 1 4096 0 0 t\n", i + 1, i + 1);
	to_parse_buf(sb.buf, sb.len, 0, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.v[0].ntasks, OOM_MAX_TASKS);
	assert_int_equal(log.tasks_dropped, 5000);
	oom_log_free(&log);
	strbuf_release(&sb);
}

static void test_oom_log_parse_numbers_past_2_64(void **state)
{
	struct oom_log log;
	const struct oom_event *ev;

	(void)state;
	parse_str("x invoked oom-killer: gfp_mask=0xcc0, order=99999999999999999999, oom_score_adj=-99999999999999999999\n"
		  "CPU: 0 PID: 18446744073709551616 Comm: x Not tainted 6.1.0 #1\n"
		  "memory: usage 18446744073709551616kB, limit 18446744073709551615kB, failcnt 1\n"
		  "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name\n"
		  "[    1]     0     1 18446744073709551616 1 1 0 0 x\n"
		  "[    2]     0     2 18446744073709551615 1 1 0 0 y\n"
		  "Killed process 2 (y) total-vm:18446744073709551616kB, anon-rss:18446744073709551615kB, file-rss:0kB\n",
		  &log);
	assert_int_equal(log.n, 1);
	ev = &log.v[0];
	/* out of range: absent, never wrapped or clamped */
	assert_unset(ev->order);
	assert_unset(ev->trigger_oom_score_adj);
	assert_unset(ev->trigger_pid);
	assert_unset(to_counter(ev, "memory")->usage_kb);
	assert_kv(to_counter(ev, "memory")->limit_kb, UINT64_MAX);
	/* a row keeps its other columns */
	assert_int_equal(ev->ntasks, 2);
	assert_unset(ev->tasks[0].total_vm);
	assert_kv(ev->tasks[0].rss, 1);
	assert_kv(ev->tasks[1].total_vm, UINT64_MAX);
	assert_unset(ev->kills[0].total_vm_kb);
	assert_kv(ev->kills[0].anon_rss_kb, UINT64_MAX);
	/* kB -> bytes overflows: absent */
	assert_unset(ev->victim.anon_rss_bytes);
	assert_unset(ev->victim.total_vm_bytes);
	oom_log_free(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_log_parse_cadvisor_docker_v1_48_gentoo),
		cmocka_unit_test(test_oom_log_parse_cadvisor_global_313),
		cmocka_unit_test(test_oom_log_parse_cadvisor_memcg_v1_313),
		cmocka_unit_test(test_oom_log_parse_docker_v2_515_arm64_journal),
		cmocka_unit_test(test_oom_log_parse_docker_scope_v1_48_syslog),
		cmocka_unit_test(test_oom_log_parse_kubedirector_fragment_wrapped),
		cmocka_unit_test(test_oom_log_parse_askubuntu_condensed),
		cmocka_unit_test(test_oom_log_parse_global_611_stress_ng),
		cmocka_unit_test(test_oom_log_parse_dmesg_T_zh_two_lines),
		cmocka_unit_test(test_oom_log_parse_el9_v2_dmesg_Tx_indented),
		cmocka_unit_test(test_oom_log_parse_egachi_oom_group_grep),
		cmocka_unit_test(test_oom_log_parse_rhel6_2632_syslog),
		cmocka_unit_test(test_oom_log_parse_mesos_journal_blank_lines),
		cmocka_unit_test(test_oom_log_parse_live_kernel618_dmesg),
		cmocka_unit_test(test_oom_log_parse_live_kernel618_kmsg),
		cmocka_unit_test(test_oom_log_parse_variants_dmesg),
		cmocka_unit_test(test_oom_log_parse_variants_dmesg_T_locales),
		cmocka_unit_test(test_oom_log_parse_variants_kmsg),
		cmocka_unit_test(test_oom_log_parse_variants_syslog_journal),
		cmocka_unit_test(test_oom_log_parse_variants_pasted),
		cmocka_unit_test(test_oom_log_parse_pasted_twice),
		cmocka_unit_test(test_oom_log_parse_other_host),
		cmocka_unit_test(test_oom_log_parse_variants_v1),
		cmocka_unit_test(test_oom_log_parse_variants_v1_kmsg),
		cmocka_unit_test(test_oom_log_parse_variants_v1_mail_wrapped),
		cmocka_unit_test(test_oom_log_parse_variants_v1_unprefixed_wrapped),
		cmocka_unit_test(test_oom_log_parse_variants_v1_terminal_80),
		cmocka_unit_test(test_oom_log_parse_two_reports_with_noise),
		cmocka_unit_test(test_oom_log_parse_no_killable),
		cmocka_unit_test(test_oom_log_parse_chosen_not_killed),
		cmocka_unit_test(test_oom_log_parse_sacrifice_child),
		cmocka_unit_test(test_oom_log_parse_back_to_back_cut_reports),
		cmocka_unit_test(test_oom_log_parse_not_oom_reports),
		cmocka_unit_test(test_oom_log_parse_v1_hierarchy_stats),
		cmocka_unit_test(test_oom_log_parse_page_size),
		cmocka_unit_test(test_oom_log_parse_kmsg_escapes),
		cmocka_unit_test(test_oom_log_parse_empty_and_garbage),
		cmocka_unit_test(test_oom_log_parse_nul_bytes),
		cmocka_unit_test(test_oom_log_parse_50mb_lines),
		cmocka_unit_test(test_oom_log_parse_100k_triggers),
		cmocka_unit_test(test_oom_log_parse_task_table_bounded),
		cmocka_unit_test(test_oom_log_parse_numbers_past_2_64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
