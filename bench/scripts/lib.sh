# Shared helpers for bench/scripts: start and stop a berthd or a Moby dockerd in a throw-away root.
# Every process is stopped by the PID this script started, never by name.
# shellcheck shell=bash

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BERTHD=${BERTHD:-$BENCH_REPO/artifacts/berthd/berthd}
POLL_S=${POLL_S:-0.005}          # 5 ms between /_ping probes
START_TIMEOUT_S=${START_TIMEOUT_S:-60}

now_ns() { date +%s%N; }

# machine_note — one line on the machine and how busy it is (other work skews every figure here)
machine_note() { echo "machine: $(nproc) cpus, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

# descendants PID — every process below PID, depth first
descendants() { local p; for p in $(pgrep -P "$1" 2>/dev/null); do echo "$p"; descendants "$p"; done; }

# ping_ok SOCKET — one Engine API /_ping over a unix socket
ping_ok() { [ -S "$1" ] && curl -fsS --max-time 1 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1; }

# wait_ping SOCKET PID — polls /_ping every POLL_S until it answers; fails if PID dies or time runs out
wait_ping() {
  local sock=$1 pid=$2 deadline=$(( $(date +%s) + START_TIMEOUT_S ))
  while :; do
    ping_ok "$sock" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep "$POLL_S"
  done
}

# berth_up — starts berthd in a fresh root (extra flags in BERTH_ARGS); sets DROOT DSOCK DPID and START_MS (exec → first /_ping)
berth_up() {
  [ -x "$BERTHD" ] || { echo "no berthd at $BERTHD: run 'dotnet pwsh ./build.ps1 publish'" >&2; return 1; }
  DROOT=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/bbench.XXXXXX")
  DSOCK=$DROOT/b.sock
  local t0; t0=$(now_ns)
  "$BERTHD" -H "unix://$DSOCK" --data-root "$DROOT/data" --exec-root "$DROOT/exec" \
      --pidfile "$DROOT/pid" ${BERTH_ARGS:-} >"$DROOT/daemon.log" 2>&1 &
  DPID=$!
  if ! wait_ping "$DSOCK" "$DPID"; then
    echo "berthd did not answer /_ping; last log lines:" >&2; tail -5 "$DROOT/daemon.log" >&2
    daemon_down; return 1
  fi
  START_MS=$(( ($(now_ns) - t0) / 1000000 ))
}

# moby_up — starts Debian's dockerd (and the containerd it spawns) in a fresh root; same variables
moby_up() {
  DROOT=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/mbench.XXXXXX")
  DSOCK=$DROOT/d.sock
  local t0; t0=$(now_ns)
  # Not a job-control shell, so setsid execs dockerd in place and $! is dockerd's own PID.
  # shellcheck disable=SC2086 # MOBY_ARGS is a word list on purpose
  setsid dockerd --data-root "$DROOT/data" --exec-root "$DROOT/exec" -H "unix://$DSOCK" \
      --pidfile "$DROOT/pid" ${MOBY_ARGS:-} >"$DROOT/daemon.log" 2>&1 &
  DPID=$!
  if ! wait_ping "$DSOCK" "$DPID"; then
    echo "dockerd did not answer /_ping; last log lines:" >&2; tail -5 "$DROOT/daemon.log" >&2
    daemon_down; return 1
  fi
  START_MS=$(( ($(now_ns) - t0) / 1000000 ))
  if [ -s "$DROOT/pid" ] && [ "$(cat "$DROOT/pid")" != "$DPID" ]; then
    echo "warning: dockerd pidfile says $(cat "$DROOT/pid"), started PID $DPID" >&2
  fi
}

# daemon_down — SIGTERM the daemon we started, wait for it (KILL after 15 s), unmount and remove its root;
# sets STOP_MS. Any descendant still alive afterwards (it should not be) is named and killed by PID.
daemon_down() {
  STOP_MS=
  if [ -n "${DPID:-}" ]; then
    local kids t0 i; kids=$(descendants "$DPID"); t0=$(now_ns)
    kill -TERM "$DPID" 2>/dev/null
    for i in $(seq 1 300); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$DPID" 2>/dev/null; then echo "warning: daemon $DPID ignored SIGTERM for 15 s; killing it" >&2; kill -KILL "$DPID" 2>/dev/null; fi
    wait "$DPID" 2>/dev/null; DEXIT=$?
    STOP_MS=$(( ($(now_ns) - t0) / 1000000 ))
    # 0, or 143 (128 + SIGTERM) for a daemon that lets the signal end it, is a clean stop; keep the log otherwise.
    if [ "$DEXIT" != 0 ] && [ "$DEXIT" != 143 ] && [ -n "${DROOT:-}" ]; then
      mkdir -p /tmp/berth-bench-logs
      local kept; kept=/tmp/berth-bench-logs/$(basename "$DROOT").log
      cp "$DROOT/daemon.log" "$kept" 2>/dev/null
      echo "warning: daemon $DPID exited with status $DEXIT on SIGTERM (log kept at $kept)" >&2
    fi
    for i in $kids; do
      if kill -0 "$i" 2>/dev/null; then
        echo "warning: child $i ($(tr '\0' ' ' </proc/"$i"/cmdline 2>/dev/null | cut -c1-80)) outlived the daemon; killing it" >&2
        kill -KILL "$i" 2>/dev/null
      fi
    done
  fi
  if [ -n "${DROOT:-}" ]; then
    grep -o " $DROOT[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$DROOT"
  fi
  DPID= DROOT= DSOCK=
}

have_moby() {
  [ "${SKIP_MOBY:-0}" = 1 ] && return 1
  command -v dockerd >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || return 1
  echo "installing docker.io for the Moby comparison (SKIP_MOBY=1 to skip)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io; } >/dev/null 2>&1
  command -v dockerd >/dev/null 2>&1
}

# stats LABEL < numbers — median, p90 (nearest rank), min, max
stats() {
  sort -n | awk -v label="$1" '{a[NR]=$1}
    END { if (NR == 0) { print label ": no samples"; exit 1 }
          med = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2
          i = int(0.9 * NR); if (i < 0.9 * NR) i++
          printf "%s: n=%d median=%g p90=%g min=%g max=%g\n", label, NR, med, a[i], a[1], a[NR] }'
}

# busybox_tar — a busybox root filesystem (every applet linked) as a tar for `docker import`; prints its path
busybox_tar() {
  local dir; dir=$(mktemp -d); mkdir -p "$dir/root/bin" "$dir/root/etc" "$dir/root/tmp"
  cp "$(command -v busybox)" "$dir/root/bin/busybox"
  for a in $(busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$dir/root/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/root/etc/passwd"; echo 'root:x:0:' >"$dir/root/etc/group"
  tar -C "$dir/root" -cf "$dir/busybox.tar" .; echo "$dir/busybox.tar"
}

# B / M — the docker CLI against the Berth / Moby daemon of the script (B_SOCK, M_SOCK)
B() { DOCKER_HOST=unix://$B_SOCK "${DOCKER:-docker}" "$@"; }
M() { DOCKER_HOST=unix://$M_SOCK "${DOCKER:-docker}" "$@"; }

# ms CMD… — wall milliseconds of a command, output discarded
ms() { local t0; t0=$(now_ns); "$@" >/dev/null 2>&1; echo $(( ($(now_ns) - t0) / 1000000 )); }

# median < numbers
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
