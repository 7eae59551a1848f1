/* SPDX-License-Identifier: MIT */
/*
 * Go programs: the toolchain version from the executable's `.go.buildinfo`
 * section, and the four runtime variables from environ.
 *
 * .go.buildinfo (Go's debug/buildinfo) starts with a 32-byte header:
 *
 *   0..13  "\xff Go buildinf:"
 *   14     pointer size (4 or 8)
 *   15     flags: 0x1 big endian, 0x2 version inline
 *
 * Go 1.18 and later ("inline"): at 32, the version then the module info,
 * each a uvarint length and the bytes.  Before ("pointer"): at 16 and
 * 16+ptrsize, the addresses of two Go string headers {data, len}, in the
 * target's byte order; the strings live elsewhere in the image, found
 * through the section that holds their address.
 */
#include "collect/collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/heap_flags.h"

#include "common/banned.h"

#define BUILDINFO_MAGIC "\xff Go buildinf:"
#define BUILDINFO_HDR 32
#define SECTIONS_MAX 4096
/*
 * Section headers are 40 or 64 bytes; e_shentsize may say more (the rest of
 * each entry is skipped) but not 64 KiB: with SECTIONS_MAX that would be a
 * 256 MiB table to allocate for one executable.
 */
#define SHENTSIZE_MAX 256
#define SHSTRTAB_MAX (256u << 10)
#define GO_STRING_MAX 256

struct elf {
	int fd;
	bool is64, big;
	uint64_t shoff;
	unsigned shentsize, shnum, shstrndx;
	unsigned char *sh;            /* shnum * shentsize bytes */
};

struct shdr {
	uint32_t name, type;
	uint64_t addr, offset, size;
	uint32_t link;
};

static int pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	size_t done = 0;

	/* pread() fails with EINVAL past off_t: no file is that long. */
	if (off > (uint64_t)INT64_MAX - n)
		return -ENODATA;
	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done, n - done,
				  (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ENODATA;  /* short file: not what it claims */
		done += (size_t)r;
	}
	return 0;
}

static uint64_t get(const unsigned char *p, unsigned size, bool big)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[big ? size - 1 - i : i] << (8 * i);
	return v;
}

static void shdr_at(const struct elf *e, unsigned i, struct shdr *s)
{
	const unsigned char *p = e->sh + (size_t)i * e->shentsize;

	s->name = (uint32_t)get(p, 4, e->big);
	s->type = (uint32_t)get(p + 4, 4, e->big);
	if (e->is64) {
		s->addr = get(p + 16, 8, e->big);
		s->offset = get(p + 24, 8, e->big);
		s->size = get(p + 32, 8, e->big);
		s->link = (uint32_t)get(p + 40, 4, e->big);
	} else {
		s->addr = get(p + 12, 4, e->big);
		s->offset = get(p + 16, 4, e->big);
		s->size = get(p + 20, 4, e->big);
		s->link = (uint32_t)get(p + 24, 4, e->big);
	}
}

#define SHT_NOBITS_ 8

/* 1: an ELF file with its section headers loaded; 0: not ELF; <0: error. */
static int elf_open(struct elf *e, int fd)
{
	unsigned char h[64];
	unsigned need;
	int r;

	memset(e, 0, sizeof(*e));
	e->fd = fd;
	r = pread_full(fd, h, 52, 0);
	if (r == -ENODATA)
		return 0;
	if (r < 0)
		return r;
	if (memcmp(h, "\x7f" "ELF", 4) || (h[4] != 1 && h[4] != 2) ||
	    (h[5] != 1 && h[5] != 2))
		return 0;
	e->is64 = h[4] == 2;
	e->big = h[5] == 2;
	if (e->is64) {
		r = pread_full(fd, h + 52, 12, 52);
		if (r == -ENODATA)
			return 0;
		if (r < 0)
			return r;
		e->shoff = get(h + 40, 8, e->big);
		e->shentsize = (unsigned)get(h + 58, 2, e->big);
		e->shnum = (unsigned)get(h + 60, 2, e->big);
		e->shstrndx = (unsigned)get(h + 62, 2, e->big);
		need = 64;
	} else {
		e->shoff = get(h + 32, 4, e->big);
		e->shentsize = (unsigned)get(h + 46, 2, e->big);
		e->shnum = (unsigned)get(h + 48, 2, e->big);
		e->shstrndx = (unsigned)get(h + 50, 2, e->big);
		need = 40;
	}
	if (!e->shoff || e->shentsize < need || e->shentsize > SHENTSIZE_MAX)
		return 0;
	if (!e->shnum || e->shstrndx == 0xffff) {
		/* Many sections: the real numbers are in section 0. */
		struct shdr s0;

		e->sh = xmalloc(e->shentsize);
		r = pread_full(fd, e->sh, e->shentsize, e->shoff);
		if (r < 0)
			return r == -ENODATA ? 0 : r;
		shdr_at(e, 0, &s0);
		if (!e->shnum)
			e->shnum = s0.size > SECTIONS_MAX ? SECTIONS_MAX + 1
							  : (unsigned)s0.size;
		if (e->shstrndx == 0xffff)
			e->shstrndx = s0.link;
		free(e->sh);
		e->sh = NULL;
	}
	if (!e->shnum || e->shnum > SECTIONS_MAX || e->shstrndx >= e->shnum)
		return 0;
	e->sh = xmalloc((size_t)e->shnum * e->shentsize);
	r = pread_full(fd, e->sh, (size_t)e->shnum * e->shentsize, e->shoff);
	if (r < 0)
		return r == -ENODATA ? 0 : r;
	return 1;
}

