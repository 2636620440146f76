# mk/store.mk: the suite against PostgreSQL.
#   make check-pg         builds, starts a throwaway PostgreSQL 15 cluster (tests/pg/cluster.sh: a
#                         Unix socket in a directory under /tmp, run as the postgres user when
#                         root) and runs `make test` (the same binaries) with HSS_STORE_PG set to
#                         its URL, so that every database a test opens is a fresh schema on that
#                         server; the cluster is stopped and removed afterwards, whatever the result.
#   make test-pg-cluster  tests the throwaway cluster itself (tests/pg/test_cluster.sh).
.PHONY: check-pg test-pg-cluster
check-pg: $(BUILD)/hss $(TEST_BIN)
	@tests/pg/with_cluster.sh $(MAKE) --no-print-directory test

test-pg-cluster:
	@tests/pg/test_cluster.sh
