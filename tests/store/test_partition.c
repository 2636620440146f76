/*
 * test_partition.c: on PostgreSQL the tables about people and activity are partitioned by their
 * county code (issue 15): checked in pg_catalog (partitioned by hash of county_code, 16
 * partitions; the region's reference tables are not), every row in the partition of its
 * county's hash, a query that names one county reading one partition. And on both databases:
 * a database made at the schema versions before partitioning, holding rows, migrates and keeps
 * them. The PostgreSQL checks skip, saying why, when no server is given (HSS_STORE_PG).
 */
#include "testutil.h"
#include "store/schema.h"
#include "store/store_pg.h"

/* The tables partitioned by county, and the reference tables that must not be. */
static const char *const PEOPLE[] = {
    "care_resident", "care_contract", "care_referral", "care_referral_event", "care_enrolment",
    "care_followup", "care_request", "care_access_log", "ems_call", "ems_unit_event", "metric_record_value",
};
static const char *const REFERENCE[] = {
    "area", "facility", "staff", "vehicle", "care_team", "care_team_village", "ems_unit", "ems_aed",
    "care_figures_dirty", "app_user", "audit",
    "care_change", /* the worklists' change notes: read by version across counties */ "plan_task", "mobile_round", "surveil_series",
};
#define N(a) (sizeof a / sizeof *a)

/* Two counties whose codes hash to different partitions of 16 (checked below). */
#define COUNTY_A "331102"
#define COUNTY_B "331121"

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(dir);
    return 0;
}

static int on_pg(void) { return getenv("HSS_STORE_PG") && *getenv("HSS_STORE_PG"); }

static void exec_ok(hss_store *st, const char *sql)
{
    hss_error err;
    if (hss_store_exec(st, sql, &err))
        fail_msg("%s: %s", sql, err.msg);
}

/* A small region: two counties, each with a township and a village; two residents in each
 * with a contract, an enrolment, a follow-up, a referral and its event; calls and unit events;
 * record figures. `old` leaves out the county code of follow-ups and referral events (the
 * schema before partitioning has none). */
