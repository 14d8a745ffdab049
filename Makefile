# Cubernetes: one binary, `cube`. Plain GNU make.
#
#   make              build build/cube
#   make check        unit + integration tests (no root needed)
#   make e2e          end-to-end tier (root: containerd, CNI, iptables)
#   make bench        benchmarks, with reference runs (nginx, etcd) beside ours
#   make fuzz         libFuzzer targets, each for a bounded time
#   make test         the README's test command: deps, check, e2e, check under ASan+UBSan and TSan
#   make ci           format check + test
#   make run          install what is missing, build, start `cube apiserver`
#   make SAN=asan ... the same under ASan+UBSan (objects in build-asan/)
#   make SAN=tsan ... the same under TSan (objects in build-tsan/)

CC       ?= gcc
SAN      ?=
BUILD    ?= build$(if $(SAN),-$(SAN))
PKGS     := jansson libevent libevent_openssl libevent_pthreads sqlite3 libcurl openssl yaml-0.1 \
            libnghttp2 libprotobuf-c ldns zlib
WARN     := -Wall -Wextra -Werror -Wno-unused-parameter -Wvla \
            $(if $(findstring clang,$(CC)),-Wno-missing-field-initializers,-Wno-format-truncation -Wshadow=local)
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu17 -Ulinux -D_GNU_SOURCE -DCUBE_HAVE_ZLIB -Isrc -I$(BUILD)/gen -pthread \
            -fno-strict-aliasing $(WARN) \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhttp_parser -lcmocka -lm -pthread
LDLIBS_MAIN := $(filter-out -lcmocka,$(LDLIBS))
# The cube binary allocates with jemalloc: every request builds and frees thousands of small
# JSON nodes, and glibc's malloc spent ~20% of the API server's CPU on them (its fastbin
# consolidation before each large allocation); jemalloc takes ~20% less CPU per write
# (docs/PERFORMANCE.md). Sanitizer builds keep their own allocator.
ifeq ($(SAN),)
LDLIBS_MAIN += -ljemalloc
endif

ifeq ($(SAN),asan)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(SAN),tsan)
CFLAGS  += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
export TSAN_OPTIONS ?= suppressions=$(abspath tests/tsan.supp)
endif

# ONLY="core/*.c store/*.c" restricts the library to some files (to build one
# module's tests while other modules are being written).
ONLY     ?= */*.c
LIB_SRCS  := $(sort $(filter-out src/cmd/main.c src/pause/%,$(wildcard $(addprefix src/,$(ONLY)))))
# protobuf-c code generated from proto/*.proto (never committed)
GEN_OBJS  := $(BUILD)/gen/cri.pb-c.o $(BUILD)/gen/openapiv2.pb-c.o $(BUILD)/gen/health.pb-c.o
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(GEN_OBJS)
UNIT     ?= */test_*.c
UNIT_SRCS := $(sort $(wildcard $(addprefix tests/unit/,$(UNIT))))
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))

.PHONY: clang-check all check unit integration e2e bench fuzz ci test run deps format format-check clean
all: $(BUILD)/cube $(BUILD)/pause

$(BUILD)/libcube.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/cube: $(BUILD)/src/cmd/main.o $(BUILD)/libcube.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_MAIN)

$(BUILD)/gen/%.pb-c.c $(BUILD)/gen/%.pb-c.h: proto/%.proto
	@mkdir -p $(dir $@)
	protoc-c --c_out=$(BUILD)/gen -Iproto $<

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CFLAGS) -Wno-unused-parameter -c -o $@ $<

.SECONDARY: $(GEN_OBJS:.o=.c)
# sources may include generated headers: generate them first
$(LIB_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/src/cmd/main.o: | $(GEN_OBJS:.o=.h)

# the sandbox's pause process: static, so its image holds one file
$(BUILD)/pause: src/pause/pause.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O2 -Wall -Wextra -Werror -static -s -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libcube.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -MMD -MP $(LDFLAGS) -o $@ $< $(BUILD)/libcube.a $(LDLIBS)

-include $(LIB_OBJS:.o=.d) $(BUILD)/src/cmd/main.d $(UNIT_BINS:=.d)

unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

integration: $(BUILD)/cube
	@CUBE=$(abspath $(BUILD)/cube) tests/run-integration.sh

# INTEGRATION_FILES="test_a test_b" limits the integration tier to those files.
INTEGRATION_FILES ?=
# Under TSan (5-15x slower) the integration tier runs the files whose code is concurrent:
# the API server's cache, watch and write paths, informers, controllers, scheduler.
TSAN_FILES := test_objects test_controllers test_scheduler test_hollow test_errors

check: all $(UNIT_BINS)
	@CUBE=$(abspath $(BUILD)/cube) CUBE_TEST_FILES="$(INTEGRATION_FILES)" \
		tests/run-all.sh $(UNIT_BINS)

e2e: $(BUILD)/cube $(BUILD)/pause
	@CUBE=$(abspath $(BUILD)/cube) tests/run-e2e.sh

bench: all
	@CUBE=$(abspath $(BUILD)/cube) bench/run.sh

fuzz:
	@CC=clang BUILD=build-fuzz tests/fuzz/run.sh $(FUZZ_SRCS)

deps:
	@scripts/deps.sh

run: deps all
	@scripts/run.sh $(abspath $(BUILD)/cube)

format:
	clang-format -i $$(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]')

# The README's test command: what CI runs (.ci/run). Installs what is missing first.
# clang's -fsyntax-only catches what gcc lets through, e.g. a goto that skips a variable with a
# cleanup attribute (its cleanup then frees garbage on that path).
clang-check: $(GEN_OBJS:.o=.h)
	@for f in $(LIB_SRCS) src/cmd/main.c; do \
		clang $(filter-out -Wno-format-truncation -Wshadow=local,$(CFLAGS)) \
			-Wno-missing-field-initializers -fsyntax-only $$f || exit 1; \
	done; echo "clang-check: ok"

test: deps
	$(MAKE) clang-check
	$(MAKE) check
	$(MAKE) e2e
	$(MAKE) SAN=asan check
	$(MAKE) SAN=tsan INTEGRATION_FILES="$(TSAN_FILES)" check

ci: deps format-check test

clean:
	rm -rf build build-asan build-tsan build-fuzz
