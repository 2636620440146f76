#!/usr/bin/python3
"""bench/ems_peer.py: runs EMSTrack's EMS-Simulator on the calls, units, stations and road times
that bench/ems_peer.c exported from HSS, and writes the unit it dispatched to each call.

Usage: ems_peer.py PEER_DIR DATA_DIR OUT.csv
PEER_DIR holds the simulator's `ems` package (a checkout, never copied into HSS); DATA_DIR the
exported stations.csv, ambulances.csv, points.csv and times.csv. This file is HSS's adapter, not
code from the peer: it builds the peer's own objects (LocationSet, TravelTimes read from
times.csv by the peer's reader, Ambulance, a Case subclass, DefinedCaseSet, AmbulanceSet) and
runs the peer's EventDispatcherSimulator with its BestTravelTime selector (the nearest available
ambulance by road time from where it stands).

The Case subclass gives every call the same steps as HSS's simulation with its stated default
intervals: dispatch 1 min after the call (or when a unit comes free, if later), turnout 2, the
road time from the unit's station, scene 15, transport 20, handover 10; the unit then stands at
its station again (HSS frees a unit at handover at its station).
"""
import csv
import sys
import time
from datetime import datetime, timedelta

DISPATCH, TURNOUT, SCENE, TRANSPORT, HANDOVER = 60, 120, 900, 1200, 600


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    peer_dir, data, out = sys.argv[1:4]
    sys.path.insert(0, peer_dir)
    from geopy import Point
    from ems.algorithms.ambulance import BestTravelTime
    from ems.datasets.ambulance import AmbulanceSet
    from ems.datasets.case import DefinedCaseSet
    from ems.datasets.location import LocationSet
    from ems.datasets.times import TravelTimes
    from ems.models.ambulance import Ambulance
    from ems.models.case import Case
    from ems.models.event import Event, EventType
    from ems.simulators.simulator import EventDispatcherSimulator

    t0 = time.perf_counter()
    stations = read_rows(data + "/stations.csv")
    points = read_rows(data + "/points.csv")
    origins = LocationSet([float(s["latitude"]) for s in stations], [float(s["longitude"]) for s in stations])
    destinations = LocationSet([float(p["latitude"]) for p in points], [float(p["longitude"]) for p in points])
    travel = TravelTimes(origins, destinations, filename=data + "/times.csv")
    start = datetime(2025, 1, 1)

    class HssCall(Case):
        """A call with HSS's steps; the road leg from the unit's station to the call."""

        def __init__(self, index, row):
            super().__init__(id=row["call_id"], date_recorded=start + timedelta(seconds=int(row["seconds"])),
                             incident_location=destinations[index], priority=1)
            self.index = index

        def iterator(self, ambulance, current_time):
            dispatched = max(current_time, self.date_recorded + timedelta(seconds=DISPATCH))
            road = float(travel.times[station_of[ambulance.id]][self.index])
            first = (dispatched - current_time).total_seconds() + TURNOUT + road
            yield Event(self.incident_location, EventType.TO_INCIDENT, timedelta(seconds=first))
            yield Event(self.incident_location, EventType.AT_INCIDENT, timedelta(seconds=SCENE))
            yield Event(self.incident_location, EventType.TO_HOSPITAL, timedelta(seconds=TRANSPORT))
            yield Event(ambulance.base, EventType.AT_HOSPITAL, timedelta(seconds=HANDOVER))

    station_of = {}
    ambulances = []
    for a in read_rows(data + "/ambulances.csv"):
        k = int(a["station"])
        station_of[a["id"]] = k
        ambulances.append(Ambulance(id=a["id"], base=origins[k], location=origins[k]))
    cases = [HssCall(i, p) for i, p in enumerate(points)]
    sim = EventDispatcherSimulator(ambulances=AmbulanceSet(ambulances=ambulances), cases=DefinedCaseSet(cases),
                                   ambulance_selector=BestTravelTime(travel_times=travel))
    t1 = time.perf_counter()
    records = sim.run()
    t2 = time.perf_counter()
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["call", "unit"])
        for r in records.case_records:
            w.writerow([r.case.id, r.ambulance.id])
    print("EMS-Simulator: %d calls, %d ambulances | whole run %.3f s (input %.3f s, simulation %.3f s)"
          % (len(cases), len(ambulances), t2 - t0, t1 - t0, t2 - t1))


if __name__ == "__main__":
    main()
