#!/usr/bin/env bash
# Network set-up cost per container, Berth vs Moby, same machine, same CLI, same busybox image, one run:
# `docker run --rm bb true` on the default bridge network against `--network none`, RUNS times each, alternating.
# The difference of the medians is what joining the bridge costs (namespace, IPAM, veth pair, addresses, route).
# Then loopback throughput between two containers on the default bridge: busybox wget fetching a SIZE_MIB file
# from busybox httpd (sendfile) in another container, XFERS times; MiB/s from the median (docker exec included).
#
# usage: bench/scripts/network.sh        env: RUNS=15  XFERS=5  SIZE_MIB=1024  SKIP_MOBY=1  BENCH_TMPDIR=/tmp
# Berth's daemon gets its own bridge (bnbench0), removed at the end with its iptables rules; Moby runs with
# --iptables=false on docker0, which is removed at the end when this script made it.
set -u
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-15}
XFERS=${XFERS:-5}
SIZE_MIB=${SIZE_MIB:-1024}
BRIDGE=bnbench0
DOCKER=${DOCKER:-docker}
TAR=
B_PID= B_ROOT= B_SOCK= M_PID= M_ROOT= M_SOCK=
HAD_DOCKER0=0; ip link show docker0 >/dev/null 2>&1 && HAD_DOCKER0=1

cleanup() {
  if [ -n "$B_PID" ]; then DPID=$B_PID DROOT=$B_ROOT; daemon_down; fi
  if [ -n "$M_PID" ]; then DPID=$M_PID DROOT=$M_ROOT; daemon_down; fi
  for t in filter nat; do
    iptables -t "$t" -S 2>/dev/null | grep -- "$BRIDGE" | sed 's/^-A //' | while read -r rule; do eval iptables -t "$t" -D "$rule"; done
  done
  ip link del "$BRIDGE" 2>/dev/null
  if ! iptables -S 2>/dev/null | grep -q -- '-A BERTH-'; then
    for c in BERTH-ISOLATION BERTH-FORWARD; do iptables -D FORWARD -j "$c" 2>/dev/null; iptables -X "$c" 2>/dev/null; done
  fi
  [ "$HAD_DOCKER0" = 0 ] && ip link del docker0 2>/dev/null
  [ -n "$TAR" ] && rm -rf "$(dirname "$TAR")"
}
trap cleanup EXIT
trap 'exit 130' INT TERM


command -v busybox >/dev/null || { echo "network.sh: busybox-static is needed" >&2; exit 1; }
TAR=$(busybox_tar)
machine_note
BERTH_ARGS="--bridge $BRIDGE" berth_up || exit 1; B_PID=$DPID B_ROOT=$DROOT B_SOCK=$DSOCK
B import "$TAR" bb:1 >/dev/null || { echo "berth: import failed" >&2; exit 1; }
MOBY=0
if have_moby && MOBY_ARGS="--iptables=false --ip-masq=false --ip6tables=false --storage-driver=overlay2" moby_up; then
  M_PID=$DPID M_ROOT=$DROOT M_SOCK=$DSOCK; M import "$TAR" bb:1 >/dev/null; MOBY=1
fi
[ "$(B run --rm bb:1 sh -c 'ip -4 addr show eth0 | grep -c inet')" = 1 ] || { echo "berth: a container on the default bridge has no address" >&2; exit 1; }

for _ in 1 2; do B run --rm bb:1 true >/dev/null 2>&1; [ $MOBY = 1 ] && M run --rm bb:1 true >/dev/null 2>&1; done
bn=(); bb=(); bp=(); mn=(); mb=(); mp=()
for _ in $(seq 1 "$RUNS"); do
  bn+=("$(ms B run --rm --network none bb:1 true)"); bb+=("$(ms B run --rm bb:1 true)"); bp+=("$(ms B run --rm -p 127.0.0.1::80 bb:1 true)")
  if [ $MOBY = 1 ]; then
    mn+=("$(ms M run --rm --network none bb:1 true)"); mb+=("$(ms M run --rm bb:1 true)"); mp+=("$(ms M run --rm -p 127.0.0.1::80 bb:1 true)")
  fi
done
printf '%s\n' "${bn[@]}" | stats "berth run --rm --network none (ms)"
printf '%s\n' "${bb[@]}" | stats "berth run --rm, default bridge (ms)"
printf '%s\n' "${bp[@]}" | stats "berth run --rm -p 127.0.0.1::80 (ms)"
bnm=$(printf '%s\n' "${bn[@]}" | median); bbm=$(printf '%s\n' "${bb[@]}" | median); bpm=$(printf '%s\n' "${bp[@]}" | median)
mnm=0 mbm=0 mpm=0
if [ $MOBY = 1 ]; then
  printf '%s\n' "${mn[@]}" | stats "moby  run --rm --network none (ms)"
  printf '%s\n' "${mb[@]}" | stats "moby  run --rm, default bridge (ms)"
  printf '%s\n' "${mp[@]}" | stats "moby  run --rm -p 127.0.0.1::80 (ms)"
  mnm=$(printf '%s\n' "${mn[@]}" | median); mbm=$(printf '%s\n' "${mb[@]}" | median); mpm=$(printf '%s\n' "${mp[@]}" | median)
fi
# throughput: prints the median transfer time in ms for the daemon function given ($1 = B or M)
throughput() {
  local d=$1 ip t=() i
  $d rm -f bnx-srv bnx-cli >/dev/null 2>&1
  $d run -d --name bnx-srv bb:1 sh -c "mkdir -p /www && dd if=/dev/zero of=/www/big bs=1M count=$SIZE_MIB 2>/dev/null && touch /www/ready && httpd -f -p 80 -h /www" >/dev/null
  $d run -d --name bnx-cli bb:1 sleep 3600 >/dev/null
  ip=$($d inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' bnx-srv)
  for i in $(seq 1 120); do $d exec bnx-cli wget -qs "http://$ip/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  for i in $(seq 1 "$XFERS"); do t+=("$(ms $d exec bnx-cli wget -qO /dev/null "http://$ip/big")"); done
  $d rm -f bnx-srv bnx-cli >/dev/null 2>&1
  printf '%s\n' "${t[@]}" | median
}
mib_s() { awk -v s="$SIZE_MIB" -v m="$1" 'BEGIN { if (m > 0) printf "%.0f", s * 1000 / m; else print "-" }'; }
btm=$(throughput B); mtm=0
[ $MOBY = 1 ] && mtm=$(throughput M)
echo "berth transfer of $SIZE_MIB MiB, median ms: $btm; moby: $mtm"

echo
echo "| measure | Berth | Moby |"
echo "|---|---|---|"
echo "| run --rm --network none, median ms | $bnm | $mnm |"
echo "| run --rm on the default bridge, median ms | $bbm | $mbm |"
echo "| network set-up cost (difference), ms | $(awk -v a="$bbm" -v b="$bnm" 'BEGIN {print a - b}') | $(awk -v a="$mbm" -v b="$mnm" 'BEGIN {print a - b}') |"
echo "| run --rm -p 127.0.0.1::80, median ms | $bpm | $mpm |"
echo "| port publishing cost (difference to the bridge), ms | $(awk -v a="$bpm" -v b="$bbm" 'BEGIN {print a - b}') | $(awk -v a="$mpm" -v b="$mbm" 'BEGIN {print a - b}') |"
echo "| loopback throughput between two containers (wget from httpd, $SIZE_MIB MiB), MiB/s | $(mib_s "$btm") | $(mib_s "$mtm") |"
