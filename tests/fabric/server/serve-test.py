#!/usr/bin/python3
"""`ofab serve` over real TCP: usage: serve-test.py CASE OFAB WORKDIR.

Cases:
  session    subscribe, cut a link, see the fault and the throughput change in telemetry, repair it,
             see it carry again, stop; the trace is complete with the injected events.
  bad-input  malformed JSON, non-objects, huge lines, unknown commands, bad elements, a request flood,
             100 connects/disconnects while the run goes on: the server answers throughout and the run
             is the same as `ofab run` of the same file (every transaction accounted for).
  token      a non-loopback bind without a token is refused; with one, clients must authenticate;
             --hold keeps answering after the run; SIGINT marks the trace incomplete.
  pacing     --realtime paces simulated time to the wall clock; pause holds it without spinning.
  overflow   a client that does not read its replies is disconnected once its queue overflows.
  external-heal    controller policy external: scripts/ofab-controller-example answers a cut with
                   routes; they are installed (every router at one instant) and nothing fails after;
                   the same controller thinking 0.7 s of wall time gives the same run.
  external-loop    the example controller answers with a looping table (--loop): refused, naming the
                   entry, and the fallback (global) heals.
  external-none    no controller registered: the fallback applies at once and says so; registering
                   needs the external policy; only the registered controller may send routes.
  external-silent  a registered controller that never answers: simulated time holds for
                   --controller-wait, then the fallback applies at the simulated ExternalTimeout.
  session-parallel, external-heal-parallel
             the same two cases with --threads 2: the parallel core runs the served run, its pause,
             live cut and repair, telemetry and the external controller between its windows.
  strict     what hostile or careless clients found: idle unauthenticated connections have a quota
             and a deadline, a wrong token after auth, a key given twice, unknown keys, times after
             the run's end, a negative interval and huge time strings are refused.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
YAML = os.path.join(HERE, "serve-test.yaml")
EXAMPLE = os.path.join(HERE, "..", "..", "..", "scripts", "ofab-controller-example")
# serve-test.yaml with the external policy and its defaults spelled out: detection 500 ns, control
# latency 2 us, compute 10 us, install 1 us; so an event reaches the controller 2.5 us after a cut.
EXTERNAL = ["--set", "controller.policy=external", "--set", "controller.detection_delay=500ns",
            "--set", "controller.control_latency=2us", "--set", "controller.compute_time=10us",
            "--set", "controller.install_time=1us"]


# Extra arguments of every server a case starts ("-parallel" cases: the parallel core).
SERVER_EXTRA = []


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    print("ok:", what)


class Server:
    """An `ofab serve` process on an ephemeral port; the port is read from its stderr."""

    def __init__(self, ofab, work, *args, listen="127.0.0.1:0", yaml=YAML):
        self.err_path = os.path.join(work, "serve.err")
        self.out_path = os.path.join(work, "serve.out")
        self.proc = subprocess.Popen(
            [ofab, "serve", yaml, "--listen", listen, *args, *SERVER_EXTRA],
            stdout=open(self.out_path, "w"), stderr=open(self.err_path, "w"))
        deadline = time.time() + 60
        while True:
            text = open(self.err_path).read()
            m = re.search(r"listening on ([0-9.:a-f]+):(\d+)", text)
            if m:
                self.port = int(m.group(2))
                return
            if self.proc.poll() is not None or time.time() > deadline:
                raise Failure("server did not start: " + text)
            time.sleep(0.05)

    def wait(self, timeout=60):
        return self.proc.wait(timeout=timeout)

    def stderr(self):
        return open(self.err_path).read()


class Client:
    def __init__(self, port, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.buf = b""
        self.pushed = []  # telemetry, events, refusals and the end message, in arrival order

    def send_raw(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def reply(self):
        while True:
            m = self.line()
            if m is None:
                raise Failure("connection closed while waiting for a reply")
            if m.get("type") == "reply":
                return m
            self.pushed.append(m)

    def req(self, **request):
        self.send_raw((json.dumps(request) + "\n").encode())
        return self.reply()

    def push(self, want):
        """The next pushed message for which want(m) holds (earlier ones are kept in self.pushed)."""
        for m in self.pushed:
            if want(m):
                self.pushed.remove(m)
                return m
        while True:
            m = self.line()
            if m is None:
                raise Failure("connection closed while waiting for a pushed message")
            if want(m):
                return m
            self.pushed.append(m)

    def close(self):
        self.sock.close()


def read_trace(path):
    with h5py.File(path, "r") as f:
        status = f["meta"].attrs["status"]
        status = status.decode() if isinstance(status, bytes) else status
        ended = f["meta"].attrs.get("ended", b"")
        ended = ended.decode() if isinstance(ended, bytes) else ended
        kinds = h5py.check_enum_dtype(f["events"].dtype["kind"])
        names = {v: k for k, v in kinds.items()}
        events = [(float(e["time_ns"]), names[int(e["kind"])], e["element"].decode(), e["detail"].decode())
                  for e in f["events"][:]]
        summary = json.loads(f["summary/json"][()])
        rows = f["transactions"].shape[0]
    return status, ended, events, summary, rows


def case_session(ofab, work):
    trace = os.path.join(work, "session.h5")
    server = Server(ofab, work, "--paused", "-o", trace, "-q")
    c = Client(server.port)
    topo = c.req(cmd="topology", id=1)
    check(topo["ok"] and topo["id"] == 1 and len(topo["links"]) == 32, "topology lists the 32 links of the 4x4 torus")
    link = next(l for l in topo["links"] if l["ends"] == ["a(1,1)", "a(2,1)"])["link"]
    s = c.req(cmd="status")
    check(s["state"] == "paused" and s["sim_time_ns"] == 0, "starts paused at time 0 (--paused)")
    sub = c.req(cmd="subscribe", interval="1us", links=[link], id="sub")
    check(sub["ok"] and sub["id"] == "sub" and sub["interval_ns"] == 1000, "subscribe: telemetry every 1 us")
    cut = c.req(cmd="cut", link="a(1,1)-a(2,1)", at="10us")
    check(cut["ok"] and cut["element"] == f"link {link}" and not cut["applied"] and cut["at_ns"] == 10000,
          "cut a(1,1)-a(2,1) scheduled at 10 us")
    check(c.req(cmd="repair", link=link, at="20us")["ok"], "its repair scheduled at 20 us")
    check(c.req(cmd="resume")["state"] == "running", "resume")

    telemetry = {}
    events = []
    while True:
        m = c.push(lambda m: m["type"] in ("telemetry", "event"))
        if m["type"] == "event":
            events.append(m)
            continue
        telemetry[m["time_ns"]] = m
        if m["time_ns"] >= 30000:
            break
    stop = c.req(cmd="stop")
    check(stop["ok"] and stop["state"] == "stopping", "stop")
    end = c.push(lambda m: m["type"] == "end")
    check(end["status"] == "complete" and end["reason"].startswith("stopped by client"),
          "the end message: complete, stopped by the client")
    check(server.wait() == 0, "the server exits 0 after stop")

    def gbps(t):
        entry = telemetry[t]["links"][0]
        check(entry["link"] == link, f"telemetry at {t} ns carries link {link} only")
        return sum(entry["gbps"]), entry["up"]

    before, up_before = gbps(9000)
    during, up_during = gbps(15000)
    after, up_after = gbps(25000)
    print(f"link {link}: {before:.1f} Gb/s before the cut, {during:.1f} while cut, {after:.1f} after the repair")
    check(up_before and before > 20, "before the cut the link carries traffic")
    check(not up_during and during == 0, "while cut the link is down and carries nothing")
    check(link in telemetry[15000]["failed_links"], "telemetry lists the cut link as failed")
    check(up_after and after > 20, "after the repair it carries traffic again")
    check(telemetry[9000]["latency_ns"]["count"] > 0 and telemetry[9000]["latency_ns"]["p99"] >
          telemetry[9000]["latency_ns"]["p50"] > 0, "latency percentiles per interval")
    # The bin ending at 10 us holds the cut's instant (the cut was scheduled before that sample).
    failed_during = sum(telemetry[t]["transactions"]["failed"] for t in telemetry if 10000 <= t <= 20000)
    failed_before = sum(telemetry[t]["transactions"]["failed"] for t in telemetry if t < 10000)
    print(f"failed transactions: {failed_before} before the cut, {failed_during} from the cut to the repair")
    check(failed_before == 0 and failed_during > 0, "transactions fail only once the link is cut (link-down policy)")
    kinds = [(e["time_ns"], e["kind"]) for e in events]
    check((10000, "fibre_cut") in kinds and (20000, "repair") in kinds, "the cut and the repair are pushed as events")
    check((10000, "loss_of_signal") in kinds, "so is the loss of signal the cut caused")

    status, ended, trace_events, summary, rows = read_trace(trace)
    check(status == "complete", "the stopped run's trace is complete")
    with h5py.File(trace, "r") as f:
        threads = int(f["meta"].attrs["threads"])
    check(threads == (2 if SERVER_EXTRA else 0) == summary["threads"], f"/meta and the summary say threads {threads}")
    check(ended.startswith("stopped by client"), "its /meta says who stopped it")
    check((10000.0, "fibre_cut", f"link {link}", "a(1,1) - a(2,1); injected") in trace_events,
          "the injected cut is an /events row")
    check(any(e[0] == 20000.0 and e[1] == "repair" for e in trace_events), "so is the injected repair")
    t = summary["transactions"]
    check(t["issued"] == t["completed"] + t["failed"] + t["in_flight"] == rows,
          f"transactions conserved: {t['issued']} issued = completed + failed + in flight = trace rows")
    check(summary["faults"] == {"injected": 1, "repairs": 1}, "the summary counts one fault and one repair")
    check(30000 <= summary["sim_time_ns"] < 40000, "the run stopped before its duration")
    with open(os.path.join(work, "session.json")) as f:
        beside = json.load(f)
    check(beside["experiment"] == "serve-test" and beside["trace"] == trace and beside["transactions"] == t,
          "-o session.h5 put the summary beside the trace, in session.json")

    # Carried (every hop of every link) and delivered (payload of completed transactions, as the
    # summary's throughput_gbps) are two keys; the old ambiguous name is gone.
    check(all("carried_gbps" in m and "delivered_gbps" in m and "throughput_gbps" not in m
              for m in telemetry.values()), "telemetry says carried_gbps and delivered_gbps, not throughput_gbps")
    m = telemetry[9000]
    check(m["carried_gbps"] > 1.5 * m["delivered_gbps"] > 0,
          f"before the cut the links carry more than is delivered (a write crosses about 2 links): "
          f"{m['carried_gbps']:.1f} carried, {m['delivered_gbps']:.1f} delivered Gb/s")
    with h5py.File(trace, "r") as f:
        tx = f["transactions"][:]
    done = tx[tx["status"] == 0]
    last = max(telemetry)
    delivered = sum(m["delivered_gbps"] * m["interval_ns"] / 8 for m in telemetry.values())
    low, high = int(done["bytes"][done["end_ns"] < last].sum()), int(done["bytes"][done["end_ns"] <= last].sum())
    check(low - 1 <= delivered <= high + 1,
          f"delivered_gbps over every interval adds up to the completed payload in the trace to {last:.0f} ns: "
          f"{delivered:.0f} B (trace: {low}..{high} B)")


def expect_error(c, raw, fragment, what):
    c.send_raw(raw)
    r = c.reply()
    check(not r["ok"] and fragment in r["error"], f"{what}: {r['error'][:90]}")


def case_bad_input(ofab, work):
    trace = os.path.join(work, "bad.h5")
    summary_path = os.path.join(work, "bad.json")
    # Paced (1 simulated us = 150 wall ms: a 6 s run) so that the abuse below happens while it runs.
    server = Server(ofab, work, "--realtime", "150000", "-o", trace, "--summary-json", summary_path, "-q")
    c = Client(server.port)
    expect_error(c, b"{not json\n", "malformed JSON", "malformed JSON")
    expect_error(c, b"[1, 2]\n", "expected an object", "a JSON array")
    expect_error(c, b'{"id": 7}\n', "`cmd`", "no cmd")
    expect_error(c, b'{"cmd": "frobnicate"}\n', "unknown command 'frobnicate'", "an unknown command")
    expect_error(c, b'{"cmd": "statu"}\n', "did you mean 'status'", "a misspelt command")
    expect_error(c, b'{"cmd": "cut", "link": 99}\n', "key 'link'", "a link that does not exist")
    expect_error(c, b'{"cmd": "cut", "node": "a(7,7)"}\n', "a(7,7)", "a node that does not exist")
    expect_error(c, b'{"cmd": "cut", "link": 3, "colour": "red"}\n', "colour", "an unknown key")
    expect_error(c, b'{"cmd": "cut", "link": 3, "at": "0ns"}\n', "in the past", "a time in the past")
    expect_error(c, b'{"cmd": "repair", "link": 4}\n', "nothing to repair", "a repair of nothing")
    expect_error(c, b'{"cmd": "subscribe", "interval": "fast"}\n', "interval", "a bad interval")
    expect_error(c, b"[" * 30000 + b"]" * 30000 + b"\n", "expected an object", "JSON nested 30000 deep")
    expect_error(c, b'{"cmd": "cut", "link": "a(0,0)-a(9,9)"}\n', "no link 'a(0,0)-a(9,9)'", "a link by bad ends")
    expect_error(c, b'{"cmd": "cut", "link": 2, "at": "5us", "in": "1us"}\n', "not both", "both at and in")
    expect_error(c, b'{"cmd": "degrade", "link": 2, "line": 1}\n', "power_drop_db", "a degrade without dB")
    expect_error(c, b"x" * 100000 + b"\n", "line longer than 65536", "a 100 kB line")
    c.send_raw(b"y" * (1 << 20))  # 1 MiB and no newline yet: answered once, the rest discarded
    r = c.reply()
    check(not r["ok"] and "longer" in r["error"], "a 1 MiB line without a newline is refused as it grows")
    c.send_raw(b"\n")
    check(c.req(cmd="status", id="after")["id"] == "after", "the connection stays healthy after all that")

    # A flood: more requests than the rate allows get an error each, and the connection lives on.
    c.send_raw(b'{"cmd": "status"}\n' * 300)
    replies = [c.reply() for _ in range(300)]
    limited = sum(1 for r in replies if not r["ok"] and "rate limit" in r["error"])
    check(100 <= limited < 300, f"a burst of 300 requests: {limited} refused by the rate limit, the rest answered")
    time.sleep(0.2)  # the bucket refills (50 a second)
    check(c.req(cmd="status")["ok"], "after the burst the client is served again")

    # A subscriber that does not read: its telemetry is skipped once its queue backs up; the run goes on.
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", server.port))
    slow.sendall(b'{"cmd": "subscribe", "interval": "50ns"}\n')
    t0 = c.req(cmd="status")["sim_time_ns"]
    time.sleep(1.5)  # the subscriber's backlog grows past the point where telemetry is skipped
    t1 = c.req(cmd="status")["sim_time_ns"]
    # ... and 15 us of simulated time pass (300 telemetry messages, far more than the kernel's buffers
    # and the skip threshold hold), however long that takes this machine: a sanitizer build under
    # load is slower than those 1.5 s assumed. Up to a minute.
    deadline = time.time() + 60
    while t1 - t0 <= 15000 and time.time() < deadline:
        time.sleep(0.25)
        t1 = c.req(cmd="status")["sim_time_ns"]
    check(t1 - t0 > 15000, f"while a subscriber reads nothing the run goes on ({t0:.0f} -> {t1:.0f} ns)")
    slow_client = Client.__new__(Client)
    slow_client.sock, slow_client.buf, slow_client.pushed = slow, b"", []
    slow.settimeout(30)
    check(slow_client.reply()["ok"], "the slow subscriber's reply was queued for it")
    skipped = slow_client.push(lambda m: m["type"] == "telemetry" and "skipped" in m)
    check(skipped["skipped"] > 0, f"its telemetry backed up: {skipped['skipped']} messages skipped, then reported")
    slow.close()

    # A client sending junk as fast as loopback allows, reading nothing: the run goes on, and the
    # flooder is cut off once the error replies it does not read overflow its queue.
    def flood():
        f = socket.create_connection(("127.0.0.1", server.port))
        junk = b"x\n" * (1 << 19)
        try:
            for _ in range(64):
                f.sendall(junk)
        except OSError:
            pass  # disconnected by the server
        f.close()
    flooder = threading.Thread(target=flood)
    t0 = c.req(cmd="status")["sim_time_ns"]
    flooder.start()
    time.sleep(1.0)
    t1 = c.req(cmd="status")["sim_time_ns"]
    deadline = time.time() + 60  # a sanitizer build under load may need more than that second
    while t1 <= t0 and time.time() < deadline:
        time.sleep(0.25)
        t1 = c.req(cmd="status")["sim_time_ns"]
    flooder.join(timeout=30)
    # How far it gets depends on the machine (a sanitizer build is ten times slower): that it moves does not.
    check(t1 > t0, f"while a client floods the server the run goes on ({t0:.0f} -> {t1:.0f} ns)")
    # The server may still be writing that line (or, slowed by a sanitizer build, reaching the overflow).
    deadline = time.time() + 30
    while "cannot keep up" not in server.stderr() and time.time() < deadline:
        time.sleep(0.25)
    check("cannot keep up" in server.stderr(), "the flooder is disconnected: its unread error replies overflowed")

    # 100 connects and disconnects while the run goes on: plain, mid-line, subscribed, unread.
    for i in range(100):
        k = Client(server.port)
        if i % 4 == 1:
            k.send_raw(b'{"cmd": "sta')  # gone mid-line
        elif i % 4 == 2:
            k.req(cmd="subscribe", interval="100ns")  # subscribed, then gone without reading
        elif i % 4 == 3:
            k.req(cmd="status")
        k.close()
    s = c.req(cmd="status")
    check(s["state"] == "running" and 0 < s["sim_time_ns"] < 40000,
          f"the server is up and the run goes on after 100 connects (at {s['sim_time_ns']:.0f} ns)")
    deadline = time.time() + 10
    while s["clients"] > 1 and time.time() < deadline:  # closes are noticed at the server's next polls
        time.sleep(0.05)
        s = c.req(cmd="status")
    check(s["clients"] == 1, f"the departed clients are gone ({s['clients']} connected)")
    end = c.push(lambda m: m["type"] == "end")
    check(end["status"] == "complete" and end["reason"] == "duration reached", "the run ends at its duration")
    check(server.wait() == 0, "and the server exits 0 without --hold")

    # The run is the run `ofab run` makes of the same file: clients never change the simulation.
    ref_json = os.path.join(work, "ref.json")
    subprocess.run([ofab, "run", YAML, "-o", os.path.join(work, "ref.h5"), "--summary-json", ref_json, "-q"],
                   check=True)
    served = json.load(open(summary_path))
    ref = json.load(open(ref_json))
    t = served["transactions"]
    check(t["issued"] == t["completed"] + t["failed"] + t["in_flight"], "transactions conserved")
    check(t == ref["transactions"] and served["latency_ns"] == ref["latency_ns"],
          f"identical to `ofab run`: {t['issued']} issued, {t['completed']} completed, same latencies")
    status, ended, _, _, rows = read_trace(trace)
    check(status == "complete" and ended == "duration reached" and rows == t["issued"], "the trace is complete")


def case_token(ofab, work):
    r = subprocess.run([ofab, "serve", YAML, "--listen", "0.0.0.0:0"], capture_output=True, text=True)
    check(r.returncode == 2 and "--token-file" in r.stderr, "a non-loopback bind without a token exits 2")
    r = subprocess.run([ofab, "serve", YAML, "--listen", "localhost:7700"], capture_output=True, text=True)
    check(r.returncode == 2 and "not an IP address" in r.stderr, "a host name for --listen exits 2")
    r = subprocess.run([ofab, "serve", YAML, "--realtime", "-5"], capture_output=True, text=True)
    check(r.returncode == 2 and "expected a factor >= 0" in r.stderr, "a negative --realtime exits 2")
    r = subprocess.run([ofab, "serve", YAML, "--set", "duration=soon"], capture_output=True, text=True)
    check(r.returncode == 2 and "key 'duration'" in r.stderr, "a bad configuration exits 2 naming the key")
    short = os.path.join(work, "short-token")
    open(short, "w").write("abc\n")
    r = subprocess.run([ofab, "serve", YAML, "--listen", "0.0.0.0:0", "--token-file", short],
                       capture_output=True, text=True)
    check(r.returncode == 2 and "at least 16" in r.stderr, "a short token exits 2")

    token_file = os.path.join(work, "token")
    token = "s3cret-token-0123456789"
    open(token_file, "w").write(token + "\n")
    server = Server(ofab, work, "--paused", "--token-file", token_file, "-o", os.path.join(work, "token.h5"), "-q",
                    listen="0.0.0.0:0")
    c = Client(server.port)
    r = c.req(cmd="status")
    check(not r["ok"] and "authenticate first" in r["error"], "a command before auth is refused")
    r = c.req(cmd="auth", token="wrong-token-0123456789")
    check(not r["ok"] and "wrong token" in r["error"], "a wrong token is refused")
    check(c.line() is None, "and the connection is closed")
    c = Client(server.port)
    check(c.req(cmd="auth", token=token)["ok"], "the right token is accepted")
    check(c.req(cmd="status")["state"] == "paused", "then commands are answered")
    check(c.req(cmd="stop")["ok"], "stop")
    check(server.wait() == 0, "the server exits 0")

    # --hold: after the run ends the server answers status (with the summary) until a client's stop.
    trace = os.path.join(work, "hold.h5")
    server = Server(ofab, work, "--hold", "--paused", "--set", "duration=3us", "-o", trace, "-q")
    c = Client(server.port)
    check(c.req(cmd="subscribe", interval="1us", links=False)["ok"], "subscribe (no per-link list)")
    c.req(cmd="resume")
    end = c.push(lambda m: m["type"] == "end")
    check(end["reason"] == "duration reached" and end["summary"]["sim_time_ns"] == 3000, "the run ends at 3 us")
    s = c.req(cmd="status")
    check(s["state"] == "complete" and s["summary"]["transactions"]["issued"] > 0, "held: status has the summary")
    r = c.req(cmd="cut", link=0)
    check(not r["ok"] and "the run has ended" in r["error"], "held: a cut is refused")
    check(read_trace(trace)[0] == "complete", "held: the trace is already complete")
    check(server.proc.poll() is None, "held: the server is still up")
    check(c.req(cmd="stop")["ok"], "stop releases the hold")
    check(server.wait() == 0, "and the server exits 0")

    # SIGINT: the run ends, its trace is marked incomplete, exit 130 (as `ofab run`).
    trace = os.path.join(work, "sigint.h5")
    server = Server(ofab, work, "--paused", "-o", trace, "-q")
    c = Client(server.port)
    server.proc.send_signal(2)
    end = c.push(lambda m: m["type"] == "end")
    check(end["status"] == "incomplete" and "SIGINT" in end["reason"], "SIGINT: clients hear the run is incomplete")
    check(server.wait() == 130, "SIGINT: exit 130")
    with h5py.File(trace, "r") as f:
        status = f["meta"].attrs["status"]
    status = status.decode() if isinstance(status, bytes) else status
    check(status.startswith("incomplete: interrupted (SIGINT)"), "SIGINT: the trace says " + status)


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def case_overflow(ofab, work):
    # A 16 x 16 torus: a topology reply is ~50 kB, so 100 unread ones overflow the 4 MiB queue.
    server = Server(ofab, work, "--paused", "--set", "topology.dims=[16,16]", "-o", os.path.join(work, "o.h5"), "-q")
    c = Client(server.port)
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", server.port))
    slow.sendall(b'{"cmd": "topology"}\n' * 100)
    # (The slow client may be accepted after the first status: wait for the server's word, not the count.)
    deadline = time.time() + 20
    while "closed: cannot keep up" not in server.stderr() and time.time() < deadline:
        c.req(cmd="status")
        time.sleep(0.1)
    check("closed: cannot keep up" in server.stderr(), "a client that does not read its replies is disconnected")
    check(c.req(cmd="status")["clients"] == 1, "and is gone from the server")
    slow.close()
    check(c.req(cmd="stop")["ok"] and server.wait() == 0, "the server is unharmed: stop, exit 0")


def case_pacing(ofab, work):
    # --realtime 500000: one simulated us takes half a wall second, so 2 us take about 1 s.
    server = Server(ofab, work, "--realtime", "500000", "--paused", "--set", "duration=2us",
                    "-o", os.path.join(work, "paced.h5"), "-q")
    c = Client(server.port)
    start = time.time()
    c.req(cmd="resume")
    time.sleep(0.5)
    s = c.req(cmd="status")
    check(700 <= s["sim_time_ns"] <= 1300, f"half a second in, the paced run is at {s['sim_time_ns']:.0f} ns (~1000)")
    check(c.req(cmd="pause")["state"] == "paused", "pause")
    t0 = c.req(cmd="status")["sim_time_ns"]
    cpu0 = cpu_seconds(server.proc.pid)
    time.sleep(0.5)
    cpu1 = cpu_seconds(server.proc.pid)
    t1 = c.req(cmd="status")["sim_time_ns"]
    check(t0 == t1, f"paused: simulated time holds at {t1:.0f} ns")
    check(cpu1 - cpu0 <= 0.05, f"paused: the server used {cpu1 - cpu0:.2f} s of CPU in 0.5 s (it sleeps, no spinning)")
    c.req(cmd="resume")
    c.push(lambda m: m["type"] == "end")
    wall = time.time() - start - 0.5
    check(0.8 <= wall <= 1.5, f"2 simulated us took {wall:.2f} s of running wall time (1.0 due)")
    check(server.wait() == 0, "the server exits 0")


def controller_run(ofab, work, name, controller_args=None, server_args=()):
    """A served run with a cut of a(1,1)-a(2,1) at 10 us, the example controller (unless
    controller_args is None) registered; returns the events pushed, the trace, the controller's log."""
    trace = os.path.join(work, name + ".h5")
    server = Server(ofab, work, "--paused", *EXTERNAL, *server_args, "-o", trace, "-q")
    c = Client(server.port)
    check(c.req(cmd="subscribe", interval="10us", links=False, latency=False)["ok"], name + ": subscribe to events")
    check(c.req(cmd="cut", link="a(1,1)-a(2,1)", at="10us")["ok"], name + ": a cut scheduled at 10 us")
    ctl_log = os.path.join(work, name + ".controller.err")
    ctl = None
    if controller_args is not None:
        ctl = subprocess.Popen([EXAMPLE, "--connect", f"127.0.0.1:{server.port}", *controller_args],
                               stderr=open(ctl_log, "w"))
        deadline = time.time() + 20
        while c.req(cmd="status")["controller"]["registered"] is None and time.time() < deadline:
            time.sleep(0.05)
    check(c.req(cmd="resume")["ok"], name + ": resume")
    events = []
    while True:
        m = c.push(lambda m: m["type"] in ("event", "end"))
        if m["type"] == "end":
            break
        events.append(m)
    check(server.wait() == 0, name + ": the server exits 0")
    if ctl:
        check(ctl.wait(timeout=20) == 0, name + ": the controller exits 0 when the run ends")
    return events, read_trace(trace), open(ctl_log).read() if ctl else ""