static void fill(hss_store *st, int old)
{
    exec_ok(st, "INSERT INTO area(code,parent_code,level,name,kind) VALUES"
                "('331100',NULL,'city','丽水市','urban'),"
                "('" COUNTY_A "','331100','county','莲都区','urban'),('" COUNTY_B "','331100','county','青田县','rural'),"
                "('" COUNTY_A "001','" COUNTY_A "','township','A镇','urban'),"
                "('" COUNTY_B "001','" COUNTY_B "','township','B镇','rural'),"
                "('" COUNTY_A "001001','" COUNTY_A "001','village','A村','urban'),"
                "('" COUNTY_B "001001','" COUNTY_B "001','village','B村','rural');"
                "INSERT INTO facility(code,name,type,ownership,area_code) VALUES"
                "('F1','A镇卫生院','township_health_centre','public','" COUNTY_A "001');"
                "INSERT INTO care_team(code,name,facility_code,county_code) VALUES('T1','A团队','F1','" COUNTY_A "');"
                "INSERT INTO care_resident(id_number,name,sex,birth_date,village_code,county_code) VALUES"
                "('331102195001010015','甲','male','1950-01-01','" COUNTY_A "001001','" COUNTY_A "'),"
                "('33110219550101002X','乙','female','1955-01-01','" COUNTY_A "001001','" COUNTY_A "'),"
                "('331121196001010019','丙','male','1960-01-01','" COUNTY_B "001001','" COUNTY_B "'),"
                "('331121196501010023','丁','female','1965-01-01','" COUNTY_B "001001','" COUNTY_B "');"
                "INSERT INTO care_contract(resident_id,team_code,package,start_date,end_date,village_code,county_code)"
                "  SELECT id,'T1','basic','2025-01-01','2025-12-31',village_code,county_code FROM care_resident;"
                "INSERT INTO care_enrolment(resident_id,disease,enrolled_on,village_code,county_code,s_birth,s_enrolled)"
                "  SELECT id,'hypertension','2025-01-01',village_code,county_code,0,20089 FROM care_resident;"
                "INSERT INTO care_referral(resident_id,from_facility,to_name,in_county,priority,state,requested_at,"
                "  village_code,county_code)"
                "  SELECT id,'F1','县医院',1,1,'requested','2025-02-01',village_code,county_code FROM care_resident;"
                "INSERT INTO care_request(request_id,user_name,kind,at,status,answer,county_code) VALUES"
                "('r1','doc','followup','2025-03-01T00:00:00Z',201,'{}','" COUNTY_A "'),"
                "('r2','doc','followup','2025-03-01T00:00:00Z',201,'{}','" COUNTY_B "');"
                "INSERT INTO ems_unit(code,county_code,station_code,kind,doctors,drivers,aides) VALUES"
                "('U1','" COUNTY_A "','F1','ambulance',1,1,1);"
                "INSERT INTO ems_call(call_id,county_code,village_code,lon,lat,received_at) VALUES"
                "('C1','" COUNTY_A "','" COUNTY_A "001001',119.9,28.4,1735700000),"
                "('C2','" COUNTY_B "','" COUNTY_B "001001',120.2,28.1,1735700100);"
                "INSERT INTO ems_unit_event(unit_code,county_code,at,state,user_name,recorded_at) VALUES"
                "('U1','" COUNTY_A "',1735700000,'dispatched','d','2025-01-01T00:00:00Z'),"
                "('U1','" COUNTY_B "',1735700100,'available','d','2025-01-01T00:00:00Z');"
                "INSERT INTO metric_record_value(element_id,org_id,period,value,county_code) VALUES"
                "(1,1,202501,3,'" COUNTY_A "'),(1,2,202501,4,'" COUNTY_B "');");
    exec_ok(st, old ? "INSERT INTO care_access_log(at,user_name,action,resident_id)"
                      "  SELECT '2025-03-01T00:00:00Z','doc','show',id FROM care_resident;"
                    : "INSERT INTO care_access_log(at,user_name,action,resident_id,county_code)"
                      "  SELECT '2025-03-01T00:00:00Z','doc','show',id,county_code FROM care_resident;");
    exec_ok(st, old ? "INSERT INTO care_followup(enrolment_id,visit_date,sbp,dbp)"
                      "  SELECT id,'2025-03-01',130,80 FROM care_enrolment;"
                      "INSERT INTO care_referral_event(referral_id,state,at)"
                      "  SELECT id,'requested','2025-02-01' FROM care_referral;"
                    : "INSERT INTO care_followup(enrolment_id,visit_date,sbp,dbp,county_code)"
                      "  SELECT id,'2025-03-01',130,80,county_code FROM care_enrolment;"
                      "INSERT INTO care_referral_event(referral_id,state,at,county_code)"
                      "  SELECT id,'requested','2025-02-01',county_code FROM care_referral;");
}

static hss_store *open_store(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    if (!st)
        fail_msg("open %s: %s", path, err.msg);
    return st;
}

static long long query_int(hss_store *st, const char *fmt, const char *arg)
{
    char sql[1024];
    snprintf(sql, sizeof sql, fmt, arg);
    return hss_test_query_int(st, sql);
}

static void skip_without_pg(void)
{
    if (!on_pg()) {
        fprintf(stderr, "no PostgreSQL server given (HSS_STORE_PG): partitioning exists on PostgreSQL only; "
                        "run `make check-pg`\n");
        skip();
    }
}

/* HSS_PG_PARTITIONS sets how many partitions a new table gets (the suite makes its schemas with
 * 4, see tests/pg/with_cluster.sh); a value out of range leaves the default, 16. */
static void partition_count_is_a_setting(void **state)
{
    (void)state;
    skip_without_pg();
    const char *count[][2] = {{"3", "3"}, {"0", "16"}, {"4x", "16"}};
    for (size_t i = 0; i < N(count); i++) {
        setenv("HSS_PG_PARTITIONS", count[i][0], 1);
        char name[32];
        snprintf(name, sizeof name, "count%zu.db", i);
        hss_store *st = open_store(name);
        assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid=i.inhparent "
                                                "WHERE c.relname='care_followup' "
                                                "AND c.relnamespace=current_schema()::regnamespace"),
                         atoi(count[i][1]));
        hss_store_close(st);
    }
    setenv("HSS_PG_PARTITIONS", "16", 1);
}

