#!/usr/bin/python3
"""`ofab serve` moving optical circuit switches (`reconfigure`): usage: serve-ocs-test.py OFAB WORKDIR
[parallel] (parallel: the servers and the planned run on the parallel core, 2 threads).

1. Requested ahead: paused at 0, a client asks for the slice of cubes 0 and 2 at 20 us and for
   cubes 2 and 1 at 25 us (the switches are still moving then: nothing moves and an ocs_move event
   says why), then resumes. The run is the same as `ofab run` of the file with ocs.schedule at the
   same times: the same transactions, collectives and moves (reasons aside).
2. Requested now: once that slice is ready the client pauses, is refused what cannot be (cubes not
   declared, the slice in force, times outside the run, a mistyped key), moves back now (the reply
   says what went dark and when the last circuit lights; the summary's move starts at the reply's
   time) and is refused a second move while the switches move. Every transaction is accounted for
   and the job completes on the slice after the move.
3. A policy that does not install planned routes (local) cannot move the switches: refused.
"""

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("serve_test", os.path.join(HERE, "serve-test.py"))
serve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(serve)
Server, Client, Failure, check, read_trace = serve.Server, serve.Client, serve.Failure, serve.check, serve.read_trace
YAML = os.path.join(HERE, "serve-ocs.yaml")


def summary_of(path):
    with open(path) as f:
        return json.load(f)


def without_reasons(moves):
    return [{k: v for k, v in m.items() if k != "reason"} for m in moves]


def phase_ahead(ofab, work):
    trace = os.path.join(work, "ahead.h5")
    server = Server(ofab, work, "--paused", "-o", trace, "-q", yaml=YAML)
    c = Client(server.port)
    ocs = c.req(cmd="status")["ocs"]
    # Declared: the initial slice, then [0, 2] (topology.configurations; also a spare swap, declared
    # once), then the other swap [2, 1].
    check(ocs["configuration"] == 0 and ocs["cubes"] == [0, 1] and not ocs["moving"] and
          ocs["reconfigurations"] == 0 and ocs["configurations"] == [[0, 1], [0, 2], [2, 1]],
          "status: configuration 0 (cubes 0, 1) in force, 3 declared, none twice")
    r = c.req(cmd="reconfigure", cubes=[0, 2], at="20us")
    check(r["ok"] and not r["applied"] and r["at_ns"] == 20000 and r["cubes"] == [0, 2],
          "cubes [0, 2] at 20 us: accepted, to be checked when due")
    target = r["configuration"]
    r = c.req(**{"cmd": "reconfigure", "cubes": [2, 1], "in": "25us"})  # `in` is a Python keyword
    check(r["ok"] and not r["applied"] and r["at_ns"] == 25000, "cubes [2, 1] in 25 us: accepted")
    check(c.req(cmd="subscribe", interval="10us", links=False, latency=False)["ok"], "subscribe to events")
    check(c.req(cmd="resume")["ok"], "resume")
    events = []
    while True:
        m = c.push(lambda m: m["type"] in ("event", "end"))
        if m["type"] == "end":
            break
        events.append(m)
    check(server.wait() == 0, "the run ends at its duration and the server exits 0")
    moves = [e for e in events if e["kind"] == "ocs_move"]
    check(len(moves) == 2 and moves[0]["time_ns"] == 20000 and "requested by client" in moves[0]["detail"],
          "the move starts at 20 us, requested by the client: " + moves[0]["detail"])
    check(moves[1]["time_ns"] == 25000 and "move skipped: the circuit switches are still moving" in moves[1]["detail"],
          "the one due at 25 us is skipped, and the event says why: " + moves[1]["detail"])
    check(any(e["kind"] == "ocs_ready" for e in events), "the new slice becomes ready (ocs_ready event)")

    served = summary_of(os.path.join(work, "ahead.json"))
    planned = os.path.join(work, "planned.h5")
    code = subprocess.call([ofab, "run", YAML, "-o", planned, "-q", "--set",
                            "ocs.schedule=[{at: 20us, cubes: [0, 2]}, {at: 25us, cubes: [2, 1]}]",
                            *serve.SERVER_EXTRA], stdout=subprocess.DEVNULL)
    check(code == 0, "ofab run of the same file with ocs.schedule at the same times")
    run = summary_of(os.path.join(work, "planned.json"))
    threads = 2 if serve.SERVER_EXTRA else 0
    check(served["threads"] == run["threads"] == threads, f"served and planned on threads {threads} (0: sequential)")
    check(served["transactions"] == run["transactions"] and served["collectives"] == run["collectives"],
          f"the served run is the planned run: transactions {served['transactions']['completed']} completed, "
          f"{served['transactions']['failed']} failed in both; the same collectives")
    check(without_reasons(served["ocs"]["reconfigurations"]) == without_reasons(run["ocs"]["reconfigurations"]) and
          served["ocs"]["reconfigurations"][0]["to"] == target, "and the same move, figure for figure")
    _, _, trace_events, _, _ = read_trace(trace)
    check(any(e[1] == "ocs_move" and "move skipped" in e[3] for e in trace_events), "the skip is an /events row")


