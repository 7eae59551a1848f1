# memsnap — build, test, run.
#
#   make            build bin/memsnap-collect (static) and bin/memsnap
#   make run        install the build packages, build, capture this machine, report
#   make check      install the build and test packages, build, run every test
#   make check-slow the slow tests (a hung FUSE mount), which make check skips
#   make install    install both programs and their man pages (PREFIX, DESTDIR)
#   make check SAN=1  the same with ASan+UBSan (objects in build-san/)
#   make fuzz       run the libFuzzer targets for FUZZ_SECONDS each (default 300)
#   make bench      run the benchmarks under tests/bench/
#   V=1             show the commands
#   WERROR=1        warnings are errors (on by default when $CI is set)
#   NO_DEPS=1       do not run .ci/install-deps (`build` for run, `test` for check)
#
# Sources are found by wildcard: a new common/*.c, collect/*.c, analyze/**.c or
# reports/*.c is built without touching this file; tests/unit/test_*.c become
# cmocka binaries,
# tests/t[0-9]*.sh shell tests, tests/helpers/*.c static helper programs and
# tests/fuzz/fuzz_*.c libFuzzer targets.

VERSION := 0.1.0

CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
CLANG ?= clang
CFLAGS ?= -O2 -g
LDFLAGS ?=
SAN ?=
WERROR ?= $(if $(CI),1,)
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_RUNS ?= 20000

ifeq ($(SAN),1)
O := build-san
BIN := build-san/bin
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=undefined
else
O := build
BIN := bin
SANFLAGS :=
endif

CSTD := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64
WARNINGS := -Wall -Wextra -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	    -Wvla -Wwrite-strings -fno-common -Wshadow -Wpointer-arith \
	    -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif
# One include root: every #include names its folder ("common/util.h",
# "analyze/oom/oom.h"), so two files of one name never collide.
INCLUDES := -I. -I$(O)/gen
ALL_CFLAGS = $(CSTD) $(WARNINGS) $(CFLAGS) $(SANFLAGS) $(INCLUDES) \
	     -DMEMSNAP_VERSION='"$(VERSION)"' -MMD -MP

# Static collector: libarchive's writer with gzip and zstd only.  The static
# archive's other formats need libxml2/acl/nettle; collect/archive_stub.c keeps
# the linker from pulling them in (see the comment there).
COLLECT_LIBS := -larchive -lzstd -lz -lpthread
ANALYZE_LIBS := -larchive -lzstd -ljansson -lsqlite3 -lz -lm -lpthread
TEST_LIBS := -lcmocka

ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @printf '  %-8s %s\n'
endif

COMMON_SRCS := $(wildcard common/*.c)
COLLECT_SRCS := $(filter-out collect/main.c,$(wildcard collect/*.c))
ANALYZE_SRCS := $(filter-out analyze/main.c,\
		$(wildcard analyze/*.c analyze/*/*.c)) $(wildcard reports/*.c)
COMMON_OBJS := $(COMMON_SRCS:%.c=$(O)/%.o)
COLLECT_OBJS := $(COLLECT_SRCS:%.c=$(O)/%.o)
ANALYZE_OBJS := $(ANALYZE_SRCS:%.c=$(O)/%.o) $(O)/gen/blobs.o
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(O)/tests/%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(O)/helpers/%)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build-fuzz/%)

LIBCOMMON := $(O)/libcommon.a
LIBCOLLECT := $(O)/libcollect.a
LIBANALYZE := $(O)/libanalyze.a

# Files built into bin/memsnap (schema/*.sql in name order, report assets).
SCHEMA_SQL := $(sort $(wildcard schema/*.sql))
BLOB_FILES := $(O)/gen/schema.sql $(O)/gen/schema.img $(wildcard reports/*.css reports/*.js)

.PHONY: all deps deps-test run check check-slow test unit fuzz fuzz-smoke \
	bench clean install helpers tests

all: $(BIN)/memsnap-collect $(BIN)/memsnap

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/gen/schema.sql: $(SCHEMA_SQL)
	@mkdir -p $(dir $@)
	$(say) GEN $@
	$(Q)cat $(SCHEMA_SQL) > $@

# The empty database db_open() copies (schema.img) and its objects, which
# db_open() compares with a database's: made once here, by a program of
# SQLite alone (analyze/db/image/mkimage.c), not at every `memsnap load`.
# With them, the image of a new database file without the views the
# loader's SQL does not read (schema.writer.img) and those views
# (schema.rest): the loader's SQL is what the string literals of
# WRITER_SQL_SRCS name.
MKIMAGE_SRCS := analyze/db/image/mkimage.c analyze/db/objects.c
WRITER_SQL_SRCS := $(wildcard analyze/load/*.c) analyze/cmd_load.c analyze/db/db.c
define gen_image
	@mkdir -p $(dir $@)
	$(Q)$(1) $(CSTD) -I. -O1 -o $(@D)/mkimage $(MKIMAGE_SRCS) -lsqlite3
	$(Q)$(@D)/mkimage $(@D)/schema.sql $@.tmp $(@D)/schema.objects $(@D)/schema.writer.img \
		$(@D)/schema.rest $(WRITER_SQL_SRCS) && mv $@.tmp $@
endef

$(O)/gen/schema.img: $(O)/gen/schema.sql $(MKIMAGE_SRCS) $(WRITER_SQL_SRCS) analyze/db/db.h
	$(say) GEN $@
	$(call gen_image,$(CC) $(WARNINGS))

# The HTML report's Content-Security-Policy allows its inline <style> and
# <script> by hash: computed here, from the very files blobs.S embeds
# (coreutils only: sha256sum's hex through basenc to base64).
REPORT_ASSETS := reports/report.css reports/report.js
define gen_csp
	@mkdir -p $(dir $@)
	$(Q)set -e; { echo '/* made by the Makefile from $(REPORT_ASSETS) */'; \
	for f in css js; do \
		h=$$(sha256sum < reports/report.$$f | cut -c1-64 | tr a-f A-F | \
		     basenc --base16 -d | base64 -w0); \
		[ $${#h} = 44 ]; \
		printf '#define REPORT_%s_CSP_HASH "\047sha256-%s\047"\n' \
			"$$(echo $$f | tr a-z A-Z)" "$$h"; \
	done; } > $@.tmp && mv $@.tmp $@
