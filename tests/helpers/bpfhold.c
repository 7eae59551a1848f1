/* SPDX-License-Identifier: MIT */
/*
 * bpfhold: create real BPF maps with bpf(2) (no libbpf) and hold them.
 *
 * A test workload for memsnap's BPF accounting: the collector finds maps
 * through /proc/<pid>/fdinfo of `anon_inode:bpf-map` fds and through
 * bpftool; the tests compare what it stored with the ids printed here.
 *
 *   --type T          hash (default), array, percpu_hash, lru_hash,
 *                     percpu_array
 *   --entries N       max_entries (default 1024)
 *   --key-size K      bytes (default 8; 4 for arrays, which need 4)
 *   --value-size V    bytes (default 64)
 *   --name NAME       map name, at most 15 of [A-Za-z0-9_.] (default
 *                     "bpfhold"); with --count > 1 each gets "_<i>" appended
 *                     (the base is cut so the whole fits in 15)
 *   --count M         how many maps (default 1)
 *   --no-prealloc     BPF_F_NO_PREALLOC for hash types: memory then grows
 *                     with --fill instead of at creation
 *   --fill            insert (hash types) or update (array types) every
 *                     entry, so the memory is really used
 *   --pin DIR         also pin each map as DIR/<name> (DIR on a bpffs); a
 *                     pin outlives the process, the caller removes it
 *   --cgroup DIR      write our pid to DIR/cgroup.procs before creating: on
 *                     cgroup v2 with kernel 5.11+ maps are charged to the
 *                     memcg of the task that creates them
 *   --ready FILE      write our pid to FILE when every map exists (and is
 *                     filled)
 *   --hold SECONDS    exit after that long (default: wait until killed)
 *
 * Prints `map_id=<id> name=<name> type=... fd=...` per map, from
 * BPF_OBJ_GET_INFO_BY_FD (the id is the kernel's, as in fdinfo and bpftool).
 * Needs root or CAP_BPF.  Exit: 0, 1 on a failure, 2 for bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tests/helpers/lib/helper.h"
#include "common/banned.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))


static const struct {
	const char *name;
	enum bpf_map_type type;
	bool percpu;
	bool is_array;
} map_types[] = {
	{ "hash", BPF_MAP_TYPE_HASH, false, false },
	{ "array", BPF_MAP_TYPE_ARRAY, false, true },
	{ "percpu_hash", BPF_MAP_TYPE_PERCPU_HASH, true, false },
	{ "lru_hash", BPF_MAP_TYPE_LRU_HASH, false, false },
	{ "percpu_array", BPF_MAP_TYPE_PERCPU_ARRAY, true, true },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bpfhold [--type hash|array|percpu_hash|lru_hash|percpu_array]\n"
		"               [--entries N] [--key-size K] [--value-size V] [--name NAME]\n"
		"               [--count M] [--no-prealloc] [--fill] [--pin DIR]\n"
		"               [--cgroup DIR] [--ready FILE] [--hold SECONDS]\n"
		"\n"
		"Creates BPF maps with bpf(2), holds them, prints map_id=<id> name=<name>.\n");
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* Number of possible CPUs: percpu values are passed as one slot per CPU. */
static int possible_cpus(void)
{
	char buf[256];
	int fd, n = 0;
	ssize_t len;
	char *p;

	fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -EINVAL;
	buf[len] = '\0';
	/* "0-3" or "0,2-5,7" */
	for (p = buf; *p && *p != '\n';) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			return -EINVAL;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1)
				return -EINVAL;
			p = end;
		}
		n += (int)(b - a + 1);
		if (*p == ',')
			p++;
	}
	return n > 0 ? n : -EINVAL;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= BPF_OBJ_NAME_LEN)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
			return false;
	return true;
}

