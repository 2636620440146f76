/*
 * cmd_care.c: `hss residents`, `hss care` and `hss worklist`: parse options, call the care
 * module (src/care/care.h), print through report/. Thin by design.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "care/care.h"
#include "server/server.h"
#include "cli/cli.h"

/* ---- a small option parser: --name value pairs, boolean flags, positional arguments ------- */

#define MAX_OPTS 32
typedef struct {
    const char *name[MAX_OPTS], *value[MAX_OPTS];
    int n;
    const char *pos[8];
    int npos;
    int bad;
} opts;

static const char *const FLAGS[] = {"--all", "--referred", "--out-of-county", "--overdue", "--help", NULL};

static int is_flag(const char *a)
{
    for (int i = 0; FLAGS[i]; i++)
        if (strcmp(a, FLAGS[i]) == 0)
            return 1;
    return 0;
}

static void parse(opts *o, int argc, char **argv, int first)
{
    memset(o, 0, sizeof *o);
    for (int i = first; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            if (o->n == MAX_OPTS) {
                o->bad = 1;
                return;
            }
            o->name[o->n] = argv[i];
            if (is_flag(argv[i])) {
                o->value[o->n++] = "1";
            } else if (i + 1 < argc) {
                o->value[o->n++] = argv[++i];
            } else {
                fprintf(stderr, "hss: option %s needs a value\n", argv[i]);
                o->bad = 1;
                return;
            }
        } else if (o->npos < 8) {
            o->pos[o->npos++] = argv[i];
        } else {
            o->bad = 1;
        }
    }
}

static const char *get(const opts *o, const char *name)
{
    for (int i = o->n - 1; i >= 0; i--)
        if (strcmp(o->name[i], name) == 0)
            return o->value[i];
    return NULL;
}

/* Refuses options that the command does not know (NULL-terminated list). */
static int check_known(const opts *o, const char *const *known)
{
    for (int i = 0; i < o->n; i++) {
        int ok = 0;
        for (int k = 0; known[k]; k++)
            ok |= strcmp(known[k], o->name[i]) == 0;
        if (!ok) {
            fprintf(stderr, "hss: unknown option %s\n", o->name[i]);
            return -1;
        }
    }
    return 0;
}

static int day_opt(const opts *o, int32_t *day)
{
    const char *d = get(o, "--date");
    if (!d) {
        *day = hss_care_today();
        return 0;
    }
    if (hss_care_parse_day(d, 0, day) != 0) {
        fprintf(stderr, "hss: --date '%s' is not a date (YYYY-MM-DD)\n", d);
        return -1;
    }
    return 0;
}

static int format_opt(const opts *o, hss_format *f)
{
    const char *s = get(o, "--format");
    *f = HSS_FORMAT_TABLE;
    return s ? hss_cli_format(s, f) : 0;
}

static int rules_opt(const opts *o, hss_care_rules *r)
{
    const char *path = get(o, "--rules");
    if (!path)
        path = getenv("HSS_CARE_RULES");
    if (!path) {
        hss_care_rules_default(r);
        return 0;
    }
    hss_error err;
    hss_error_clear(&err);
    if (hss_care_rules_load(path, r, &err)) {
        hss_cli_fail(&err);
        return -1;
    }
    return 0;
}

static const char *user_opt(const opts *o)
{
    const char *u = get(o, "--as");
    if (!u)
        u = getenv("USER");
    return u ? u : "cli";
}

static void viewer_opt(const opts *o, hss_care_viewer *v)
{
    memset(v, 0, sizeof *v);
    v->user = user_opt(o);
    v->team = get(o, "--team");
    v->facility = get(o, "--facility");
    v->area = get(o, "--area");
    const char *as = get(o, "--as");
    if (as && strlen(as) == 18 && !v->team && !v->facility && !v->area) {
        v->self_id_number = as;
        v->user = "resident";
    }
}

static int need_scope(const hss_care_viewer *v)
{
    int n = (v->team != NULL) + (v->facility != NULL) + (v->area != NULL);
    if (n > 1) {
        fprintf(stderr, "hss: give only one of --team, --facility, --area\n");
        return -1;
    }
    return 0;
}

/* Prints a table and frees it; returns 0. */
static int print_table(hss_table *t, hss_format f)
{
    hss_table_write(t, f, stdout);
    hss_table_free(t);
    return 0;
}

#define FAIL_IF(call)                                                                              \
    do {                                                                                           \
        if ((call) != HSS_OK) {                                                                    \
            hss_store_close(st);                                                                   \
            return hss_cli_fail(&err);                                                             \
        }                                                                                          \
    } while (0)