/* pg_catalog: the people and activity tables are hash-partitioned on county_code into 16;
 * the reference tables are plain tables. */
static void people_tables_partitioned_by_county(void **state)
{
    (void)state;
    skip_without_pg();
    hss_store *st = open_store("catalog.db");
    for (size_t i = 0; i < N(PEOPLE); i++) {
        const char *q = "SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid=p.partrelid "
                        "JOIN pg_attribute a ON a.attrelid=c.oid AND a.attnum=p.partattrs[0] "
                        "WHERE c.relname='%s' AND c.relnamespace=current_schema()::regnamespace "
                        "AND p.partstrat='h' AND p.partnatts=1 AND a.attname='county_code'";
        if (query_int(st, q, PEOPLE[i]) != 1)
            fail_msg("%s is not partitioned by hash of county_code", PEOPLE[i]);
        assert_int_equal(query_int(st,
                                   "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid=i.inhparent "
                                   "WHERE c.relname='%s' AND c.relnamespace=current_schema()::regnamespace",
                                   PEOPLE[i]),
                         16);
    }
    for (size_t i = 0; i < N(REFERENCE); i++)
        if (query_int(st, "SELECT count(*) FROM pg_class WHERE relname='%s' AND relkind='r' AND NOT relispartition "
                          "AND relnamespace=current_schema()::regnamespace", REFERENCE[i]) != 1)
            fail_msg("%s should be a plain (reference) table", REFERENCE[i]);
    /* the catalogue still lists a table after those its rows come from (`hss copy` copies in
     * that order): the figure queue after the care tables whose triggers fill it */
    size_t n, dirty = 0, followup = 0;
    hss_error err;
    char **names = hss_store_tables(st, &n, &err);
    assert_non_null(names);
    for (size_t i = 0; i < n; i++) {
        dirty = strcmp(names[i], "care_figures_dirty") == 0 ? i : dirty;
        followup = strcmp(names[i], "care_followup") == 0 ? i : followup;
    }
    hss_store_names_free(names, n);
    assert_true(followup > 0 && dirty > followup);
    /* and nothing else is partitioned */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c "
                                            "ON c.oid=p.partrelid WHERE c.relnamespace=current_schema()::regnamespace"),
                     (long long)N(PEOPLE));
    hss_store_close(st);
}

/* Every row is in one partition per county, the parent holds none, and the two counties'
 * rows are in different partitions. */
static void rows_land_in_their_county_partition(void **state)
{
    (void)state;
    skip_without_pg();
    hss_store *st = open_store("rows.db");
    fill(st, 0);
    for (size_t i = 0; i < N(PEOPLE); i++) {
        const char *t = PEOPLE[i];
        assert_int_equal(query_int(st, "SELECT count(*) FROM ONLY %s", t), 0);
        assert_int_equal(query_int(st, "SELECT count(*) FROM %s", t),
                         query_int(st, "SELECT sum(n) FROM (SELECT count(*) AS n FROM %s GROUP BY tableoid) AS p", t));
        if (query_int(st, "SELECT max(n) FROM (SELECT count(DISTINCT tableoid) AS n FROM %s GROUP BY county_code) AS p", t) != 1)
            fail_msg("%s: a county's rows are in more than one partition", t);
        if (query_int(st, "SELECT count(DISTINCT tableoid) FROM %s WHERE county_code IN ('" COUNTY_A "','" COUNTY_B "')",
                      t) != 2)
            fail_msg("%s: the rows of " COUNTY_A " and " COUNTY_B " are not in two partitions", t);
        /* each row's partition is the one whose hash range holds its county */
        if (query_int(st, "SELECT count(*) FROM %s x JOIN pg_inherits i ON i.inhrelid=x.tableoid "
                          "WHERE NOT satisfies_hash_partition(i.inhparent, 16, "
                          "CAST(substr(CAST(x.tableoid::regclass AS text), strpos(CAST(x.tableoid::regclass AS text), '_p')+2) AS int), "
                          "x.county_code)", t) != 0)
            fail_msg("%s: a row is outside the partition of its county", t);
    }
    hss_store_close(st);
}