def failures_after(trace, t_ns):
    with h5py.File(trace, "r") as f:
        t = f["transactions"][:]
        link_down = h5py.check_enum_dtype(f["transactions"].dtype["status"])["link_down"]
    return int(((t["status"] == link_down) & (t["issue_ns"] >= t_ns)).sum())


def event(events, kind, element=None):
    found = [e for e in events if e["kind"] == kind and (element is None or e["element"] == element)]
    if not found:
        raise Failure(f"no {kind} event among: " + ", ".join(e["kind"] for e in events))
    return found[0]


def case_external_heal(ofab, work):
    events, (status, _, trace_events, summary, _), log = controller_run(ofab, work, "heal", ["--resume"])
    sent = event(events, "external_event")
    check(sent["time_ns"] == 12500 and "sent to client" in sent["detail"],
          "the detected cut reaches the controller at 12.5 us (cut + 500 ns detection + 2 us)")
    routes = event(events, "external_routes")
    check("240 entries accepted" in routes["detail"] and "switches at 29.5 us" in routes["detail"],
          "its 240 entries (16 nodes x 15 destinations) are accepted: " + routes["detail"])
    install = event(events, "install", "external")
    # 12.5 us + compute 10 us + out 2 us + write 1 us + acks 2 us + commit 2 us
    check(install["time_ns"] == 29500, "every router switches at 29.5 us, the global round's timing")
    # Of the 240 entries, those that differ from the tables in force are written (README.md's session).
    check(install["detail"] == "134 entries in 16 routers", "it writes 134 changed entries in 16 routers: " +
          install["detail"])
    check(not any(e["kind"] in ("external_rejected", "external_fallback") for e in events), "no fallback")
    check("event 1: 240 entries accepted" in log, "the controller logs the acceptance")
    rec = summary["fault_recovery"][0]
    check(rec["t_detect_ns"] == 500 and rec["t_reroute_ns"] == 19500,
          f"T_detect {rec['t_detect_ns']:.0f} ns, T_reroute {rec['t_reroute_ns']:.0f} ns (forwarding fixed everywhere)")
    check(summary["controller"]["policy"] == "external" and summary["controller"]["stalls"] == 0, "no stall")
    trace = os.path.join(work, "heal.h5")
    check(failures_after(trace, 10000) > 0 and failures_after(trace, 29500) == 0,
          "transactions fail while the cut is unrouted, none issued after the install")
    check(status == "complete" and any(e[1] == "external_routes" for e in trace_events),
          "the trace is complete and holds the external rows")

    # The controller's wall-clock think time does not show: simulated time holds while it thinks.
    # It also sends its answer in lines of ~2 kB this time ("more": true on all but the last).
    _, (_, _, _, slow, _), think_log = controller_run(ofab, work, "think",
                                                     ["--resume", "--think", "0.7", "--part-bytes", "2000"])
    lines = re.search(r"240 entries accepted \((\d+) lines\)", think_log)
    check(lines and int(lines.group(1)) > 4, "the answer went in several lines and was accepted as one")
    check(slow["transactions"] == summary["transactions"] and slow["latency_ns"] == summary["latency_ns"] and
          slow["fault_recovery"] == summary["fault_recovery"],
          f"a controller thinking 0.7 s of wall time gives the same run ({slow['transactions']['issued']} issued, "
          "same latencies and recovery figures)")