def phase_now(ofab, work):
    trace = os.path.join(work, "now.h5")
    # Paced at 10 ms of wall time per simulated us, so the pause lands well before the run's end.
    server = Server(ofab, work, "--paused", "--realtime", "10000", "-o", trace, "-q", "--set",
                    "ocs.schedule=[{at: 10us, cubes: [0, 2]}]", yaml=YAML)
    c = Client(server.port)
    check(c.req(cmd="subscribe", interval="10us", links=False, latency=False)["ok"], "subscribe to events")
    check(c.req(cmd="resume")["ok"], "resume")
    c.push(lambda m: m["type"] == "event" and m["kind"] == "ocs_ready")
    check(c.req(cmd="pause")["ok"], "the scheduled move's slice is ready: pause")
    status = c.req(cmd="status")
    now = status["sim_time_ns"]
    check(status["ocs"]["cubes"] == [0, 2] and not status["ocs"]["moving"], f"paused at {now} ns on cubes [0, 2]")

    refusals = [
        ({"cubes": [1, 0]}, "is not a declared configuration"),
        ({"cubes": [1, 0]}, "declared: 0 [0, 1]"),
        ({"cubes": [0, 2]}, "is already in force"),
        ({"cubes": [0, 1], "configuration": 0}, "one of the two"),
        ({"configuration": 99}, "expected an index from 0 to"),
        ({"cubes": "0,1"}, "expected a list of cube ids"),
        ({"cubes": [0, 1], "at": "500us"}, "after the end of the run"),
        ({"cubes": [0, 1], "at": "1us"}, "is in the past"),
        ({"cubes": [0, 1], "at": "soon"}, "expected a simulated time with a unit"),
        ({"cube": [0, 1]}, "did you mean 'cubes'"),
    ]
    for request, error in refusals:
        r = c.req(cmd="reconfigure", **request)
        check(not r["ok"] and error in r["error"], f"{request}: {r.get('error')}")
    r = c.req(cmd="reconfigure", configuration=0)
    check(r["ok"] and r["applied"] and r["at_ns"] == now and r["cubes"] == [0, 1] and
          r["circuits_darkened"] == 16 and r["circuits_lit"] == 16,
          "configuration 0 now: applied at once, 16 circuits dark and 16 to light")
    lit_by = r["lit_by_ns"]
    check(now < lit_by <= now + 200000, f"the last circuit lights at {lit_by} ns")
    status = c.req(cmd="status")["ocs"]
    check(status["moving"] and status["configuration"] == 0 and status["reconfigurations"] == 2,
          "status: moving to configuration 0, the second move")
    r = c.req(cmd="reconfigure", cubes=[0, 2])
    check(not r["ok"] and "still moving" in r["error"], "a move while the switches move: " + r.get("error", ""))
    check(c.req(cmd="resume")["ok"], "resume")
    c.push(lambda m: m["type"] == "end")
    check(server.wait() == 0, "the server exits 0 at the end")

    summary = summary_of(os.path.join(work, "now.json"))
    moves = summary["ocs"]["reconfigurations"]
    check(len(moves) == 2 and moves[1]["start_ns"] == now and moves[1]["reason"].startswith("requested by client"),
          "the summary's second move starts at the reply's time, requested by the client")
    check(moves[1]["lit_ns"] == lit_by and moves[1]["slice_is_torus"] and summary["ocs"]["final_configuration"] == 0,
          "the last circuit lit when the reply said, and the slice is the declared torus again")
    t = summary["transactions"]
    check(t["issued"] == t["completed"] + t["failed"] + t["in_flight"],
          f"transactions conserved: {t['issued']} issued = completed + failed + in flight")
    after = [x for x in summary["collectives"] if x["status"] == "completed" and x["start_ns"] >= moves[1]["ready_ns"]]
    check(after, f"the job completes on the slice after the move ({len(after)} repetitions)")


def phase_local(ofab, work):
    server = Server(ofab, work, "--paused", "-q", "-o", os.path.join(work, "local.h5"),
                    "--set", "controller.policy=local", yaml=YAML)
    c = Client(server.port)
    r = c.req(cmd="reconfigure", cubes=[0, 2])
    check(not r["ok"] and "policy local does not" in r["error"], "policy local: " + r.get("error", ""))
    check(c.req(cmd="stop")["ok"] and server.wait() == 0, "stop")


def main():
    ofab, work = sys.argv[1], sys.argv[2]
    if sys.argv[3:] == ["parallel"]:
        serve.SERVER_EXTRA.extend(["--threads", "2"])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        phase_ahead(ofab, work)
        phase_now(ofab, work)
        phase_local(ofab, work)
    except (Failure, socket.timeout, subprocess.TimeoutExpired) as e:
        print("FAILED:", e)
        err = os.path.join(work, "serve.err")
        if os.path.exists(err):
            print("server stderr:\n" + open(err).read())
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