/* Read n bytes at virtual address addr, through the section that holds it. */
static int elf_read_vaddr(const struct elf *e, uint64_t addr, void *buf,
			  size_t n)
{
	unsigned i;

	for (i = 1; i < e->shnum; i++) {
		struct shdr s;

		shdr_at(e, i, &s);
		if (s.type == SHT_NOBITS_ || !s.addr || addr < s.addr ||
		    addr - s.addr >= s.size || s.size - (addr - s.addr) < n)
			continue;
		return pread_full(e->fd, buf, n, s.offset + (addr - s.addr));
	}
	return -ENODATA;
}

/* A uvarint at p[0..len): bytes used, 0 when malformed. */
static size_t uvarint(const unsigned char *p, size_t len, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && i < 10; i++) {
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*ret = v;
			return i + 1;
		}
	}
	return 0;
}

static bool printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return len > 0;
}

static int set_version(const char *s, size_t len, char *out, size_t n)
{
	if (!printable(s, len))
		return 0;
	if (len >= n)
		len = n - 1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 1;
}

int goinfo_read_version(int fd, char *ret_version, size_t n)
{
	unsigned char hdr[BUILDINFO_HDR + 10 + GO_STRING_MAX];
	struct elf e;
	struct shdr s, strtab;
	char *names = NULL;
	uint64_t avail;
	unsigned i;
	int r;

	ret_version[0] = '\0';
	r = elf_open(&e, fd);
	if (r <= 0)
		goto out;
	r = 0;
	shdr_at(&e, e.shstrndx, &strtab);
	if (strtab.type == SHT_NOBITS_ || !strtab.size ||
	    strtab.size > SHSTRTAB_MAX)
		goto out;
	names = xmalloc((size_t)strtab.size + 1);
	r = pread_full(fd, names, (size_t)strtab.size, strtab.offset);
	if (r < 0) {
		r = r == -ENODATA ? 0 : r;
		goto out;
	}
	names[strtab.size] = '\0';
	for (i = 1; i < e.shnum; i++) {
		shdr_at(&e, i, &s);
		if (s.name < strtab.size && !strcmp(names + s.name, ".go.buildinfo"))
			break;
	}
	if (i == e.shnum || s.type == SHT_NOBITS_ || s.size < BUILDINFO_HDR)
		goto out;
	avail = MIN(s.size, (uint64_t)sizeof(hdr));
	r = pread_full(fd, hdr, (size_t)avail, s.offset);
	if (r < 0) {
		r = r == -ENODATA ? 0 : r;
		goto out;
	}
	if (memcmp(hdr, BUILDINFO_MAGIC, 14) || (hdr[14] != 4 && hdr[14] != 8))
		goto out;

	if (hdr[15] & 0x2) {
		/* Go 1.18+: inline. */
		uint64_t len;
		size_t used = uvarint(hdr + BUILDINFO_HDR,
				      (size_t)avail - BUILDINFO_HDR, &len);

		if (!used || len > (size_t)avail - BUILDINFO_HDR - used)
			goto out;
		r = set_version((const char *)hdr + BUILDINFO_HDR + used,
				(size_t)len, ret_version, n);
	} else {
		/* Before 1.18: a pointer to a string header. */
		unsigned ps = hdr[14];
		bool big = hdr[15] & 0x1;
		unsigned char sh[16];
		char str[GO_STRING_MAX];
		uint64_t addr = get(hdr + 16, ps, big), data, len;

		if (elf_read_vaddr(&e, addr, sh, 2 * ps) < 0)
			goto out;
		data = get(sh, ps, big);
		len = get(sh + ps, ps, big);
		if (!len || len > sizeof(str) ||
		    elf_read_vaddr(&e, data, str, (size_t)len) < 0)
			goto out;
		r = set_version(str, (size_t)len, ret_version, n);
	}
out:
	free(names);
	free(e.sh);
	return r;
}