/* EXPLAIN's plan lines, joined. */
static char *explain(hss_store *st, const char *sql)
{
    char q[1024];
    snprintf(q, sizeof q, "EXPLAIN %s", sql);
    hss_stmt *s = hss_store_prepare(st, q, NULL);
    assert_non_null(s);
    hss_buf b;
    hss_buf_init(&b);
    while (hss_store_step(s) == HSS_ROW) {
        hss_buf_puts(&b, hss_store_col_text(s, 0));
        hss_buf_putc(&b, '\n');
    }
    hss_store_finalize(s);
    return hss_buf_steal(&b);
}

/* How many partitions of `table` the plan reads (each named table_pN once or more). */
static int partitions_read(const char *plan, const char *table)
{
    char seen[64] = {0}, prefix[80];
    snprintf(prefix, sizeof prefix, "%s_p", table);
    int n = 0;
    for (const char *p = strstr(plan, prefix); p; p = strstr(p + 1, prefix)) {
        char *end;
        long k = strtol(p + strlen(prefix), &end, 10);
        if (end != p + strlen(prefix) && k >= 0 && k < 64 && !seen[k]) {
            seen[k] = 1;
            n++;
        }
    }
    return n;
}

/* A query that names one county reads one partition; one that does not reads them all. */
static void county_query_is_pruned(void **state)
{
    (void)state;
    skip_without_pg();
    hss_store *st = open_store("prune.db");
    fill(st, 0);
    char *one = explain(st, "SELECT * FROM care_followup WHERE county_code='" COUNTY_A "' AND enrolment_id=1");
    char *all = explain(st, "SELECT * FROM care_followup WHERE enrolment_id=1");
    char *join = explain(st, "SELECT f.id FROM care_enrolment e JOIN care_followup f ON f.enrolment_id=e.id "
                             "AND f.county_code=e.county_code WHERE e.county_code='" COUNTY_B "'");
    if (partitions_read(one, "care_followup") != 1)
        fail_msg("not pruned to one partition:\n%s", one);
    assert_int_equal(partitions_read(all, "care_followup"), 16);
    if (partitions_read(join, "care_followup") != 1 || partitions_read(join, "care_enrolment") != 1)
        fail_msg("a county's join is not pruned to one partition of each table:\n%s", join);
    free(one);
    free(all);
    free(join);
    hss_store_close(st);
}

/* Whether the planner has statistics of the partitioned table care_access_log as a whole
 * (pg_stats rows with inherited set), which autovacuum never takes. */
static long long whole_table_stats(hss_store *st)
{
    return hss_test_query_int(st, "SELECT count(*) FROM pg_stats WHERE schemaname=current_schema() "
                                  "AND tablename='care_access_log' AND inherited");
}

/* 6,000 access-log rows in `batches` transactions, then a read in a transaction. */
static void write_then_read(hss_store *st, int batches)
{
    char sql[300];
    for (int b = 0; b < batches; b++) {
        exec_ok(st, "BEGIN");
        snprintf(sql, sizeof sql, "INSERT INTO care_access_log(at,user_name,action,resident_id,county_code) "
                                  "SELECT '2025-01-01','u','show',g,'" COUNTY_A "' FROM generate_series(1,%d) g",
                 6000 / batches);
        exec_ok(st, sql);
        exec_ok(st, "COMMIT");
    }
    exec_ok(st, "BEGIN");
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log"), 6000);
    exec_ok(st, "COMMIT");
}

/* A read after a bulk load in its transaction analyses the partitioned table as a whole (its
 * statistics let the planner size joins on it; without them it read every partition); many
 * small transactions, as a server's, leave the analysis to autovacuum, off the requests. */
