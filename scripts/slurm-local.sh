#!/usr/bin/env bash
# A single-node Slurm on localhost (slurmctld + slurmd + munge from Debian's packages), for
# running scxlab sweeps as job arrays on this machine: CI's Slurm test uses it, and it shows
# the settings a real cluster needs. Everything (config, state, logs) lives under DIR; the
# system's Slurm configuration is not touched. Needs root (slurmd runs jobs as their user).
#
#   scripts/slurm-local.sh start DIR   start munged (if not running), slurmctld, slurmd; wait
#                                      until the node is idle; print `export SLURM_CONF=...`
#   scripts/slurm-local.sh stop DIR    stop slurmctld and slurmd
set -euo pipefail
cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"

case "$cmd" in
stop)
  for d in slurmd slurmctld; do
    pid="$(cat "$dir/$d.pid" 2>/dev/null || true)"
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  exit 0 ;;
start) ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac

for tool in slurmctld slurmd sbatch munged; do
  command -v "$tool" >/dev/null || { echo "slurm-local.sh: $tool is missing (scripts/deps.sh installs slurm-wlm and munge)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "slurm-local.sh: needs root (slurmd)" >&2; exit 1; }

# munge: the key Debian generated, the daemon as the munge user
if ! pgrep -x munged >/dev/null; then
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
  fi
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- /usr/sbin/munged
fi

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

slurmctld -f "$conf"
slurmd -f "$conf" -N localhost
for _ in $(seq 1 60); do
  if sinfo -h -o '%t' 2>/dev/null | grep -q idle; then
    echo "export SLURM_CONF=$conf"
    exit 0
  fi
  sleep 1
done
echo "slurm-local.sh: the node did not come up (logs: $dir/slurmctld.log, $dir/slurmd.log)" >&2
exit 1