/* ---- environ ----------------------------------------------------------------- */

static const char *const goenv_names[GOENV_NR] = {
	[GOENV_GOGC] = "GOGC",
	[GOENV_GOMEMLIMIT] = "GOMEMLIMIT",
	[GOENV_GOMAXPROCS] = "GOMAXPROCS",
	[GOENV_GODEBUG] = "GODEBUG",
	[GOENV_JAVA_TOOL_OPTIONS] = "JAVA_TOOL_OPTIONS",
	[GOENV_JDK_JAVA_OPTIONS] = "JDK_JAVA_OPTIONS",
	[GOENV__JAVA_OPTIONS] = "_JAVA_OPTIONS",
	[GOENV_NODE_OPTIONS] = "NODE_OPTIONS",
};

const char *goenv_name(enum goenv_var v)
{
	return (unsigned)v < GOENV_NR ? goenv_names[v] : "";
}

void goenv_init(struct goenv *e)
{
	memset(e, 0, sizeof(*e));
	e->cand = -1;
	strbuf_init(&e->cur, 0);
}

void goenv_release(struct goenv *e)
{
	int i;

	for (i = 0; i < GOENV_NR; i++)
		free(e->value[i]);
	strbuf_release(&e->cur);
	memset(e->value, 0, sizeof(e->value));
}

static void end_entry(struct goenv *e)
{
	/* The first definition wins, as for getenv() and Go's runtime. */
	if (e->cand >= GOENV_HEAP_FIRST && !e->value[e->cand]) {
		/* Options of a runtime: its heap settings, never the rest. */
		struct strbuf keep = STRBUF_INIT;

		heap_flags_keep(e->cur.buf, e->cur.len, &keep);
		e->value[e->cand] = strbuf_detach(&keep, NULL);
		e->truncated[e->cand] = e->cur.len >= GOENV_VALUE_MAX && e->skip;
		explicit_bzero(e->cur.buf, e->cur.len);
	} else if (e->cand >= 0 && !e->value[e->cand]) {
		e->value[e->cand] = xstrndup(e->cur.buf, e->cur.len);
		e->truncated[e->cand] = e->cur.len >= GOENV_VALUE_MAX && e->skip;
	}
	e->cand = -1;
	e->skip = false;
	e->name_len = 0;
	strbuf_reset(&e->cur);
}

static int match_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < GOENV_NR; i++)
		if (strlen(goenv_names[i]) == len &&
		    !memcmp(goenv_names[i], name, len))
			return i;
	return -1;
}

void goenv_feed(struct goenv *e, const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nul;

		if (e->skip && e->cand < 0) {
			/* Not wanted: jump to the end of the entry. */
			nul = memchr(buf + i, '\0', len - i);
			if (!nul)
				return;
			i = (size_t)(nul - buf);
		}
		if (buf[i] == '\0') {
			end_entry(e);
			i++;
			continue;
		}
		if (e->cand < 0) {
			if (buf[i] == '=') {
				e->cand = match_name(e->name, e->name_len);
				if (e->cand < 0)
					e->skip = true;
			} else if (e->name_len < sizeof(e->name) - 1) {
				e->name[e->name_len++] = buf[i];
			} else {
				e->skip = true;
			}
			i++;
			continue;
		}
		/* A wanted value: copy up to the NUL, at most GOENV_VALUE_MAX. */
		nul = memchr(buf + i, '\0', len - i);
		{
			size_t n = (nul ? (size_t)(nul - buf) : len) - i;
			size_t room = GOENV_VALUE_MAX - MIN(e->cur.len,
							    (size_t)GOENV_VALUE_MAX);

			if (n > room)
				e->skip = true;
			strbuf_add(&e->cur, buf + i, MIN(n, room));
			i += n;
		}
	}
}

void goenv_finish(struct goenv *e)
{
	if (e->cand >= 0 || e->name_len || e->skip)
		end_entry(e);
}
