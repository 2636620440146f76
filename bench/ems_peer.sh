#!/usr/bin/env bash
# bench/ems_peer.sh: HSS's 120 simulation against EMSTrack's EMS-Simulator (Python) on the same
# calls, units, stations and road times, in the same run. Builds the Lishui demo region in a
# temporary folder, exports the first DAYS days of its generated calls, its 252 units at their
# stations and the station x call road seconds from HSS's own matrix engine in the peer's input
# formats (bench/ems_peer.c), runs `hss ems simulate --calls` through the library and the peer's
# EventDispatcherSimulator with its BestTravelTime selector (bench/ems_peer.py, HSS's adapter),
# compares the unit dispatched to every call and prints both times and the ratio; once with the
# whole fleet and once with one unit in eleven, where most calls wait for a unit.
# Environment: EMS_SIM_DIR (a checkout of github.com/EMSTrack/EMS-Simulator, or its git
# directory; default: where the session's fetch puts it), DAYS (default 30).
# Nothing of the peer is ever copied into HSS: it is read from EMS_SIM_DIR at run time.
set -u
cd "$(dirname "$0")/.."
DAYS=${DAYS:-30}
SIM=${EMS_SIM_DIR:-/work/.mirror/EMSTrack+EMS-Simulator/repo}
PY=/usr/bin/python3
B=build/bench/ems_peer
make -j2 "$B" build/hss >/dev/null || exit 1
T=$(mktemp -d /tmp/hss-bench-ems-peer.XXXXXX)
trap 'rm -rf "$T"' EXIT

# the peer's package: a checkout with ems/ in it, or a git directory to extract it from
PEER=""
if [ -f "$SIM/ems/simulators/simulator.py" ]; then
  PEER=$SIM
elif git --git-dir="$SIM/.git" rev-parse HEAD >/dev/null 2>&1 || git --git-dir="$SIM" rev-parse HEAD >/dev/null 2>&1; then
  GD=$SIM/.git; [ -d "$GD" ] || GD=$SIM
  mkdir -p "$T/peer" && git --git-dir="$GD" archive HEAD | tar -x -C "$T/peer" && PEER=$T/peer
fi
if [ -z "$PEER" ] || [ ! -f "$PEER/ems/simulators/simulator.py" ]; then
  echo "EMS-Simulator: not found at $SIM. Get it with"
  echo "  git clone https://github.com/EMSTrack/EMS-Simulator /some/dir && EMS_SIM_DIR=/some/dir bench/ems_peer.sh"
  echo "(the peer comparison is skipped)"
  exit 0
fi

# its Python libraries from Debian
if ! $PY -c 'import numpy, scipy, pandas, shapely, geopy, termcolor, yaml' 2>/dev/null; then
  pk="python3-numpy python3-scipy python3-pandas python3-shapely python3-geopy python3-termcolor python3-yaml"
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pk >/dev/null || exit 1
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pk >/dev/null || exit 1
  else
    echo "EMS-Simulator needs Debian's Python libraries. Run:"
    echo "  sudo apt-get install -y --no-install-recommends $pk"
    exit 1
  fi
fi

build/hss demo lishui --db "$T/lishui.db" --quiet >/dev/null || exit 1
COMMIT=$(git --git-dir="${GD:-$PEER/.git}" rev-parse --short HEAD 2>/dev/null || echo unknown)

# scenario LABEL EVERY: every EVERY-th unit kept (1 = the whole fleet)
scenario() {
  local label=$1 every=$2 d=$T/fleet$2
  mkdir -p "$d" && cp "$T/lishui.db" "$d/run.db"
  echo "--- $label"
  "$B" export "$d/run.db" "$DAYS" "$every" "$d" || return 1
  local hss_out peer_out
  hss_out=$("$B" hss "$d/run.db" "$d/calls.csv" "$d/hss_units.csv") || return 1
  echo "$hss_out"
  peer_out=$($PY bench/ems_peer.py "$PEER" "$d" "$d/peer_units.csv") || return 1
  echo "$peer_out (EMS-Simulator commit $COMMIT)"
  compare "$d"
  local hs ps he pe
  hs=$(echo "$hss_out" | sed -n 's/.*whole run \([0-9.]*\) s wall.*/\1/p')
  ps=$(echo "$peer_out" | sed -n 's/.*whole run \([0-9.]*\) s .*/\1/p')
  he=$(echo "$hss_out" | sed -n 's/.*event loop \([0-9.]*\) s.*/\1/p')
  pe=$(echo "$peer_out" | sed -n 's/.*simulation \([0-9.]*\) s.*/\1/p')
  # whole run: HSS also loads the road network and computes the road-time matrix, which the
  # peer is handed; simulation: the event loops alone, the same work on both sides
  awk -v h="$hs" -v p="$ps" -v l="$label" 'BEGIN { printf "speed-up (%s, whole run, wall): %.0fx (HSS %.3f s, EMS-Simulator %.1f s)\n", l, p / h, h, p }'
  awk -v h="$he" -v p="$pe" -v l="$label" 'BEGIN { printf "speed-up (%s, simulation alone): %.0fx (HSS %.6f s, EMS-Simulator %.1f s)\n", l, p / h, h, p }'
}

# call by call: the same unit? Where not, is it a tie in the peer's whole seconds?
compare() {
  $PY - "$1" <<'PYEOF'
import csv, sys
d = sys.argv[1]
h = {r["call"]: r["unit"] for r in csv.DictReader(open(d + "/hss_units.csv"))}
p = {r["call"]: r["unit"] for r in csv.DictReader(open(d + "/peer_units.csv"))}
station = {r["id"]: int(r["station"]) for r in csv.DictReader(open(d + "/ambulances.csv"))}
index = {r["call_id"]: i for i, r in enumerate(csv.DictReader(open(d + "/points.csv")))}
times = [[float(x) for x in line.split(",")] for line in open(d + "/times.csv")]
agree = sum(1 for c in h if p.get(c) == h[c])
ties = 0
for c in h:
    if c in p and p[c] != h[c]:
        i = index[c]
        ties += int(times[station[h[c]]][i]) == int(times[station[p[c]]][i])
print("same dispatch decisions: %d of %d calls (%d differ; of these %d where the peer's whole-second "
      "times tie and it takes the first unit in its list)" % (agree, len(h), len(h) - agree, ties))
PYEOF
}

scenario "whole fleet" 1 || exit 1
# a fleet of one unit in eleven: most calls wait for a unit, which exercises the queues
scenario "thin fleet" 11 || exit 1
echo "target: the same dispatch decisions, HSS at least 100x faster"