endef

$(O)/gen/report_csp.h: $(REPORT_ASSETS)
	$(say) GEN $@
	$(gen_csp)
$(O)/reports/html.o: $(O)/gen/report_csp.h

$(O)/gen/blobs.o: analyze/db/blobs.S $(BLOB_FILES)
	@mkdir -p $(dir $@)
	$(say) AS $<
	$(Q)$(CC) $(SANFLAGS) -c -o $@ -Wa,-I$(O)/gen -Wa,-Ireports $<

$(LIBCOMMON): $(COMMON_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBCOLLECT): $(COLLECT_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBANALYZE): $(ANALYZE_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

ifeq ($(SAN),1)
$(BIN)/memsnap-collect: $(O)/collect/main.o $(LIBCOLLECT) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(COLLECT_LIBS)
else
$(BIN)/memsnap-collect: $(O)/collect/main.o $(LIBCOLLECT) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(say) LINK '$@ (static)'
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -static -Wl,--gc-sections -o $@ $^ \
		-larchive -lzstd -lz -lpthread
	$(Q)strip $@
endif

# The analyzer takes its libraries from their static archives (only libc and
# libm stay shared): every memsnap process paid 1.6 ms of CPU before main()
# for the dynamic linker to load and relocate them, libarchive's own (libxml2,
# ICU, libstdc++, nettle, acl) among them although memsnap only decompresses
# with it (a load and a report: 3.3 of the 46 ms issue 15's smem goal allows).
# From the static archive the linker takes only the filters memsnap calls.
# The tests, the fuzz targets and SAN=1 link the shared libraries.
ifeq ($(SAN),1)
MEMSNAP_LIBS = $(ANALYZE_LIBS)
else
MEMSNAP_LIBS = -Wl,-Bstatic -larchive -lzstd -ljansson -lsqlite3 -lz -llzma \
	       -lbz2 -Wl,-Bdynamic -lm -lpthread
endif

$(BIN)/memsnap: $(O)/analyze/main.o $(LIBANALYZE) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(say) LINK $@
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(MEMSNAP_LIBS)

$(O)/tests/%: tests/unit/%.c $(LIBANALYZE) $(LIBCOLLECT) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBANALYZE) $(LIBCOLLECT) $(LIBCOMMON) \
		$(ANALYZE_LIBS) $(TEST_LIBS)

# Helper programs run inside the test VM: static, not sanitized.
# What they share: tests/helpers/lib, and common/util's write_all().
HELPER_LIB := tests/helpers/lib/helper.c common/util.c
$(O)/helpers/%: tests/helpers/%.c $(HELPER_LIB) tests/helpers/lib/helper.h
	@mkdir -p $(dir $@)
	$(say) LINK '$@ (static)'
	$(Q)$(CC) $(CSTD) $(WARNINGS) -I. -O2 -static -o $@ $< $(HELPER_LIB) -lpthread -lm

helpers: $(HELPER_BINS)
tests: $(TEST_BINS) $(HELPER_BINS)

# Debian packages: `deps` what the build and the collector need, `deps-test`
# that and the test tools (sizes in README.md).
deps:
ifneq ($(NO_DEPS),1)
	@./.ci/install-deps build
endif

