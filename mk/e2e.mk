# mk/e2e.mk: `make e2e-repeat [N=10]` runs every end-to-end test program (those that drive
# headless Chromium or the npm FHIR clients) N times in a row under ASan+UBSan and stops at the
# first failure, naming it. A flaky test is a failing test: run this before calling a wait fixed.
E2E_TESTS := $(patsubst tests/%.c,%,$(shell grep -l '\.mjs' tests/*/test_*.c))
N ?= 10
.PHONY: e2e-repeat
e2e-repeat:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" build-asan/hss web/dist/index.html $(E2E_TESTS:%=build-asan/tests/%)
	@for i in $$(seq 1 $(N)); do for t in $(E2E_TESTS); do \
	  HSS_BIN=$(abspath build-asan/hss) BUILD=build-asan build-asan/tests/$$t > build-asan/e2e-last.log 2>&1 \
	    || { echo "run $$i: $$t FAILED (build-asan/e2e-last.log)"; exit 1; }; \
	  echo "run $$i: $$t ok"; done; done; echo "$(N) clean runs of $(words $(E2E_TESTS)) e2e programs"