int main(int argc, char **argv)
{
	enum { OPT_KEY = 256, OPT_VALUE, OPT_NO_PREALLOC };
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "entries", required_argument, NULL, 'e' },
		{ "key-size", required_argument, NULL, OPT_KEY },
		{ "value-size", required_argument, NULL, OPT_VALUE },
		{ "name", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'C' },
		{ "no-prealloc", no_argument, NULL, OPT_NO_PREALLOC },
		{ "fill", no_argument, NULL, 'f' },
		{ "pin", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "ready", required_argument, NULL, 'r' },
		{ "hold", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "bpfhold", *pin = NULL, *cgroup = NULL, *ready = NULL;
	long entries = 1024, key_size = -1, value_size = 64, count = 1, hold = -1;
	bool fill = false, no_prealloc = false;
	size_t t = 0;
	unsigned char *key = NULL, *value = NULL;
	size_t value_len;
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int c, rc = 1;

	helper_name = "bpfhold";
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		long *num = NULL;

		switch (c) {
		case 't':
			for (t = 0; t < sizeof(map_types) / sizeof(map_types[0]); t++)
				if (!strcmp(optarg, map_types[t].name))
					break;
			if (t == sizeof(map_types) / sizeof(map_types[0])) {
				err("unknown map type '%s'", optarg);
				return 2;
			}
			break;
		case 'e': num = &entries; break;
		case OPT_KEY: num = &key_size; break;
		case OPT_VALUE: num = &value_size; break;
		case 'C': num = &count; break;
		case 'H': num = &hold; break;
		case 'n': name = optarg; break;
		case OPT_NO_PREALLOC: no_prealloc = true; break;
		case 'f': fill = true; break;
		case 'p': pin = optarg; break;
		case 'c': cgroup = optarg; break;
		case 'r': ready = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (num && (*num = parse_count(optarg, UINT32_MAX)) < 0) {
			err("bad number '%s'", optarg);
			return 2;
		}
	}
	if (optind < argc) {
		err("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (!valid_name(name)) {
		err("bad map name '%s': 1 to 15 of [A-Za-z0-9_.]", name);
		return 2;
	}
	if (key_size < 0)
		key_size = map_types[t].is_array ? 4 : 8;
	if (map_types[t].is_array && key_size != 4) {
		err("array maps need --key-size 4");
		return 2;
	}
	if (entries < 1 || key_size < 1 || value_size < 1 || count < 1) {
		err("--entries, --key-size, --value-size and --count must be > 0");
		return 2;
	}
	/* Keys are the entry index, little endian: the key must hold it. */
	if (fill && key_size < 8 && (uint64_t)entries > (UINT64_C(1) << (8 * key_size))) {
		err("--key-size %ld cannot hold %ld distinct keys", key_size, entries);
		return 2;
	}

	stop_on_signals();

	/* Before 5.11 map memory is charged to RLIMIT_MEMLOCK. */
	(void)setrlimit(RLIMIT_MEMLOCK, &rl);

	printf("pid=%ld\n", (long)getpid());
	fflush(stdout);
	if (cgroup && join_cgroup(cgroup) < 0)
		goto out;

	value_len = (size_t)value_size;
	if (map_types[t].percpu) {
		int ncpu = possible_cpus();

		if (ncpu < 0) {
			err("cannot read '/sys/devices/system/cpu/possible': %s",
			    strerror(-ncpu));
			goto out;
		}
		/* The kernel copies round_up(value_size, 8) bytes per CPU. */
		value_len = (((size_t)value_size + 7) & ~(size_t)7) * (size_t)ncpu;
	}
	key = calloc(1, (size_t)key_size);
	value = malloc(value_len);
	if (!key || !value) {
		err("out of memory");
		goto out;
	}
	memset(value, 0xb5, value_len);

	for (long i = 0; i < count; i++) {
		union bpf_attr attr;
		struct bpf_map_info info;
		char map_name[BPF_OBJ_NAME_LEN];
		int fd;

		if (count > 1) {
			/* Cut the base, not the suffix, so the names stay distinct. */
			char suffix[24];
			size_t room;

			snprintf(suffix, sizeof(suffix), "_%ld", i);
			room = sizeof(map_name) - 1 - strlen(suffix);
			memset(map_name, 0, sizeof(map_name));
			memcpy(map_name, name, MIN(strlen(name), room));
			memcpy(map_name + MIN(strlen(name), room), suffix,
			       strlen(suffix));
		} else {
			snprintf(map_name, sizeof(map_name), "%s", name);
		}

		memset(&attr, 0, sizeof(attr));
		attr.map_type = map_types[t].type;
		attr.key_size = (uint32_t)key_size;
		attr.value_size = (uint32_t)value_size;
		attr.max_entries = (uint32_t)entries;
		if (no_prealloc && !map_types[t].is_array)
			attr.map_flags = BPF_F_NO_PREALLOC;
		memcpy(attr.map_name, map_name, sizeof(attr.map_name));
		fd = (int)sys_bpf(BPF_MAP_CREATE, &attr);
		if (fd < 0) {
			err("cannot create %s map '%s': %s%s", map_types[t].name,
			    map_name, strerror(errno),
			    errno == EPERM ? " (needs root or CAP_BPF)" : "");
			goto out;
		}

		if (fill) {
			for (long k = 0; k < entries; k++) {
				uint64_t idx = (uint64_t)k;

				for (long b = 0; b < key_size && b < 8; b++)
					key[b] = (unsigned char)(idx >> (8 * b));
				memset(&attr, 0, sizeof(attr));
				attr.map_fd = (uint32_t)fd;
				attr.key = (uint64_t)(uintptr_t)key;
				attr.value = (uint64_t)(uintptr_t)value;
				attr.flags = BPF_ANY;
				if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr) < 0) {
					err("cannot fill map '%s' at entry %ld: %s",
					    map_name, k, strerror(errno));
					goto out;
				}
			}
		}

		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = (uint32_t)fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (uint64_t)(uintptr_t)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0) {
			err("cannot get info of map '%s': %s", map_name,
			    strerror(errno));
			goto out;
		}

		if (pin) {
			char path[PATH_MAX];

			if (snprintf(path, sizeof(path), "%s/%s", pin, map_name) >=
			    (int)sizeof(path)) {
				err("pin path too long '%s'", pin);
				goto out;
			}
			memset(&attr, 0, sizeof(attr));
			attr.pathname = (uint64_t)(uintptr_t)path;
			attr.bpf_fd = (uint32_t)fd;
			if (sys_bpf(BPF_OBJ_PIN, &attr) < 0) {
				err("cannot pin map '%s' at '%s': %s", map_name,
				    path, strerror(errno));
				goto out;
			}
			printf("map_id=%u name=%s type=%s max_entries=%u key_size=%u value_size=%u fd=%d pinned=%s\n",
			       info.id, info.name, map_types[t].name,
			       info.max_entries, info.key_size, info.value_size,
			       fd, path);
		} else {
			printf("map_id=%u name=%s type=%s max_entries=%u key_size=%u value_size=%u fd=%d\n",
			       info.id, info.name, map_types[t].name,
			       info.max_entries, info.key_size, info.value_size,
			       fd);
		}
		fflush(stdout);
		/* The fd stays open: that is what holds the map. */
	}

	if (ready && write_ready(ready) < 0)
		goto out;
	printf("ready=1\n");
	fflush(stdout);

	if (hold < 0) {
		while (!stop_signal)
			pause();
	} else {
		time_t end = time(NULL) + hold;

		while (!stop_signal && time(NULL) < end)
			sleep(1);
	}
	rc = 0;
out:
	free(key);
	free(value);
	return rc;
}
