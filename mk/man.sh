#!/usr/bin/env bash
# mk/man.sh HSS_BIN: prints the hss(1) man page, built from the same usage texts that
# `hss COMMAND --help` and `hss help COMMAND` print, so the three never disagree.
set -euo pipefail
hss=${1:?usage: mk/man.sh HSS_BIN}
esc() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }
cat <<'HEAD'
.TH HSS 1 "" "HSS" "User Commands"
.SH NAME
hss \- run and steer a region's medical and health service system
.SH SYNOPSIS
.B hss
.I COMMAND
[\fIOPTIONS\fR]
.SH DESCRIPTION
HSS holds a city's or county's health service system (areas, facilities, staff, roads, residents,
care records, monitoring data), evaluates it against cited policy packs, detects outbreaks and
serves the dashboard. Each command is listed below with its usage as \fBhss help\fR prints it.
.SH COMMANDS
HEAD
"$hss" help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 && $1 != "commands:" && $1 != "help" { print $1 }' |
while read -r c; do
  printf '.SS %s\n.nf\n' "$c"
  "$hss" help "$c" | esc
  printf '.fi\n'
done
cat <<'TAIL'
.SH FILES
The database is one SQLite file (\fB\-\-db\fR FILE, WAL mode).
.SH SEE ALSO
The docs/ folder of the source tree: one page per module, the HTTP API and the import formats.
TAIL