/* ---- hss residents ---------------------------------------------------------------------- */

static const char RES_USAGE[] =
    "hss residents import --db F FILE.csv\n"
    "       hss residents show ID --db F --as USER [--team T|--facility C|--area A] [--date D] [--format F]\n"
    "       hss residents list --db F --as USER --team T|--facility C|--area A [--limit N] [--format F]\n"
    "  CSV columns: id_number,name,sex,birth_date,village_code[,household,conditions]\n"
    "  ID numbers are always shown masked; every read is written to the resident's access log.\n"
    "  --as ID_NUMBER without a scope is a resident reading their own record.";

int hss_cmd_residents(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0)
        return argc < 2 ? hss_cli_usage(RES_USAGE) : (puts(RES_USAGE), 0);
    opts o;
    parse(&o, argc, argv, 2);
    static const char *const known[] = {"--db", "--as", "--team", "--facility", "--area", "--date", "--format",
                                        "--limit", NULL};
    if (o.bad || check_known(&o, known))
        return hss_cli_usage(RES_USAGE);
    hss_error err;
    hss_error_clear(&err);
    hss_format f;
    int32_t day;
    if (format_opt(&o, &f) || day_opt(&o, &day))
        return 2;
    if (strcmp(argv[1], "import") == 0) {
        if (o.npos != 1)
            return hss_cli_usage(RES_USAGE);
        hss_store *st = hss_cli_open_db(get(&o, "--db"), 0);
        if (!st)
            return 1;
        hss_care_import_stats stats;
        FAIL_IF(hss_care_residents_import(st, o.pos[0], &stats, &err));
        printf("%s: %zu residents read, %zu added, %zu updated\n", o.pos[0], stats.rows, stats.inserted, stats.updated);
        if (stats.cleared_households || stats.cleared_conditions)
            printf("cleared by empty cells: %zu households, %zu condition lists\n", stats.cleared_households,
                   stats.cleared_conditions);
        hss_store_close(st);
        return 0;
    }
    hss_care_viewer v;
    viewer_opt(&o, &v);
    if (need_scope(&v))
        return 2;
    if (!get(&o, "--as")) {
        fprintf(stderr, "hss: --as USER is required: every read of a resident is logged under a name\n");
        return 2;
    }
    if (strcmp(argv[1], "show") == 0) {
        if (o.npos != 1)
            return hss_cli_usage(RES_USAGE);
        hss_store *st = hss_cli_open_db(get(&o, "--db"), 0);
        if (!st)
            return 1;
        hss_table *rec = NULL, *log = NULL;
        FAIL_IF(hss_care_resident_show(st, &v, o.pos[0], day, &rec, &log, &err));
        if (f == HSS_FORMAT_JSON) {
            char *a = hss_table_render(rec, f), *b = hss_table_render(log, f);
            printf("{\"record\":%s,\"access_log\":%s}\n", a, b);
            free(a);
            free(b);
            hss_table_free(rec);
            hss_table_free(log);
        } else {
            print_table(rec, f);
            if (f == HSS_FORMAT_TABLE)
                printf("\n访问记录 (access log):\n");
            else
                printf("\n");
            print_table(log, f);
        }
        hss_store_close(st);
        return 0;
    }
    if (strcmp(argv[1], "list") == 0) {
        if (!v.team && !v.facility && !v.area) {
            fprintf(stderr, "hss: residents list needs --team, --facility or --area\n");
            return 2;
        }
        int64_t limit = 100;
        if (get(&o, "--limit") && (hss_parse_int64(get(&o, "--limit"), &limit) || limit < 0)) {
            fprintf(stderr, "hss: --limit must be a non-negative integer\n");
            return 2;
        }
        hss_store *st = hss_cli_open_db(get(&o, "--db"), 0);
        if (!st)
            return 1;
        hss_table *t = NULL;
        FAIL_IF(hss_care_residents_list(st, &v, day, (size_t)limit, &t, &err));
        print_table(t, f);
        hss_store_close(st);
        return 0;
    }
    fprintf(stderr, "hss: unknown residents subcommand '%s'\n", argv[1]);
    return hss_cli_usage(RES_USAGE);
}

/* ---- hss worklist --------------------------------------------------------------------------- */

static const char WL_USAGE[] =
    "hss worklist --db F --team T|--facility C|--area A [--date D] [--as USER] [--all] [--rules FILE]\n"
    "             [--format table|csv|json]\n"
    "  Chronic-disease patients due, overdue, needing a re-check or a referral, and overdue referrals.";

