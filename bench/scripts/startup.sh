#!/usr/bin/env bash
# Daemon start-up time: milliseconds from exec to the first successful GET /_ping on the daemon's unix
# socket (probed with curl every 5 ms), each run in a fresh temp root. Runs the published berthd N times,
# then Moby's dockerd N times when it is installed or installable (SKIP_MOBY=1 skips it).
# usage: bench/scripts/startup.sh [N=10]      env: BERTHD=path/to/berthd  MOBY_ARGS="extra dockerd flags"
set -u
. "$(dirname "$0")/lib.sh"
N=${1:-10}
trap 'daemon_down' EXIT
trap 'exit 130' INT TERM
machine_note

run() { # run NAME UPFN
  local name=$1 up=$2 i starts=() stops=()
  echo "== $name: $N starts"
  for i in $(seq 1 "$N"); do
    "$up" || { echo "$name: start $i failed" >&2; return 1; }
    local started=$START_MS
    daemon_down
    starts+=("$started"); stops+=("$STOP_MS")
    printf '  run %2d: start %5d ms   stop %5d ms\n' "$i" "$started" "$STOP_MS"
  done
  printf '%s\n' "${starts[@]}" | stats "startup-ms $name"
  printf '%s\n' "${stops[@]}" | stats "shutdown-ms $name"
}

run berthd berth_up || exit 1
if have_moby; then
  run dockerd moby_up || exit 1
else
  echo "dockerd: not installed (apt-get install docker.io), skipped"
fi
