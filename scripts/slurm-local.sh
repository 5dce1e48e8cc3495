#!/usr/bin/env bash
# A single-node Slurm on localhost (slurmctld + slurmd + munge from Debian's packages), for
# running scxlab sweeps as job arrays on this machine: CI's Slurm test uses it, and it shows
# the settings a real cluster needs. Everything (config, state, logs, and a munged of its own
# with its own key and socket) lives under DIR; the system's Slurm and munge configuration is
# not touched, and no other munged is used. Needs root (slurmd runs jobs as their user).
#
#   scripts/slurm-local.sh start DIR   start munged, slurmctld, slurmd; wait until the node is
#                                      idle; print `export SLURM_CONF=...`. If anything fails,
#                                      what it started is stopped and the logs' ends printed.
#   scripts/slurm-local.sh stop DIR    stop slurmd, slurmctld and munged (SIGTERM, then SIGKILL
#                                      after 5 s), and wait until they are gone
set -euo pipefail
cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
conf="$dir/slurm.conf"
sock="$dir/munge/munge.socket"
export SLURM_CONF="$conf"
ports="6817 6818"

# Stop the daemon whose pid is in $1 (if it is still the program $2): TERM, then KILL.
stop_pidfile() {
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  if ! grep -qs "$2" "/proc/$pid/cmdline"; then rm -f "$1"; return 0; fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$1"
}

stop_all() {
  stop_pidfile "$dir/slurmd.pid" slurmd
  stop_pidfile "$dir/slurmctld.pid" slurmctld
  stop_pidfile "$dir/munge/munged.pid" munged
}

# A failed start: stop what was started, and print the logs (the caller may delete DIR).
fail() {
  echo "slurm-local.sh: $*" >&2
  for log in "$dir/munge/munged.log" "$dir/slurmctld.log" "$dir/slurmd.log"; do
    [ -s "$log" ] || continue
    echo "--- the end of $log:" >&2
    tail -n 15 "$log" >&2
  done
  stop_all
  exit 1
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
stop) stop_all; exit 0 ;;
start) ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac

for tool in slurmctld slurmd sbatch munged munge unmunge; do
  command -v "$tool" >/dev/null || { echo "slurm-local.sh: $tool is missing (scripts/deps.sh installs slurm-wlm and munge)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "slurm-local.sh: needs root (slurmd)" >&2; exit 1; }
stop_all # what an earlier start in DIR left
for port in $ports; do
  port_in_use "$port" && { echo "slurm-local.sh: port $port is in use (another Slurm?): this one needs $ports" >&2; exit 1; }
done
trap 'fail "failed at line $LINENO"' ERR

# munge: a daemon of its own, with a key and a socket under DIR (not one found running, which
# may be another user's or sandbox's with no socket here)
mkdir -p "$dir/munge"
chmod 700 "$dir/munge"
if [ ! -s "$dir/munge/munge.key" ]; then
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
fi
chmod 400 "$dir/munge/munge.key"
munged --socket="$sock" --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
  --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" --force ||
  fail "munged did not start"
for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
munge -S "$sock" -n | unmunge -S "$sock" >/dev/null 2>&1 || fail "munged does not answer on $sock"

mkdir -p "$dir/state" "$dir/spool"
cpus="$(nproc)"
mem="$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)"
cat > "$conf" <<CONF
# single-node Slurm for scxlab (scripts/slurm-local.sh)
ClusterName=scxlab
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=localhost NodeHostname=localhost CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=scxlab Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -f "$conf" || fail "slurmctld did not start"
slurmd -f "$conf" -N localhost || fail "slurmd did not start"
for _ in $(seq 1 60); do
  if sinfo -h -o '%t' 2>/dev/null | grep -q idle; then
    trap - ERR
    echo "export SLURM_CONF=$conf"
    exit 0
  fi
  sleep 1
done
fail "the node did not come up within 60 s"
