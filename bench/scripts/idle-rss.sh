#!/usr/bin/env bash
# Idle memory: starts the published berthd in a fresh root, waits for /_ping and for its plugin hosts
# (children named berth-plugin-host) to come up, lets it settle SETTLE_S seconds (default 5), then sums
# the RSS (ps -o rss) and PSS (/proc/PID/smaps_rollup; shared pages split between processes) of the daemon
# and all its descendants. Does the same for Moby's dockerd (+ the containerd it spawns) when available.
# usage: bench/scripts/idle-rss.sh            env: SETTLE_S=5  SKIP_MOBY=1  BERTHD=path/to/berthd
set -u
. "$(dirname "$0")/lib.sh"
SETTLE_S=${SETTLE_S:-5}
trap 'daemon_down' EXIT
trap 'exit 130' INT TERM
machine_note

pss_kb() { awk '/^Pss:/ {print $2; exit}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

measure() { # measure NAME — prints one line per process and the totals of the running daemon DPID
  local name=$1 p rss pss total_rss=0 total_pss=0 count=0
  printf '  %-8s %9s %9s  %s\n' PID RSS_KB PSS_KB COMMAND
  for p in "$DPID" $(descendants "$DPID"); do
    rss=$(ps -o rss= -p "$p" 2>/dev/null | tr -d ' '); [ -n "$rss" ] || continue
    pss=$(pss_kb "$p")
    printf '  %-8s %9s %9s  %s\n' "$p" "$rss" "$pss" "$(tr '\0' ' ' </proc/"$p"/cmdline 2>/dev/null | cut -c1-90)"
    total_rss=$((total_rss + rss)); total_pss=$((total_pss + ${pss:-0})); count=$((count + 1))
  done
  awk -v name="$name" -v n="$count" -v r="$total_rss" -v p="$total_pss" 'BEGIN {
    printf "idle-rss %s: processes=%d rss_kb=%d rss_mb=%.1f pss_kb=%d pss_mb=%.1f\n", name, n, r, r / 1024, p, p / 1024 }'
}

plugin_hosts() { local p n=0; for p in $(descendants "$DPID"); do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q berth-plugin-host && n=$((n + 1)); done; echo "$n"; }

echo "== berthd"
berth_up || exit 1
echo "  /_ping after ${START_MS} ms; waiting for plugin hosts"
# Wait for the plugin-host count to stop changing for 2 s (at most 30 s), then settle.
last=-1 stable=0
for _ in $(seq 1 120); do
  n=$(plugin_hosts)
  if [ "$n" = "$last" ] && [ "$n" -gt 0 ]; then stable=$((stable + 1)); else stable=0; fi
  last=$n
  [ "$stable" -ge 8 ] && break
  sleep 0.25
done
echo "  $last plugin host(s) running; settling ${SETTLE_S} s"
sleep "$SETTLE_S"
measure berthd
daemon_down

if have_moby; then
  echo "== dockerd"
  moby_up || exit 1
  echo "  /_ping after ${START_MS} ms; settling ${SETTLE_S} s"
  sleep "$SETTLE_S"
  measure dockerd
  daemon_down
else
  echo "dockerd: not installed (apt-get install docker.io), skipped"
fi