def case_external_loop(ofab, work):
    events, (_, _, _, summary, _), log = controller_run(ofab, work, "loop", ["--resume", "--loop"])
    rejected = event(events, "external_rejected")
    check("closes a loop" in rejected["detail"] and rejected["detail"].startswith("entry "),
          "the looping reply is refused, naming its entry: " + rejected["detail"][:100])
    check("refused: entry" in log and "closes a loop" in log, "the controller got the error reply")
    fb = event(events, "external_fallback")
    check(fb["element"] == "global" and "the reply was rejected" in fb["detail"], "the global fallback takes over")
    install = event(events, "install", "fallback global")
    # refused at its modelled arrival (12.5 + 10 us), then a global round (10 + 7 us)
    check(install["time_ns"] == 39500, f"the fallback installs at {install['time_ns']:.0f} ns")
    check(summary["fault_recovery"][0]["t_reroute_ns"] == 29500, "T_reroute 29.5 us")
    check(failures_after(os.path.join(work, "loop.h5"), 39500) == 0, "nothing issued after the fallback fails")


def case_external_none(ofab, work):
    # Registering needs the external policy.
    server = Server(ofab, work, "--paused", "-o", os.path.join(work, "plain.h5"), "-q")
    c = Client(server.port)
    r = c.req(cmd="controller", register=True)
    check(not r["ok"] and "no reroute controller" in r["error"], "register without a controller: " + r["error"][:60])
    check(c.req(cmd="stop")["ok"] and server.wait() == 0, "stop")
    server = Server(ofab, work, "--paused", "--set", "controller.policy=global", "-o", os.path.join(work, "g.h5"), "-q")
    c = Client(server.port)
    r = c.req(cmd="controller", register=True)
    check(not r["ok"] and "policy is global" in r["error"], "register under the global policy is refused")
    r = c.req(cmd="routes", event=1, entries=[])
    check(not r["ok"] and "policy is global" in r["error"], "so are routes")
    check(c.req(cmd="stop")["ok"] and server.wait() == 0, "stop")

    events, (_, _, _, summary, _), _ = controller_run(ofab, work, "none", None)
    sent = event(events, "external_event")
    check(sent["detail"] == "no external controller registered: nobody to ask", "nobody to ask, says the event row")
    fb = event(events, "external_fallback")
    check(fb["time_ns"] == 12500 and "no external controller registered" in fb["detail"],
          "the fallback applies at once (12.5 us)")
    check(event(events, "install", "fallback global")["time_ns"] == 29500, "and installs as a global round would")
    check(summary["fault_recovery"][0]["t_reroute_ns"] == 19500, "T_reroute 19.5 us")


