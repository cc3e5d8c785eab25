#!/usr/bin/env bash
# Swarm scheduling end to end, Berth vs Moby, same machine, same CLI, same busybox image, one run:
# seconds from `docker service create --replicas N` (detached) until `docker service ls` shows N/N, RUNS times,
# on a one-node swarm of each daemon, then on a three-manager Berth swarm (three berthd on loopback, each in its
# own UTS namespace). The service is removed and its containers gone before the next round.
#
# usage: bench/scripts/swarm.sh        env: RUNS=3  REPLICAS=100  SKIP_MOBY=1  BENCH_TMPDIR=/tmp
# Both daemons run with --bridge none (tasks have no network), Moby also with --iptables=false.
set -u
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-3}
REPLICAS=${REPLICAS:-100}
DOCKER=${DOCKER:-docker}
TAR=
PIDS=() ROOTS=()

# Moby's swarm init creates docker_gwbridge, which outlives dockerd: removed again unless it was there before.
GWBRIDGE_BEFORE=$(ip link show docker_gwbridge >/dev/null 2>&1 && echo yes)
cleanup() {
  local i
  for i in "${!PIDS[@]}"; do DPID=${PIDS[$i]} DROOT=${ROOTS[$i]}; daemon_down; done
  [ -n "$TAR" ] && rm -rf "$(dirname "$TAR")"
  [ -z "$GWBRIDGE_BEFORE" ] && ip link del docker_gwbridge 2>/dev/null
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v busybox >/dev/null || { echo "swarm.sh: busybox-static is needed" >&2; exit 1; }
TAR=$(busybox_tar)

# berth_host NAME — berthd in its own UTS namespace named NAME (unshare and sh exec, so $! is berthd)
berth_host() {
  DROOT=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/bbench.XXXXXX"); DSOCK=$DROOT/b.sock
  unshare --uts sh -c 'hostname "$0" && exec "$@"' "$1" "$BERTHD" -H "unix://$DSOCK" --data-root "$DROOT/data" \
      --exec-root "$DROOT/exec" --pidfile "$DROOT/pid" --bridge none >"$DROOT/daemon.log" 2>&1 &
  DPID=$!
  wait_ping "$DSOCK" "$DPID" || { echo "berthd $1 did not start" >&2; tail -5 "$DROOT/daemon.log" >&2; return 1; }
  PIDS+=("$DPID"); ROOTS+=("$DROOT")
  DOCKER_HOST=unix://$DSOCK "$DOCKER" import "$TAR" bb:1 >/dev/null
}

# rounds LABEL SOCKET — RUNS timings of create → N/N, then rm → no task container left on any node socket given after
rounds() {
  local label=$1 sock=$2; shift 2
  local i t0 r
  for i in $(seq 1 "$RUNS"); do
    t0=$(now_ns)
    DOCKER_HOST=unix://$sock "$DOCKER" service create --detach --name bench --replicas "$REPLICAS" bb:1 sleep 100000 >/dev/null || return 1
    for _ in $(seq 1 1200); do
      r=$(DOCKER_HOST=unix://$sock "$DOCKER" service ls --filter name=bench --format '{{.Replicas}}' 2>/dev/null)
      [ "$r" = "$REPLICAS/$REPLICAS" ] && break
      sleep 0.1
    done
    [ "$r" = "$REPLICAS/$REPLICAS" ] || { echo "$label: only $r after 120 s" >&2; return 1; }
    echo "scale=3; ($(now_ns) - $t0) / 1000000000" | bc
    DOCKER_HOST=unix://$sock "$DOCKER" service rm bench >/dev/null
    for s in "$sock" "$@"; do
      for _ in $(seq 1 600); do
        [ -z "$(DOCKER_HOST=unix://$s "$DOCKER" ps -aq --filter label=com.docker.swarm.service.name=bench)" ] && break
        sleep 0.2
      done
    done
  done | stats "$label: seconds to $REPLICAS/$REPLICAS running"
}

machine_note
echo "== Berth, one node"
berth_host bench-node0 || exit 1
DOCKER_HOST=unix://$DSOCK "$DOCKER" swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$((20000 + RANDOM % 10000))" >/dev/null || exit 1
rounds "berth 1 node" "$DSOCK"
DPID=${PIDS[0]} DROOT=${ROOTS[0]}; daemon_down; PIDS=() ROOTS=()

echo "== Berth, three managers"
SOCKS=() BASE=$((20000 + RANDOM % 10000))
for i in 0 1 2; do berth_host "bench-node$i" || exit 1; SOCKS+=("$DSOCK"); done
DOCKER_HOST=unix://${SOCKS[0]} "$DOCKER" swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$BASE" >/dev/null || exit 1
tok=$(DOCKER_HOST=unix://${SOCKS[0]} "$DOCKER" swarm join-token -q manager)
for i in 1 2; do
  DOCKER_HOST=unix://${SOCKS[$i]} "$DOCKER" swarm join --token "$tok" --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$((BASE + i))" "127.0.0.1:$BASE" >/dev/null || exit 1
done
rounds "berth 3 nodes" "${SOCKS[0]}" "${SOCKS[1]}" "${SOCKS[2]}"
for i in 2 1 0; do DPID=${PIDS[$i]} DROOT=${ROOTS[$i]}; daemon_down; done; PIDS=() ROOTS=()

if have_moby; then
  echo "== Moby, one node"
  MOBY_ARGS="--bridge none --iptables=false" moby_up || exit 1
  PIDS+=("$DPID"); ROOTS+=("$DROOT")
  DOCKER_HOST=unix://$DSOCK "$DOCKER" import "$TAR" bb:1 >/dev/null
  DOCKER_HOST=unix://$DSOCK "$DOCKER" swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$((20000 + RANDOM % 10000))" >/dev/null || exit 1
  rounds "moby 1 node" "$DSOCK"
fi
