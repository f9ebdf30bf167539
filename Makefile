# peerlink: thin wrapper over CMake. See README.md.
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX     ?= /usr/local
CTEST_ARGS ?= --output-on-failure -j$(JOBS) --timeout 300
PROGRAMS   := _s _c _peer_server _peer_client

.PHONY: all build check check-sanitize check-asan check-tsan install clean

all: build
	@mkdir -p exec
	@for p in $(PROGRAMS); do cp -f $(BUILD)/bin/$$p exec/; done
	@echo "built: $(addprefix exec/,$(PROGRAMS))"

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

check: all
	cd $(BUILD) && ctest $(CTEST_ARGS)

check-sanitize: check-asan check-tsan

check-asan:
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPEERLINK_SANITIZE=address >/dev/null
	@cmake --build build-asan -j$(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_ARGS)

check-tsan:
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DPEERLINK_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j$(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest $(CTEST_ARGS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) build-asan build-tsan exec
