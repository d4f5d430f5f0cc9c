#!/usr/bin/env bash
# A real Slurm run of `ofab sweep --backend slurm`: a single-node cluster (munged, slurmctld, slurmd)
# started in a temporary folder owned by this test, on free ports, as root; a sweep with a failing
# point submitted as a job array; its index checked, and compared with the same sweep run locally
# (the figures must be identical). Everything is shut down on exit, even on failure.
# Usage: slurm-test.sh OFAB_BINARY (from the project root). Exit 77 (skipped) without Slurm or root.
set -uo pipefail
ofab="$1"
root="$(pwd)"

for tool in munged mungekey slurmctld slurmd sbatch squeue sinfo; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found: install slurm-wlm and munge (scripts/setup --slurm)"
    exit 77
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: the single-node cluster runs its daemons as root (SlurmUser=root)"
  exit 77
fi

tmp="$(mktemp -d /tmp/ofab-slurm-XXXXXX)"
chmod 700 "$tmp"
pids=()
status=1
cleanup() {
  # Stop what this test started, by pid, newest first; show the daemons' logs when the test failed.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  if [ "$status" -ne 0 ]; then
    for log in munged.log slurmctld.log slurmd.log; do
      [ -f "$tmp/$log" ] && { echo "---- $log (last lines)"; tail -n 25 "$tmp/$log"; }
    done
    for f in "$tmp"/out/slurm/task-*.out; do [ -f "$f" ] && { echo "---- $f"; cat "$f"; }; done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Two free TCP ports for slurmctld and slurmd (asked of the kernel, so parallel runs do not collide).
read -r ctld_port slurmd_port < <(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

# munge: a fresh key and a private socket.
mungekey --create --keyfile="$tmp/munge.key" 2>/dev/null || fail "mungekey could not create a key"
chmod 600 "$tmp/munge.key"
munged --foreground --force --socket="$tmp/munge.sock" --key-file="$tmp/munge.key" \
  --pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munge.seed" 2>>"$tmp/munged.log" &
pids+=($!)
for _ in $(seq 50); do [ -S "$tmp/munge.sock" ] && break; sleep 0.1; done
munge -n --socket="$tmp/munge.sock" | unmunge --socket="$tmp/munge.sock" >/dev/null || fail "munge does not answer"

host="$(hostname -s)"
mkdir -p "$tmp/state" "$tmp/spool"
cat >"$tmp/slurm.conf" <<CONF
ClusterName=ofabtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1024 State=UNKNOWN
PartitionName=ofab Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$tmp/slurm.conf"

slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >>"$tmp/slurmd.log" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 150); do
  state="$(sinfo -h -n "$host" -o %t 2>/dev/null)"
  [ "$state" = "idle" ] && break
  sleep 0.2
done
[ "$state" = "idle" ] || fail "the node did not come up idle (state '$state')"
echo "ok    single-node cluster up: $host, slurmctld :$ctld_port, slurmd :$slurmd_port"

# Two fault settings x two seeds; the bad laser source is refused by its run (exit 2), on Slurm too.
cat >"$tmp/sweep.yaml" <<SWEEP
name: slurm-test
base: $root/tests/fabric/app/data/ring4.yaml
axes:
  - name: fault
    labels: [cut, badlaser]
    key: faults.events.0
    values:
      - {at: 1us, kind: fibre_cut, between: [0, 1], repair_at: 2us}
      - {at: 1us, kind: laser_source, source: {node: 0, index: 9}}
seeds: [1, 2]
SWEEP

"$ofab" sweep "$tmp/sweep.yaml" --backend slurm -o "$tmp/out" --mem 100M --time 00:05:00 --poll 0.3 \
  >"$tmp/sweep.out" 2>&1
code=$?
cat "$tmp/sweep.out"
[ "$code" -eq 1 ] || fail "the Slurm sweep should exit 1 (two points fail), got $code"
grep -q "submitted job array [0-9]* (4 tasks)" "$tmp/sweep.out" || fail "the array was not submitted"
echo "ok    submitted a 4-task job array and waited for it"
n_task_logs=$(ls "$tmp"/out/slurm/task-*.out 2>/dev/null | wc -l)
[ "$n_task_logs" -eq 4 ] || fail "expected 4 Slurm task logs (written by slurmstepd), found $n_task_logs"
echo "ok    every array task ran under slurmstepd (4 task logs)"

/usr/bin/python3 - "$tmp/out/index.csv" <<'PY' || fail "the index of the Slurm run"
import csv, sys
rows = {r["point"]: r for r in csv.DictReader(open(sys.argv[1]))}
assert sorted(rows) == ["fault=badlaser,seed=1", "fault=badlaser,seed=2", "fault=cut,seed=1", "fault=cut,seed=2"], rows
for p in ("fault=cut,seed=1", "fault=cut,seed=2"):
    r = rows[p]
    assert r["status"] == "ok", r
    assert int(r["transactions.issued"]) == int(r["transactions.completed"]) + int(r["transactions.failed"]) + int(r["transactions.in_flight"]) > 100, r
for p in ("fault=badlaser,seed=1", "fault=badlaser,seed=2"):
    assert rows[p]["status"] == "failed" and rows[p]["error"].startswith("exit 2: ") and "laser" in rows[p]["error"], rows[p]
print("ok    index: 2 points ok (conservation holds), 2 failed with their run's error")
PY

# The same sweep on this machine gives the same figures: the Slurm path runs the very same command.
"$ofab" sweep "$tmp/sweep.yaml" -o "$tmp/local" -j 2 >/dev/null 2>&1
# Every simulated figure must match; how fast each machine ran (wall time, rates) is not a result.
cat >"$tmp/identical.yaml" <<'TOL'
default: {relative: 1.0e-9}
metrics:
  - {match: wall_s, ignore: true}
  - {match: "*_per_wall_s", ignore: true}
  - {match: trace_bytes, ignore: true}
TOL
"$ofab" compare "$tmp/out" "$tmp/local" --tolerance "$tmp/identical.yaml" >"$tmp/compare.out" 2>&1 ||
  { cat "$tmp/compare.out"; fail "Slurm and local results differ"; }
echo "ok    Slurm and local results are identical: $(head -1 "$tmp/compare.out")"

# A second submission resumes: the finished points are not sent again.
"$ofab" sweep "$tmp/sweep.yaml" --backend slurm -o "$tmp/out" --mem 100M --poll 0.3 >"$tmp/again.out" 2>&1
grep -q "4 points, 2 already finished, 2 to run" "$tmp/again.out" && grep -q "(2 tasks)" "$tmp/again.out" \
  || { cat "$tmp/again.out"; fail "the second submission should resume with 2 tasks"; }
echo "ok    a second submission sends only the 2 unfinished points"

status=0
echo "all checks passed"
