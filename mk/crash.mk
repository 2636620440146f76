# mk/crash.mk: `make crash` kills the server under concurrent writes and each importer at
# random moments, 100 times each (HSS_CRASH_TRIALS=N to change; HSS_CRASH_SEED=S to repeat a
# run), and checks integrity, before-or-after state and the audit trail after every kill
# (tests/crash/test_crash.c; `make test` runs it with 2 trials).
.PHONY: crash
crash: $(BUILD)/hss $(BUILD)/tests/crash/test_crash
	d=$$(mktemp -d /tmp/hss-crash.XXXXXX); \
	HSS_CRASH_TRIALS=$${HSS_CRASH_TRIALS:-100} HSS_BIN=$(abspath $(BUILD)/hss) TMPDIR=$$d \
	  $(BUILD)/tests/crash/test_crash; rc=$$?; rm -rf $$d; exit $$rc