def case_external_silent(ofab, work):
    trace = os.path.join(work, "silent.h5")
    server = Server(ofab, work, "--paused", *EXTERNAL, "--set", "controller.external_timeout=15us", "--set", "duration=50us",
                    "--controller-wait", "1.5", "-o", trace, "-q")
    c = Client(server.port)
    c.req(cmd="subscribe", interval="10us", links=False, latency=False)
    c.req(cmd="cut", link="a(1,1)-a(2,1)", at="10us")
    ctl = Client(server.port)
    reg = ctl.req(cmd="controller", register=True)
    check(reg["ok"] and reg["timeout_ns"] == 15000 and reg["fallback"] == "global", "a client registers")
    r = c.req(cmd="controller", register=True)
    check(not r["ok"] and "is the controller already" in r["error"], "a second one is refused")
    r = c.req(cmd="routes", event=1, entries=[])
    check(not r["ok"] and "only the registered controller" in r["error"], "routes from another client are refused")
    c.req(cmd="resume")
    ev = ctl.push(lambda m: m["type"] == "controller_event")
    check(ev["event"] == 1 and ev["time_ns"] == 12500 and ev["respond_by_ns"] == 27500 and ev["down"] ==
          [ev["changes"][0]["link"]] and ev["changes"][0]["ends"] == ["a(1,1)", "a(2,1)"],
          "the controller gets event 1: the cut link down, reply due by 27.5 us")
    s1 = c.req(cmd="status")
    r = ctl.req(cmd="routes", event=1, entries=[{"node": "a(0,0)", "dst": "a(1,0)", "ports": "2"}])
    check(not r["ok"] and "entry 0: 'ports' must be a list" in r["error"], "a malformed reply: " + r["error"])
    r = ctl.req(cmd="routes", event=1, entries=[{"node": "a(0,0)", "dst": "a(1,0)", "ports": [2], "via": 1}])
    check(not r["ok"] and "unknown key 'via'" in r["error"], "an unknown key: " + r["error"])
    time.sleep(0.4)
    s2 = c.req(cmd="status")
    check(s1["sim_time_ns"] == s2["sim_time_ns"] == 12500 and s2["controller"]["awaiting"] == 1,
          "while it thinks, simulated time holds at 12.5 us (status still answers); a malformed reply leaves "
          "the event open")
    events = []
    while True:
        m = c.push(lambda m: m["type"] in ("event", "end"))
        if m["type"] == "end":
            break
        events.append(m)
        if m["kind"] == "external_rejected":
            check("none within the wall-clock limit" in m["detail"], "after 1.5 s: " + m["detail"])
            c.req(cmd="pause")
            r = ctl.req(cmd="routes", event=1, entries=[])
            check(not r["ok"] and "does not await" in r["error"], "a late reply is refused: " + r["error"])
            c.req(cmd="resume")
    fb = event(events, "external_fallback")
    check(fb["time_ns"] == 27500 and "no valid reply by 27.5 us" in fb["detail"],
          "the fallback applies at the simulated timeout, 27.5 us")
    check(event(events, "install", "fallback global")["time_ns"] == 44500, "and installs at 44.5 us")
    check(server.wait() == 0, "the server exits 0")


