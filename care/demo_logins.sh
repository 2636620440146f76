#!/bin/sh
# care/demo_logins.sh HSS DB: one demo login per care role on the Lishui demo database (run by
# `make serve` and so by `make demo`): a doctor of a 莲都区 township team, a village doctor of the
# same team, the county hospital (莲都区人民医院), the city CDC, and a resident of the team's
# villages under chronic-disease management (the planner login is made by mk/server.mk). The
# residents and teams are generated demo data. Prints the logins.
set -eu
HSS=$1
DB=$2
q() { sqlite3 -readonly "$DB" "$1"; }
TEAM=$(q "SELECT t.code FROM care_team t JOIN facility f ON f.code=t.facility_code
          WHERE f.type='township_health_center' AND t.county_code='331102' ORDER BY t.code LIMIT 1")
HOSP=$(q "SELECT code FROM facility WHERE type='general_hospital' AND substr(area_code,1,6)='331102'
          ORDER BY code LIKE '331102-%' DESC, code LIMIT 1")
RES=$(q "SELECT r.id_number FROM care_resident r JOIN care_team_village v ON v.village_code=r.village_code
         JOIN care_enrolment e ON e.resident_id=r.id WHERE v.team_code='$TEAM' ORDER BY r.id LIMIT 1")
if [ -z "$TEAM" ] || [ -z "$HOSP" ] || [ -z "$RES" ]; then
    echo "care demo logins: no township team, county hospital or managed resident in $DB" >&2
    exit 1
fi
add() { printf '%s\n' "$2" | "$HSS" user add "$1" $3 --password-stdin --db "$DB" >/dev/null; }
add doctor    doctor-demo-2025    "--role doctor --team $TEAM --display-name 乡镇家庭医生(演示)"
add villagedoc village-demo-2025  "--role doctor --team $TEAM --display-name 村医(演示)"
add hospital  hospital-demo-2025  "--role hospital --facility $HOSP --display-name 县医院转诊科(演示)"
add cdc       cdc-demo-2025       "--role cdc --scope 331100"
add resident  resident-demo-2025  "--role resident --resident $RES"
TNAME=$(q "SELECT t.name||' · '||f.name FROM care_team t JOIN facility f ON f.code=t.facility_code WHERE t.code='$TEAM'")
HNAME=$(q "SELECT name FROM facility WHERE code='$HOSP'")
echo "care demo logins (generated demo data):"
echo "  doctor     / doctor-demo-2025    township family doctor, $TNAME"
echo "  villagedoc / village-demo-2025   village doctor of the same team"
echo "  hospital   / hospital-demo-2025  receiving hospital, $HNAME"
echo "  cdc        / cdc-demo-2025       CDC, 丽水市 (alerts and surveillance, no named residents)"
echo "  resident   / resident-demo-2025  a resident of the team's villages (their own record)"