int hss_cmd_worklist(int argc, char **argv)
{
    opts o;
    parse(&o, argc, argv, 1);
    static const char *const known[] = {"--db", "--as", "--team", "--facility", "--area", "--date", "--format",
                                        "--all", "--rules", "--help", NULL};
    if (get(&o, "--help"))
        return puts(WL_USAGE), 0;
    if (o.bad || o.npos || check_known(&o, known))
        return hss_cli_usage(WL_USAGE);
    hss_care_viewer v;
    viewer_opt(&o, &v);
    v.self_id_number = NULL;
    v.user = user_opt(&o);
    if (need_scope(&v))
        return 2;
    if (!v.team && !v.facility && !v.area)
        return hss_cli_usage(WL_USAGE);
    hss_format f;
    int32_t day;
    hss_care_rules rules;
    if (format_opt(&o, &f) || day_opt(&o, &day) || rules_opt(&o, &rules))
        return 2;
    hss_store *st = hss_cli_open_db(get(&o, "--db"), 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *t = NULL;
    FAIL_IF(hss_care_worklist(st, &rules, &v, day, get(&o, "--all") != NULL, &t, &err));
    print_table(t, f);
    hss_store_close(st);
    return 0;
}

/* ---- hss care ------------------------------------------------------------------------------- */

static const char CARE_USAGE[] =
    "hss care COMMAND --db F ...\n"
    "  team add --code T --name N --facility C --villages 'V1;V2' [--village-doctors 'A;B'] [--phone P]\n"
    "  team import FILE.csv     (columns code,name,facility,villages[,village_doctors][,phone])\n"
    "  teams [--facility C]\n"
    "  contract add --resident R --team T --package P --start D [--end D]\n"
    "  contracts --team T|--facility C|--area A [--as USER] [--date D]\n"
    "  referral add --resident R --from C (--to C | --to-name NAME [--out-of-county]) [--at TS] [--reason TEXT]\n"
    "  referral transition ID STATE [--at TS] [--note TEXT] [--as USER]\n"
    "      states: requested accepted rejected arrived completed down_referred received\n"
    "  referral events ID\n"
    "  referrals --team T|--facility C|--area A [--overdue] [--date D] [--rules FILE]\n"
    "  enrol --resident R --disease hypertension|diabetes [--date D]\n"
    "  followup add --resident R --disease D --date D [--sbp N --dbp N] [--glucose X] [--symptoms 'a;b']\n"
    "               [--adherence regular|intermittent|none] [--referred]\n"
    "  followups --resident R --as USER [--team T|--facility C|--area A]\n"
    "  measures [--under AREA] [--date D] [--rules FILE]\n"
    "  generate [--scale S] [--seed N]      generated demo residents, contracts, referrals, follow-ups\n"
    "  demo-logins                         one login per care role on a demo region, printed\n"
    "  (R is an 18-character ID number or a resident id; every listing takes --format table|csv|json)";

static int int_opt(const opts *o, const char *name, int *out)
{
    const char *s = get(o, name);
    int64_t v;
    *out = -1;
    if (!s)
        return 0;
    if (hss_parse_int64(s, &v) || v < 0 || v > 1000) {
        fprintf(stderr, "hss: %s '%s' must be a whole number\n", name, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* The demo logins of the care roles (the planner's is made by `make serve`), with passwords
 * that say they are demo ones, and what each stands for. */
static hss_code demo_logins(hss_store *st, hss_error *err)
{
    hss_care_demo_people p;
    if (hss_care_demo_pick(st, &p, err))
        return err->code;
    char city[8]; /* the CDC login reads the whole city of the team's county */
    snprintf(city, sizeof city, "%.4s00", p.county);
    if ( hss_user_add_care(st, "doctor", "doctor", p.team, "乡镇家庭医生(演示)", "doctor-demo-2025", err) ||
        hss_user_add_care(st, "villagedoc", "doctor", p.team, "村医(演示)", "village-demo-2025", err) ||
        hss_user_add_care(st, "hospital", "hospital", p.hospital, "县医院转诊科(演示)", "hospital-demo-2025", err) ||
        hss_auth_user_add(st, "cdc", "cdc", city, "cdc-demo-2025", err) ||
        hss_user_add_resident(st, "resident", p.resident, "resident-demo-2025", err))
        return err->code ? err->code : HSS_EDB;
    printf("care demo logins (generated demo data):\n"
           "  doctor     / doctor-demo-2025    township family doctor, %s\n"
           "  villagedoc / village-demo-2025   village doctor of the same team\n"
           "  hospital   / hospital-demo-2025  receiving hospital, %s\n"
           "  cdc        / cdc-demo-2025       CDC of the city (alerts and surveillance, no named residents)\n"
           "  resident   / resident-demo-2025  a resident of the team's villages (their own record)\n",
           p.team_label, p.hospital_name);
    return HSS_OK;
}

int hss_cmd_care(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0)
        return argc < 2 ? hss_cli_usage(CARE_USAGE) : (puts(CARE_USAGE), 0);
    const char *cmd = argv[1];
    int two = argc > 2 && (strcmp(cmd, "team") == 0 || strcmp(cmd, "contract") == 0 || strcmp(cmd, "referral") == 0 ||
                           strcmp(cmd, "followup") == 0);
    const char *sub = two ? argv[2] : "";
    opts o;
    parse(&o, argc, argv, two ? 3 : 2);
    static const char *const known[] = {
        "--db", "--as", "--team", "--facility", "--area", "--date", "--format", "--code", "--name", "--villages",
        "--village-doctors", "--resident", "--package", "--start", "--end", "--from", "--to", "--to-name",
        "--out-of-county", "--at", "--reason", "--note", "--overdue", "--rules", "--disease", "--sbp", "--dbp",
        "--glucose", "--symptoms", "--adherence", "--referred", "--under", "--scale", "--seed", "--phone", "--help", NULL};
    if (o.bad || check_known(&o, known))
        return hss_cli_usage(CARE_USAGE);
    hss_format f;
    int32_t day;
    hss_care_rules rules;
    if (format_opt(&o, &f) || day_opt(&o, &day) || rules_opt(&o, &rules))
        return 2;
    hss_care_viewer v;
    viewer_opt(&o, &v);
    if (need_scope(&v))
        return 2;
    if ((strcmp(cmd, "contracts") == 0 || strcmp(cmd, "referrals") == 0) && !v.team && !v.facility && !v.area) {
        fprintf(stderr, "hss: care %s needs --team, --facility or --area (the scope whose residents to list)\n", cmd);
        return 2;
    }
    hss_error err;
    hss_error_clear(&err);
    int create = strcmp(cmd, "generate") == 0;
    hss_store *st = hss_cli_open_db(get(&o, "--db"), create);
    if (!st)
        return 1;
    hss_table *t = NULL;
    int64_t id = 0;
    if (strcmp(cmd, "team") == 0 && strcmp(sub, "add") == 0) {
        FAIL_IF(hss_care_team_store(st, get(&o, "--code"), get(&o, "--name"), get(&o, "--facility"),
                                    get(&o, "--villages"), get(&o, "--village-doctors"), get(&o, "--phone"), &err));
        printf("team %s stored\n", get(&o, "--code"));
    } else if (strcmp(cmd, "team") == 0 && strcmp(sub, "import") == 0 && o.npos == 1) {
        size_t n = 0;
        FAIL_IF(hss_care_teams_import(st, o.pos[0], &n, &err));
        printf("%zu teams stored\n", n);
    } else if (strcmp(cmd, "teams") == 0) {
        FAIL_IF(hss_care_teams(st, get(&o, "--facility"), &t, &err));
        print_table(t, f);
    } else if (strcmp(cmd, "contract") == 0 && strcmp(sub, "add") == 0) {
        FAIL_IF(hss_care_contract_add(st, get(&o, "--resident"), get(&o, "--team"), get(&o, "--package"),
                                      get(&o, "--start"), get(&o, "--end"), &id, &err));
        printf("contract %lld stored\n", (long long)id);
    } else if (strcmp(cmd, "contracts") == 0) {
        FAIL_IF(hss_care_contracts(st, &v, day, &t, &err));
        print_table(t, f);
    } else if (strcmp(cmd, "referral") == 0 && strcmp(sub, "add") == 0) {
        char today[11];
        hss_care_format_day(hss_care_today(), today);
        hss_care_referral_req q = {get(&o, "--resident"), get(&o, "--from"), get(&o, "--to"), get(&o, "--to-name"),
                                   get(&o, "--out-of-county") != NULL, get(&o, "--at") ? get(&o, "--at") : today,
                                   get(&o, "--reason"), user_opt(&o)};
        FAIL_IF(hss_care_referral_add(st, &q, &id, &err));
        printf("referral %lld requested\n", (long long)id);
    } else if (strcmp(cmd, "referral") == 0 && (strcmp(sub, "transition") == 0 || strcmp(sub, "events") == 0)) {
        int64_t rid;
        int need = strcmp(sub, "events") == 0 ? 1 : 2;
        if (o.npos != need || hss_parse_int64(o.pos[0], &rid)) {
            hss_store_close(st);
            return hss_cli_usage(CARE_USAGE);
        }
        if (need == 1) {
            FAIL_IF(hss_care_referral_events(st, rid, &t, &err));
            print_table(t, f);
        } else {
            char now[11];
            hss_care_format_day(hss_care_today(), now);
            FAIL_IF(hss_care_referral_transition(st, rid, o.pos[1], get(&o, "--at") ? get(&o, "--at") : now,
                                                 user_opt(&o), get(&o, "--note"), &err));
            printf("referral %lld is now %s\n", (long long)rid, o.pos[1]);
        }
    } else if (strcmp(cmd, "referrals") == 0) {
        FAIL_IF(hss_care_referrals(st, &v, day, get(&o, "--overdue") ? rules.referral_overdue_days : 0, &t, &err));
        print_table(t, f);
    } else if (strcmp(cmd, "enrol") == 0) {
        char today[11];
        hss_care_format_day(day, today);
        FAIL_IF(hss_care_enrol(st, get(&o, "--resident"), get(&o, "--disease"), today, &id, &err));
        printf("enrolment %lld stored\n", (long long)id);
    } else if (strcmp(cmd, "followup") == 0 && strcmp(sub, "add") == 0) {
        hss_care_followup_req q;
        memset(&q, 0, sizeof q);
        q.resident = get(&o, "--resident");
        q.disease = get(&o, "--disease");
        q.date = get(&o, "--date");
        q.glucose = -1;
        if (int_opt(&o, "--sbp", &q.sbp) || int_opt(&o, "--dbp", &q.dbp)) {
            hss_store_close(st);
            return 2;
        }
        if (get(&o, "--glucose") && hss_parse_double(get(&o, "--glucose"), &q.glucose)) {
            fprintf(stderr, "hss: --glucose '%s' is not a number\n", get(&o, "--glucose"));
            hss_store_close(st);
            return 2;
        }
        q.symptoms = get(&o, "--symptoms");
        q.adherence = get(&o, "--adherence");
        q.referred = get(&o, "--referred") != NULL;
        q.user = user_opt(&o);
        FAIL_IF(hss_care_followup_add(st, &q, &id, &err));
        printf("follow-up %lld stored\n", (long long)id);
    } else if (strcmp(cmd, "followups") == 0) {
        FAIL_IF(hss_care_followups(st, &v, get(&o, "--resident"), &t, &err));
        print_table(t, f);
    } else if (strcmp(cmd, "measures") == 0) {
        FAIL_IF(hss_care_measures(st, &rules, get(&o, "--under"), day, &t, &err));
        print_table(t, f);
    } else if (strcmp(cmd, "generate") == 0) {
        double scale = 0.01;
        int64_t seed = 1;
        if ((get(&o, "--scale") && (hss_parse_double(get(&o, "--scale"), &scale) || scale <= 0 || scale > 1.0)) ||
            (get(&o, "--seed") && hss_parse_int64(get(&o, "--seed"), &seed))) {
            fprintf(stderr, "hss: --scale must be a number in (0, 1] and --seed an integer\n");
            hss_store_close(st);
            return 2;
        }
        FAIL_IF(hss_care_generate_demo(st, (uint64_t)seed, scale, &err));
        hss_stmt *s = hss_store_prepare(st, "SELECT (SELECT count(*) FROM care_resident WHERE generated=1),"
                                                "(SELECT count(*) FROM care_contract WHERE generated=1),"
                                                "(SELECT count(*) FROM care_referral WHERE generated=1),"
                                                "(SELECT count(*) FROM care_enrolment WHERE generated=1),"
                                                "(SELECT count(*) FROM care_followup WHERE generated=1)", &err);
        if (s && hss_store_step(s) == HSS_ROW)
            printf("generated (labelled generated): %lld residents, %lld contracts, %lld referrals, "
                   "%lld chronic enrolments, %lld follow-ups\n",
                   hss_store_col_int64(s, 0), hss_store_col_int64(s, 1), hss_store_col_int64(s, 2),
                   hss_store_col_int64(s, 3), hss_store_col_int64(s, 4));
        hss_store_finalize(s);
    } else if (strcmp(cmd, "demo-logins") == 0) {
        FAIL_IF(demo_logins(st, &err));
    } else {
        fprintf(stderr, "hss: unknown care subcommand '%s%s%s'\n", cmd, two ? " " : "", sub);
        hss_store_close(st);
        return hss_cli_usage(CARE_USAGE);
    }
    hss_store_close(st);
    return 0;
}
