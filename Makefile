# peerlink: thin wrapper over CMake. See README.md.
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
PREFIX     ?= /usr/local
CTEST_ARGS ?= --output-on-failure -j$(JOBS) --timeout 300
PROGRAMS   := _s _c _peer_server _peer_client

# Sanitizer reports from every process (tests and the programs they start) go to files; any
# report fails the run (see tests/tools/sanitizer_reports.sh for the one message that is not one).
define no_sanitizer_reports
sh tests/tools/sanitizer_reports.sh $(1)/sanitizer-reports
endef

.PHONY: bench fuzz all build programs check check-sanitize check-asan check-tsan install clean test demo

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
	@rm -rf build-asan/sanitizer-reports && mkdir -p build-asan/sanitizer-reports
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$(CURDIR)/build-asan/sanitizer-reports/asan \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(CURDIR)/build-asan/sanitizer-reports/ubsan \
	  ctest $(CTEST_ARGS)
	@$(call no_sanitizer_reports,build-asan)

check-tsan:
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DPEERLINK_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j$(JOBS)
	@rm -rf build-tsan/sanitizer-reports && mkdir -p build-tsan/sanitizer-reports
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:log_path=$(CURDIR)/build-tsan/sanitizer-reports/tsan \
	  ctest $(CTEST_ARGS)
	@$(call no_sanitizer_reports,build-tsan)

# Sandboxes in ./testing: server/ and client1..client4/, each with the programs and a run.sh.
test: all
	@sh testing/make_sandboxes.sh

# The sandboxes running: a tmux session "peerlink" with the broker and four clients (PORT=12000).
demo: test
	@sh testing/demo.sh

# Each benchmark prints its figures next to a baseline measured in the same run, as a ratio, and
# one TABLE| line per figure of the summary printed at the end (tests/tools/bench_table.sh).
# The baselines use nc and scp where installed (README.md, "Benchmarks"); nothing is installed here.
BENCH_LOG := $(BUILD)/bench.log
bench: all
	@rm -f $(BENCH_LOG)
	@for b in $(BUILD)/bin/*_bench; do echo "== $$(basename $$b) =="; \
	  { $$b 2>&1; echo $$? >$(BENCH_LOG).rc; } | tee -a $(BENCH_LOG); \
	  [ "$$(cat $(BENCH_LOG).rc)" = 0 ] || exit 1; done
	@echo "== download benchmark (fetch_test) =="
	@$(BUILD)/bin/fetch_test --gtest_also_run_disabled_tests --gtest_filter='*Benchmark*' 2>&1 \
	  | grep -vE '^\[|^Note:|^$$' | tee -a $(BENCH_LOG)
	@sh tests/tools/bench_table.sh $(BENCH_LOG)

# libFuzzer on the codecs, name rules and the files read back from disk (needs clang and libclang-rt-14-dev), FUZZ_SECONDS each.
# Each starts from its seed corpus tests/fuzz/corpus/NAME (copied; what it finds stays in build-fuzz/corpus).
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/*_fuzz.cpp)))
fuzz:
	@CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPEERLINK_SANITIZE=fuzzer >/dev/null
	@cmake --build build-fuzz -j$(JOBS) --target $(FUZZ_TARGETS)
	@for f in build-fuzz/bin/*_fuzz; do n=$$(basename $$f); echo "== $$f"; \
	  mkdir -p build-fuzz/corpus/$$n; \
	  if [ -d tests/fuzz/corpus/$$n ]; then cp -n tests/fuzz/corpus/$$n/* build-fuzz/corpus/$$n/ 2>/dev/null || true; fi; \
	  $$f build-fuzz/corpus/$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 >$$f.log 2>&1 \
	    || { tail -40 $$f.log; echo "FUZZ FAILURE: $$f (crash input saved in ./crash-*)"; exit 1; }; \
	  grep -E "exec_per_sec|new_units" $$f.log; done

# The four programs alone (no tests, so no GoogleTest needed), in build-programs/; what `install` uses.
programs:
	@cmake -S . -B build-programs -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
	@cmake --build build-programs -j$(JOBS)

install: programs
	cmake --install build-programs --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) build-programs build-asan build-tsan build-fuzz exec