static void bulk_load_analyses_partitioned_table(void **state)
{
    (void)state;
    skip_without_pg();
    hss_store *st = open_store("analyse-bulk.db");
    write_then_read(st, 1);
    if (whole_table_stats(st) == 0)
        fail_msg("no statistics of care_access_log as a whole after a bulk load and a read");
    hss_store_close(st);
    st = open_store("analyse-small.db");
    write_then_read(st, 60);
    assert_int_equal(whole_table_stats(st), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM pg_stat_user_tables WHERE "
                                            "schemaname=current_schema() AND last_analyze IS NOT NULL"),
                     0);
    hss_store_close(st);
}

/* Makes the store's schema as it was before partitioning (care 5, ems 3, metrics 2; the other
 * modules as they are): every table dropped, then the migrations up to those versions applied
 * the way the store applies them. */
static const struct {
    const hss_schema *schema;
    size_t version; /* 0: all */
} BEFORE[] = {
    {&hss_schema_core, 0}, {&hss_schema_region, 0}, {&hss_schema_policy, 0}, {&hss_schema_metrics, 2},
    {&hss_schema_access, 0}, {&hss_schema_surveil, 0}, {&hss_schema_care, 5}, {&hss_schema_server, 0},
    {&hss_schema_fhir, 0}, {&hss_schema_ems, 3}, {&hss_schema_plan, 0}, {&hss_schema_rounds, 0},
};

static void apply_old(hss_store *st, const char *sql)
{
    const char *split = strchr(sql, HSS_SQL_PG[0]);
    if (!on_pg()) {
        char *own = split ? hss_xstrndup(sql, (size_t)(split - sql)) : hss_xstrdup(sql);
        exec_ok(st, own);
        free(own);
        return;
    }
    char *own = hss_store_pg_ddl(split ? split + 1 : sql);
    exec_ok(st, own);
    free(own);
}

static void make_old_schema(hss_store *st)
{
    if (on_pg())
        exec_ok(st, "DROP VIEW IF EXISTS data_value_v;"
                    "DO $hss$ DECLARE r record; BEGIN "
                    "FOR r IN SELECT relname FROM pg_class WHERE relnamespace=current_schema()::regnamespace "
                    "AND relkind IN ('r','p') AND NOT relispartition AND relname<>'hss_schema_version' LOOP "
                    "EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.relname); END LOOP; END $hss$");
    else {
        exec_ok(st, "PRAGMA foreign_keys=OFF");
        hss_stmt *s = hss_store_prepare(st, "SELECT type, name FROM sqlite_master WHERE type IN ('table','view') "
                                            "AND name NOT LIKE 'sqlite%' AND name<>'hss_schema_version' ORDER BY name", NULL);
        assert_non_null(s);
        hss_buf drops;
        hss_buf_init(&drops);
        while (hss_store_step(s) == HSS_ROW)
            hss_buf_printf(&drops, "DROP %s %s;", strcmp(hss_store_col_text(s, 0), "view") == 0 ? "VIEW" : "TABLE",
                           hss_store_col_text(s, 1));
        hss_store_finalize(s);
        exec_ok(st, drops.data);
        hss_buf_free(&drops);
        exec_ok(st, "PRAGMA foreign_keys=ON");
    }
    exec_ok(st, "DELETE FROM hss_schema_version");
    for (size_t i = 0; i < N(BEFORE); i++) {
        const hss_schema *sc = BEFORE[i].schema;
        size_t v = BEFORE[i].version ? BEFORE[i].version : sc->count;
        for (size_t k = 0; k < v; k++)
            apply_old(st, sc->sql[k]);
        char sql[200];
        snprintf(sql, sizeof sql, "INSERT INTO hss_schema_version(module,version) VALUES('%s',%zu)", sc->module, v);
        exec_ok(st, sql);
    }
}

/* A database at the versions before partitioning, holding rows, opens at the new versions with
 * every row kept, follow-ups and referral events given their county, ids going on from the
 * largest (on PostgreSQL: the rows now in their partitions). */