def case_strict(ofab, work):
    """What a hostile or careless client found: each is refused now."""
    token_file = os.path.join(work, "token")
    token = "s3cret-token-0123456789"
    open(token_file, "w").write(token + "\n")
    server = Server(ofab, work, "--paused", "--token-file", token_file, "--auth-timeout", "1", "-q",
                    "-o", os.path.join(work, "strict.h5"), listen="0.0.0.0:0")
    # Connections that never authenticate once held every client slot: now they have 8 of their own,
    # and 1 s (--auth-timeout) to authenticate.
    idle = [Client(server.port) for _ in range(8)]
    extra = Client(server.port)
    r = extra.line()
    check(r is not None and not r["ok"] and "waiting to authenticate" in r["error"],
          "a ninth connection waiting to authenticate is refused")
    check(extra.line() is None, "and closed")
    for c in idle:
        m = c.line()
        check(m is not None and "no auth in time" in m["error"], "an idle connection is told it took too long")
        check(c.line() is None, "and closed")
    c = Client(server.port)
    check(c.req(cmd="auth", token=token)["ok"], "the token's holder gets in after them")
    # A wrong token after authenticating is not ok.
    r = c.req(cmd="auth", token="wrong-token-0123456789")
    check(not r["ok"] and "wrong token" in r["error"], "a wrong token after authenticating is refused")
    check(c.line() is None, "and the connection is closed")
    c = Client(server.port)
    c.req(cmd="auth", token=token)
    # A duplicated key is refused: {"cmd":"status","cmd":"stop"} once stopped the run.
    c.send_raw(b'{"cmd": "status", "cmd": "stop"}\n')
    r = c.reply()
    check(not r["ok"] and "'cmd' is given twice" in r["error"], "a key given twice is refused")
    check(c.req(cmd="status")["state"] == "paused", "and nothing was stopped")
    # Unknown keys are errors, as the protocol document says.
    for request in ({"cmd": "status", "verbose": True}, {"cmd": "pause", "now": 1}, {"cmd": "resume", "x": 0},
                    {"cmd": "topology", "links": True}, {"cmd": "subscribe", "intervall": "1us"},
                    {"cmd": "stop", "force": True}):
        r = c.req(**request)
        check(not r["ok"] and "not a key of" in r["error"], f"{request}: {r.get('error')}")
    r = c.req(cmd="subscribe", intervall="1us")
    check("did you mean 'interval'" in r["error"], "a near miss is named")
    # Times after the run's end (40 us here) would never happen.
    for request in ({"cmd": "cut", "link": 0, "at": "200us"}, {"cmd": "cut", "link": 0, "at": "9e6s"},
                    {"cmd": "cut", "link": 0, "in": "1ms"}, {"cmd": "cut", "link": 0, "repair_at": "50us"}):
        r = c.req(**request)
        check(not r["ok"] and "after the end of the run" in r["error"], f"{request}: {r.get('error')}")
    # A negative telemetry interval is refused without formatting trouble.
    r = c.req(cmd="subscribe", interval="-5ns")
    check(not r["ok"] and "got -5ns" in r["error"], "a negative interval is refused: " + r["error"])
    # A time of 40,000 digits (it once crashed the server) and one with a wrong unit (froze it).
    r = c.req(cmd="cut", link=0, at="1" * 40000 + "ns")
    check(not r["ok"], "a 40,000-digit time is refused")
    r = c.req(cmd="subscribe", interval="1" * 20000 + "xs")
    check(not r["ok"], "20,000 digits with a wrong unit are refused")
    check(c.req(cmd="status")["state"] == "paused", "the server is fine")
    r = c.req(cmd="reconfigure", cubes=[0, 1])
    check(not r["ok"] and "no optical circuit switches" in r["error"], "reconfigure on a torus: " + r["error"])
    check(c.req(cmd="stop")["ok"], "stop")
    check(server.wait() == 0, "the server exits 0")


def main():
    case, ofab, work = sys.argv[1], sys.argv[2], sys.argv[3]
    if case.endswith("-parallel"):
        case = case[:-len("-parallel")]
        SERVER_EXTRA.extend(["--threads", "2"])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        {"session": case_session, "bad-input": case_bad_input, "token": case_token, "pacing": case_pacing,
         "overflow": case_overflow, "external-heal": case_external_heal, "external-loop": case_external_loop,
         "external-none": case_external_none, "external-silent": case_external_silent,
         "strict": case_strict}[case](ofab, work)
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
