#!/usr/bin/env bash
# Container run latency and logging, Berth vs Moby, same machine, same CLI, same busybox image, one run.
#
#   run:        `docker run --rm --network none bb true`, RUNS times per daemon, alternating; median and p90 wall time.
#   parallel:   50 concurrent `docker run -d --network none bb sleep 60`; wall time until all 50 returned, then rm -f.
#   log write:  a container writes LOG_MB MiB of 100-byte lines to stdout (`yes … | head -c`); wall time of
#               `docker run` (attached, output to /dev/null) and the log-file MB/s it implies.
#   log tail:   `docker logs --tail 100` on that container's log: the daemon's first logs call, then the median of 5.
# Prints per-daemon figures and Berth/Moby ratios (lower is better for Berth).
#
# usage: bench/scripts/run.sh
# env:   RUNS=15 PARALLEL=50 LOG_MB=1024  SKIP_MOBY=1 (Berth only)  BERTHD=path  BENCH_TMPDIR=/tmp
set -u
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-15}
PARALLEL=${PARALLEL:-50}
LOG_MB=${LOG_MB:-1024}
MOBY_ARGS=${MOBY_ARGS:---bridge=none --iptables=false --ip-masq=false --ip6tables=false --storage-driver=overlay2}
DOCKER=${DOCKER:-docker}
TAR=
B_PID= B_ROOT= B_SOCK= M_PID= M_ROOT= M_SOCK=

cleanup() {
  if [ -n "$B_PID" ]; then DPID=$B_PID DROOT=$B_ROOT; daemon_down; fi
  if [ -n "$M_PID" ]; then DPID=$M_PID DROOT=$M_ROOT; daemon_down; fi
  [ -n "$TAR" ] && rm -rf "$(dirname "$TAR")"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ratio() { awk -v b="$1" -v m="$2" 'BEGIN { if (m > 0) printf "%.2f", b / m; else print "n/a" }'; }

parallel_runs() { # DOCKERFN — wall ms for PARALLEL concurrent run -d
  local fn=$1 t0 i
  t0=$(now_ns)
  for i in $(seq 1 "$PARALLEL"); do $fn run -d --network none --name "par$i" bb:1 sleep 60 >/dev/null 2>&1 & done
  wait
  local took=$(( ($(now_ns) - t0) / 1000000 ))
  local up; up=$($fn ps -q | wc -l)
  $fn rm -f $(seq -f 'par%g' 1 "$PARALLEL") >/dev/null 2>&1
  echo "$took $up"
}

log_write() { # DOCKERFN — wall ms of a container writing LOG_MB MiB of lines, attached, output discarded
  local fn=$1
  $fn rm -f logbench >/dev/null 2>&1
  ms $fn run --network none --name logbench bb:1 sh -c "yes 012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678 | head -c $((LOG_MB * 1048576))"
}

tail_times() { # DOCKERFN — ms of the daemon's first `logs --tail 100` (cold: nothing read logs before), then the median of 5 more
  local fn=$1 first rest=() _
  first=$(ms $fn logs --tail 100 logbench)
  for _ in 1 2 3 4 5; do rest+=("$(ms $fn logs --tail 100 logbench)"); done
  echo "$first $(printf '%s\n' "${rest[@]}" | median)"
}

command -v busybox >/dev/null || { echo "run.sh: busybox-static is needed" >&2; exit 1; }
TAR=$(busybox_tar)
machine_note
berth_up || exit 1; B_PID=$DPID B_ROOT=$DROOT B_SOCK=$DSOCK
B import "$TAR" bb:1 >/dev/null
MOBY=0
if have_moby && moby_up; then M_PID=$DPID M_ROOT=$DROOT M_SOCK=$DSOCK; M import "$TAR" bb:1 >/dev/null; MOBY=1; fi

for _ in 1 2; do B run --rm --network none bb:1 true >/dev/null 2>&1; [ $MOBY = 1 ] && M run --rm --network none bb:1 true >/dev/null 2>&1; done
bt=(); mt=()
for _ in $(seq 1 "$RUNS"); do
  bt+=("$(ms B run --rm --network none bb:1 true)")
  [ $MOBY = 1 ] && mt+=("$(ms M run --rm --network none bb:1 true)")
done
printf '%s\n' "${bt[@]}" | stats "berth run --rm true (ms)"
[ $MOBY = 1 ] && printf '%s\n' "${mt[@]}" | stats "moby  run --rm true (ms)"
bmed=$(printf '%s\n' "${bt[@]}" | median); mmed=$([ $MOBY = 1 ] && printf '%s\n' "${mt[@]}" | median || echo 0)

read -r bpar bup < <(parallel_runs B); echo "berth $PARALLEL x run -d: ${bpar} ms ($bup running)"
mpar=0; if [ $MOBY = 1 ]; then read -r mpar mup < <(parallel_runs M); echo "moby  $PARALLEL x run -d: ${mpar} ms ($mup running)"; fi

bw=$(log_write B); bmbs=$(awk -v ms="$bw" -v mb="$LOG_MB" 'BEGIN {printf "%.0f", mb / (ms / 1000)}')
echo "berth log write ${LOG_MB} MiB: ${bw} ms (${bmbs} MiB/s)"
read -r bt100 bt100w < <(tail_times B); echo "berth logs --tail 100: first ${bt100} ms, then median ${bt100w} ms"
mw=0 mt100=0 mt100w=0 mmbs=0
if [ $MOBY = 1 ]; then
  mw=$(log_write M); mmbs=$(awk -v ms="$mw" -v mb="$LOG_MB" 'BEGIN {printf "%.0f", mb / (ms / 1000)}')
  echo "moby  log write ${LOG_MB} MiB: ${mw} ms (${mmbs} MiB/s)"
  read -r mt100 mt100w < <(tail_times M); echo "moby  logs --tail 100: first ${mt100} ms, then median ${mt100w} ms"
fi
B logs --tail 1 logbench | wc -c | awk '{print "berth last line bytes: " $1}'

echo
echo "| measure | Berth | Moby | Berth/Moby |"
echo "|---|---|---|---|"
echo "| run --rm true, median ms | $bmed | $mmed | $(ratio "$bmed" "$mmed") |"
echo "| $PARALLEL concurrent run -d, ms | $bpar | $mpar | $(ratio "$bpar" "$mpar") |"
echo "| write ${LOG_MB} MiB of log lines, ms | $bw | $mw | $(ratio "$bw" "$mw") |"
echo "| logs --tail 100 on it, first call, ms | $bt100 | $mt100 | $(ratio "$bt100" "$mt100") |"
echo "| logs --tail 100 on it, median of next 5, ms | $bt100w | $mt100w | $(ratio "$bt100w" "$mt100w") |"