static void upgrade_keeps_rows(void **state)
{
    (void)state;
    hss_store *st = open_store("upgrade.db");
    make_old_schema(st);
    fill(st, 1);
    long long last_followup = hss_test_query_int(st, "SELECT max(id) FROM care_followup");
    hss_store_close(st);

    st = open_store("upgrade.db");
    assert_int_equal(hss_store_schema_version(st, "care"), (int)hss_schema_care.count);
    assert_int_equal(hss_store_schema_version(st, "ems"), (int)hss_schema_ems.count);
    assert_int_equal(hss_store_schema_version(st, "metrics"), (int)hss_schema_metrics.count);
    for (size_t i = 0; i < N(PEOPLE); i++) {
        long long want = strcmp(PEOPLE[i], "care_request") == 0 || strncmp(PEOPLE[i], "ems_", 4) == 0 ||
                                 strcmp(PEOPLE[i], "metric_record_value") == 0
                             ? 2
                             : 4;
        if (query_int(st, "SELECT count(*) FROM %s", PEOPLE[i]) != want)
            fail_msg("%s: %lld rows after the upgrade, %lld before", PEOPLE[i],
                     query_int(st, "SELECT count(*) FROM %s", PEOPLE[i]), want);
    }
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_followup f JOIN care_enrolment e "
                                            "ON e.id=f.enrolment_id AND e.county_code=f.county_code"),
                     4);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_referral_event v JOIN care_referral r "
                                            "ON r.id=v.referral_id AND r.county_code=v.county_code"),
                     4);
    /* care v7: the access log's rows take their resident's county */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log l JOIN care_resident r "
                                            "ON r.id=l.resident_id AND r.county_code=l.county_code"),
                     4);
    /* writes go on: a new follow-up takes the next id, a figure trigger marks its township once */
    exec_ok(st, "DELETE FROM care_figures_dirty;"
                "INSERT INTO care_followup(enrolment_id,visit_date,county_code)"
                "  SELECT id,'2025-04-01',county_code FROM care_enrolment WHERE county_code='" COUNTY_B "'");
    assert_int_equal(hss_test_query_int(st, "SELECT min(id) FROM care_followup WHERE visit_date='2025-04-01'"),
                     last_followup + 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_figures_dirty"), 1);
    if (on_pg())
        assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c "
                                                "ON c.oid=p.partrelid WHERE c.relnamespace=current_schema()::regnamespace"),
                         (long long)N(PEOPLE));
    hss_store_close(st);
}

/* A resident imported again with a village in another county moves there: one row, the new
 * county (on PostgreSQL into the other partition, the resident's records with them). */
static void resident_moves_county(void **state)
{
    (void)state;
    hss_store *st = open_store("move.db");
    fill(st, 0);
    hss_store_close(st);
    char path[600], cmd[1400], *out;
    snprintf(path, sizeof path, "%s/move.db", dir);
    char *csv = hss_test_write(dir, "move.csv", "id_number,name,sex,birth_date,village_code\n"
                                                "331102195001010015,甲,male,1950-01-01," COUNTY_B "001001\n");
    snprintf(cmd, sizeof cmd, "%s residents import %s --db '%s' 2>&1", hss_test_bin(), csv, path);
    int rc = hss_test_run(cmd, &out);
    if (rc != 0)
        fail_msg("%s: %s", cmd, out);
    free(out);
    free(csv);
    st = open_store("move.db");
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident WHERE id_number='331102195001010015'"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_resident WHERE id_number='331102195001010015' "
                                            "AND county_code='" COUNTY_B "' AND village_code='" COUNTY_B "001001'"),
                     1);
    if (on_pg()) /* the resident's records live with the resident */
        assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_followup f JOIN care_enrolment e "
                                                "ON e.id=f.enrolment_id JOIN care_resident r ON r.id=e.resident_id "
                                                "WHERE r.id_number='331102195001010015' AND f.county_code='" COUNTY_B "'"),
                         1);
    hss_store_close(st);
}

int main(void)
{
    /* the checks below are of the default, 16 partitions (the suite's schemas have 4) */
    setenv("HSS_PG_PARTITIONS", "16", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(partition_count_is_a_setting),
        cmocka_unit_test(people_tables_partitioned_by_county),
        cmocka_unit_test(rows_land_in_their_county_partition),
        cmocka_unit_test(county_query_is_pruned),
        cmocka_unit_test(bulk_load_analyses_partitioned_table),
        cmocka_unit_test(upgrade_keeps_rows),
        cmocka_unit_test(resident_moves_county),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