deps-test:
ifneq ($(NO_DEPS),1)
	@./.ci/install-deps test
endif

# Capture this machine and report on it.
RUN_DIR ?= $(O)/run
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(RUN_DIR)
	@rm -f $(RUN_DIR)/capture.tar.gz
	$(BIN)/memsnap-collect -o $(RUN_DIR)/capture.tar.gz; \
		rc=$$?; [ $$rc -le 1 ] || exit $$rc
	@# exit 1: the report lists files that could not be read (as a live
	@# capture always has: /proc/1/exe is denied even to root in some sandboxes)
	$(BIN)/memsnap report $(RUN_DIR)/capture.tar.gz; \
		rc=$$?; [ $$rc -le 1 ] || exit $$rc

check: deps-test
	@$(MAKE) --no-print-directory all tests
	@BIN_DIR=$(abspath $(BIN)) BUILD_DIR=$(abspath $(O)) SAN=$(SAN) \
		tests/run-tests $(TEST_BINS)
ifneq ($(SAN),1)
	@$(MAKE) --no-print-directory fuzz-smoke
endif

# The slow tests (a hung FUSE mount, ...): they skip under `make check`.
SLOW_TESTS ?= t16-*
check-slow: deps-test
	@$(MAKE) --no-print-directory all tests
	@BIN_DIR=$(abspath $(BIN)) BUILD_DIR=$(abspath $(O)) SAN=$(SAN) SLOW=1 \
		T='$(SLOW_TESTS)' tests/run-tests

unit: all tests
	@BIN_DIR=$(abspath $(BIN)) BUILD_DIR=$(abspath $(O)) SAN=$(SAN) \
		ONLY_UNIT=1 tests/run-tests $(TEST_BINS)

# ---- fuzzing (clang, libFuzzer) ----------------------------------------
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 $(INCLUDES:$(O)/gen=build-fuzz/gen) \
	       -fsanitize=fuzzer-no-link,address,undefined \
	       -DMEMSNAP_VERSION='"$(VERSION)"' -MMD -MP
FUZZ_OBJS := $(ANALYZE_SRCS:%.c=build-fuzz/%.o) $(COLLECT_SRCS:%.c=build-fuzz/%.o) \
	     $(COMMON_SRCS:%.c=build-fuzz/%.o) \
	     build-fuzz/gen/blobs.o
# Pattern-built prerequisites of a pattern rule are intermediate to make:
# keep them, or every `make fuzz` would rebuild them all.
.SECONDARY: $(FUZZ_OBJS)

build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) CLANG $<
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Ibuild-fuzz/gen -c -o $@ $<

build-fuzz/gen/schema.sql: $(SCHEMA_SQL)
	@mkdir -p $(dir $@)
	$(Q)cat $(SCHEMA_SQL) > $@

build-fuzz/gen/report_csp.h: $(REPORT_ASSETS)
	$(gen_csp)
build-fuzz/reports/html.o: build-fuzz/gen/report_csp.h

build-fuzz/gen/schema.img: build-fuzz/gen/schema.sql $(MKIMAGE_SRCS) $(WRITER_SQL_SRCS) \
		analyze/db/db.h
	$(call gen_image,$(CLANG))

build-fuzz/gen/blobs.o: analyze/db/blobs.S build-fuzz/gen/schema.sql build-fuzz/gen/schema.img \
		$(wildcard reports/*.css reports/*.js)
	$(Q)$(CLANG) -c -o $@ -Wa,-Ibuild-fuzz/gen -Wa,-Ireports $<

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(say) FUZZ $@
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter-out %.h,$^) $(ANALYZE_LIBS)

fuzz: $(FUZZ_BINS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_BINS)

fuzz-smoke: $(FUZZ_BINS)
ifneq ($(FUZZ_BINS),)
	@FUZZ_RUNS=$(FUZZ_SMOKE_RUNS) tests/fuzz/run $(FUZZ_BINS)
endif

bench: all helpers tests
	@BIN_DIR=$(abspath $(BIN)) BUILD_DIR=$(abspath $(O)) tests/bench/run

# make install [PREFIX=/usr/local] [DESTDIR=] [mandir=$(PREFIX)/share/man]
PREFIX ?= /usr/local
mandir ?= $(PREFIX)/share/man
MAN_PAGES := $(wildcard schema/man/*.[1-8])

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN)/memsnap-collect $(BIN)/memsnap $(DESTDIR)$(PREFIX)/bin/
	for p in $(MAN_PAGES); do \
		s=$${p##*.}; \
		install -d $(DESTDIR)$(mandir)/man$$s && \
		install -m 644 $$p $(DESTDIR)$(mandir)/man$$s/ || exit 1; \
	done

clean:
	rm -rf build build-san build-fuzz bin

-include $(shell find build build-san build-fuzz -name '*.d' 2>/dev/null)
