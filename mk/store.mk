# mk/store.mk: the suite against PostgreSQL.
#   make check-pg         builds, starts a throwaway PostgreSQL 15 cluster (tests/pg/cluster.sh: a
#                         Unix socket in a directory under /tmp, run as the postgres user when
#                         root) and runs the test programs (the same binaries as `make test`) with
#                         HSS_STORE_PG set to its URL, so that every database a test opens is a
#                         fresh schema on that server; the cluster is stopped and removed
#                         afterwards, whatever the result. Programs listed in tests/pg/pending.txt
#                         (each with the reason) do not pass on PostgreSQL yet and are left out;
#                         the run says how many.
#   make test-pg-cluster  tests the throwaway cluster itself (tests/pg/test_cluster.sh).
.PHONY: check-pg test-pg-cluster
PG_PENDING := $(shell sed -n 's/^\([a-z_]*\/test_[a-z_0-9]*\).*/\1/p' tests/pg/pending.txt 2>/dev/null)
PG_TEST_BIN := $(filter-out $(PG_PENDING:%=$(BUILD)/tests/%),$(TEST_BIN))
check-pg: $(BUILD)/hss $(TEST_BIN)
	@echo "check-pg: $(words $(PG_TEST_BIN)) of $(words $(TEST_BIN)) test programs on PostgreSQL ($(words $(PG_PENDING)) pending: tests/pg/pending.txt)"
	@HSS_BIN=$(abspath $(BUILD)/hss) BUILD=$(BUILD) tests/pg/with_cluster.sh tests/run.sh $(PG_TEST_BIN)

test-pg-cluster:
	@tests/pg/test_cluster.sh
