#!/usr/bin/env bash
# Image pull and layer apply, Berth vs Moby, same machine, same loopback registry, one run.
#
# Starts Debian's docker-registry on a free 127.0.0.1 port, the published berthd and Moby's dockerd, each in its
# own temp root. Builds one test image (5 layers, ~200 MiB of incompressible bytes; bench/scripts/mkimage.py),
# loads it into Moby and pushes it from there, so both daemons pull the very same manifest and gzip blobs. Then,
# alternating the daemons (the order flips every round so neither always goes first):
#   pull: `docker rmi` (and check nothing of the image is left in the data root), sync, time `docker pull`;
#   load: the same with `docker load -i` of the uncompressed docker-save archive: pure layer apply.
# Prints per-run figures, median/min per daemon, the Berth/Moby ratio and a markdown table. Beside each time it
# shows the CPU (user+sys from /proc/PID/stat, reaped children included) the daemon and its descendants spent on
# the step, and how much its data root grew (du): the disk the image takes in that daemon.
#
# usage: bench/scripts/pull.sh
# env:   RUNS=5            rounds per phase
#        DROP_CACHES=1     echo 3 >/proc/sys/vm/drop_caches before every timed step (cold page cache; slows the whole machine)
#        BERTHD=path       berthd to use; by default artifacts/berthd/ is copied into the temp root first, so a
#                          publish by someone else during the run cannot swap the binary under it
#        KEEP_LOGS=1       copy the daemons' logs to /tmp/berth-bench-logs/ at the end
#        MOBY_ARGS=…       dockerd flags (default: no bridge, no iptables, overlay2)
#        BENCH_TMPDIR=/tmp  where the temp roots (data roots, registry storage) go, to compare file systems
#        ARTIFACT_WAIT_S=300  how long to wait for a publish that is rewriting artifacts/berthd to finish
set -u
USER_BERTHD=${BERTHD:-}
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
DROP_CACHES=${DROP_CACHES:-0}
MOBY_ARGS=${MOBY_ARGS:---bridge=none --iptables=false --ip-masq=false --ip6tables=false --storage-driver=overlay2}
REGISTRY_BIN=${REGISTRY_BIN:-/usr/bin/docker-registry}
DOCKER=${DOCKER:-docker}
RESIDUE_LIMIT_KB=${RESIDUE_LIMIT_KB:-4096}   # what may stay in a data root after rmi (metadata), beyond its baseline

ROOT= REG_PID= B_PID= B_ROOT= B_SOCK= M_PID= M_ROOT= M_SOCK=

cleanup() {
  local keep=${KEEP_LOGS:-0}
  if [ "$keep" = 1 ]; then
    mkdir -p /tmp/berth-bench-logs
    [ -n "$B_ROOT" ] && cp "$B_ROOT/daemon.log" /tmp/berth-bench-logs/pull-berthd.log 2>/dev/null
    [ -n "$M_ROOT" ] && cp "$M_ROOT/daemon.log" /tmp/berth-bench-logs/pull-dockerd.log 2>/dev/null
    echo "logs kept in /tmp/berth-bench-logs/pull-{berthd,dockerd}.log"
  fi
  # lib.sh's daemon_down stops the daemon in DPID/DROOT (by PID), unmounts under its root and removes it.
  if [ -n "$B_PID" ]; then DPID=$B_PID DROOT=$B_ROOT; daemon_down; B_PID= B_ROOT=; fi
  if [ -n "$M_PID" ]; then DPID=$M_PID DROOT=$M_ROOT; daemon_down; M_PID= M_ROOT=; fi
  if [ -n "$REG_PID" ]; then
    kill -TERM "$REG_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$REG_PID" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$REG_PID" 2>/dev/null; wait "$REG_PID" 2>/dev/null; REG_PID=
  fi
  if [ -n "$ROOT" ] && [ -d "$ROOT" ]; then
    grep -o " $ROOT[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$ROOT"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "pull.sh: $*" >&2; exit 1; }

machine_note
echo "data roots on: $(df -T "${BENCH_TMPDIR:-/tmp}" | awk 'NR == 2 {print $2 " (" $1 ")"}'), RUNS=$RUNS DROP_CACHES=$DROP_CACHES"

# --- 1. artifacts, tools --------------------------------------------------------------------------------------
if [ -z "$USER_BERTHD" ] && [ ! -x "$BENCH_REPO/artifacts/berthd/berthd" ]; then
  echo "publishing berthd (artifacts/berthd/berthd is missing)"
  (cd "$BENCH_REPO" && dotnet tool restore >/dev/null && dotnet pwsh ./build.ps1 publish) || die "publish failed"
fi
[ -x "$REGISTRY_BIN" ] || die "$REGISTRY_BIN is missing: apt-get install docker-registry"
have_moby || die "dockerd is missing: apt-get install docker.io"
command -v "$DOCKER" >/dev/null || die "no docker CLI"
command -v python3 >/dev/null || die "no python3"

ROOT=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/pullbench.XXXXXX")
export DOCKER_CONFIG=$ROOT/cli    # keep the CLI away from ~/.docker
mkdir -p "$DOCKER_CONFIG"
if [ -z "$USER_BERTHD" ]; then
  # Another publish may be rewriting artifacts/berthd right now: wait (up to ARTIFACT_WAIT_S) until the folder has
  # its overlay plugin and nothing in it changed for 5 s, then copy it.
  src=$BENCH_REPO/artifacts/berthd
  for i in $(seq 1 "${ARTIFACT_WAIT_S:-300}"); do
    newest=$(find "$src" -printf '%T@\n' 2>/dev/null | sort -n | tail -1 | cut -d. -f1)
    if [ -x "$src/berthd" ] && [ -f "$src/plugins/overlay/config.json" ] && [ $(( $(date +%s) - ${newest:-0} )) -ge 5 ]; then break; fi
    [ "$i" = 1 ] && echo "waiting for artifacts/berthd to be complete and unchanged for 5 s (a publish is running?)"
    sleep 1
  done
  [ -f "$src/plugins/overlay/config.json" ] || die "artifacts/berthd has no plugins/overlay: run 'dotnet pwsh ./build.ps1 publish'"
  cp -a "$src" "$ROOT/berthd"
  BERTHD=$ROOT/berthd/berthd
  echo "berthd: copy of artifacts/berthd (berthd built $(date -u -r "$BENCH_REPO/artifacts/berthd/berthd" '+%F %H:%M UTC'))"
fi

# --- 2. registry ----------------------------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$ROOT/registry"
cat >"$ROOT/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $ROOT/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
  secret: berth-bench
EOF
"$REGISTRY_BIN" serve "$ROOT/registry.yml" >"$ROOT/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 1 200); do
  curl -fsS --max-time 1 "http://127.0.0.1:$PORT/v2/" >/dev/null 2>&1 && break
  kill -0 "$REG_PID" 2>/dev/null || { tail -5 "$ROOT/registry.log" >&2; die "docker-registry exited"; }
  sleep 0.1
done
curl -fsS --max-time 1 "http://127.0.0.1:$PORT/v2/" >/dev/null 2>&1 || die "docker-registry did not answer on 127.0.0.1:$PORT"
REF=127.0.0.1:$PORT/bench/pull:1
echo "registry: pid $REG_PID on 127.0.0.1:$PORT"

# --- 3. daemons -----------------------------------------------------------------------------------------------
moby_up || die "dockerd did not start"
M_PID=$DPID M_ROOT=$DROOT M_SOCK=$DSOCK
DPID= DROOT=
echo "dockerd: pid $M_PID, /_ping after $START_MS ms, root $M_ROOT"
berth_up || die "berthd did not start"
B_PID=$DPID B_ROOT=$DROOT B_SOCK=$DSOCK
DPID= DROOT=
echo "berthd: pid $B_PID, /_ping after $START_MS ms, root $B_ROOT"

dk() { local sock=$1; shift; "$DOCKER" -H "unix://$sock" "$@"; }
sock_of() { case $1 in berthd) echo "$B_SOCK" ;; dockerd) echo "$M_SOCK" ;; esac; }
root_of() { case $1 in berthd) echo "$B_ROOT" ;; dockerd) echo "$M_ROOT" ;; esac; }
data_kb() { du -sxk "$(root_of "$1")/data" 2>/dev/null | cut -f1; }

# --- 4. the image: built once, pushed from Moby -------------------------------------------------------------
t0=$(now_ns)
info=$(python3 "$(dirname "$0")/mkimage.py" "$ROOT/image" "$REF") || die "mkimage.py failed"
ARCHIVE=$ROOT/image/image.tar
LAYER_BYTES=$(sed -n 's/.*layer_bytes=\([0-9]*\).*/\1/p' <<<"$info")
FILES=$(sed -n 's/.* files=\([0-9]*\).*/\1/p' <<<"$info")
echo "image: $info ($(( ($(now_ns) - t0) / 1000000 )) ms to write)"
dk "$M_SOCK" load -i "$ARCHIVE" >/dev/null || die "docker load into dockerd failed"
t0=$(now_ns)
dk "$M_SOCK" push "$REF" >"$ROOT/push.log" 2>&1 || { tail -5 "$ROOT/push.log" >&2; die "docker push from dockerd failed"; }
echo "pushed $REF from dockerd in $(( ($(now_ns) - t0) / 1000000 )) ms"
MANIFEST=$(curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://127.0.0.1:$PORT/v2/bench/pull/manifests/1") || die "no manifest in the registry"
BLOB_BYTES=$(python3 -c 'import json, sys; m = json.load(sys.stdin); print(sum(l["size"] for l in m["layers"]))' <<<"$MANIFEST")
IMAGE_ID=$(dk "$M_SOCK" image inspect -f '{{.Id}}' "$REF")
echo "registry blobs: 5 gzip layers, $BLOB_BYTES bytes; uncompressed layers $LAYER_BYTES bytes; image id $IMAGE_ID"

# Baselines: what each data root holds without the image (Moby's root just had it: remove it first).
dk "$M_SOCK" rmi -f "$REF" >/dev/null 2>&1
sync
M_BASE_KB=$(data_kb dockerd) B_BASE_KB=$(data_kb berthd)

# remove NAME — rmi the image and check the data root is back to its baseline (no layer, blob or snapshot left)
remove() {
  local name=$1 sock kb base
  sock=$(sock_of "$name")
  dk "$sock" rmi -f "$REF" >/dev/null 2>&1
  dk "$sock" rmi -f "$IMAGE_ID" >/dev/null 2>&1
  if [ -n "$(dk "$sock" images -aq 2>/dev/null)" ]; then die "$name still lists images after rmi"; fi
  sync
  kb=$(data_kb "$name"); base=$M_BASE_KB; [ "$name" = berthd ] && base=$B_BASE_KB
  if [ $((kb - base)) -gt "$RESIDUE_LIMIT_KB" ]; then
    du -xk "$(root_of "$name")/data" | sort -n | tail -5 >&2
    die "$name keeps $((kb - base)) KiB in its data root after rmi (baseline $base KiB)"
  fi
}

quiesce() { sync; if [ "$DROP_CACHES" = 1 ]; then echo 3 >/proc/sys/vm/drop_caches; fi; }

pid_of() { case $1 in berthd) echo "$B_PID" ;; dockerd) echo "$M_PID" ;; esac; }

# acct NAME — CPU ticks (user+sys, plus reaped children) of the daemon itself and of its descendants (berthd: the
# plugin hosts; dockerd: containerd)
acct() {
  local main p
  main=$(pid_of "$1")
  for p in "$main" $(descendants "$main"); do
    [ -r "/proc/$p/stat" ] || continue
    printf '%s ' "$([ "$p" = "$main" ] && echo main || echo rest)"
    sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13 + $14 + $15}'
  done | awk '{t[$1] += $2} END {printf "%d %d\n", t["main"], t["rest"]}'
}

# timed NAME KIND — one timed pull or load; prints "ms main_ticks rest_ticks grown_kb" (grown_kb: how much the
# data root grew over its baseline, i.e. the disk the image takes in that daemon)
timed() {
  local name=$1 kind=$2 sock t0 ms a0 a1 base
  sock=$(sock_of "$name")
  remove "$name"
  quiesce
  a0=$(acct "$name")
  t0=$(now_ns)
  case $kind in
    pull) dk "$sock" pull "$REF" >"$ROOT/last.log" 2>&1 ;;
    load) dk "$sock" load -i "$ARCHIVE" >"$ROOT/last.log" 2>&1 ;;
  esac || { tail -5 "$ROOT/last.log" >&2; die "$kind on $name failed"; }
  ms=$(( ($(now_ns) - t0) / 1000000 ))
  a1=$(acct "$name")
  [ "$(dk "$sock" image inspect -f '{{.Id}}' "$REF" 2>/dev/null)" = "$IMAGE_ID" ] || die "$name: $REF is not $IMAGE_ID after $kind"
  base=$M_BASE_KB; [ "$name" = berthd ] && base=$B_BASE_KB
  echo "$ms $a0 $a1 $(( $(data_kb "$name") - base ))" | awk '{print $1, $4 - $2, $5 - $3, $6}'
}

declare -A MS CPU_MAIN CPU_REST GROWN
phase() { # phase KIND
  local kind=$1 i order name out ms main rest grown
  echo "== $kind: $RUNS rounds (CPU: seconds of user+sys in the daemon + in its descendants; disk: growth of the data root)"
  for i in $(seq 1 "$RUNS"); do
    if [ $((i % 2)) = 1 ]; then order="berthd dockerd"; else order="dockerd berthd"; fi
    for name in $order; do
      out=$(timed "$name" "$kind") || exit 1
      read -r ms main rest grown <<<"$out"
      MS[$kind.$name]="${MS[$kind.$name]:-} $ms"
      CPU_MAIN[$kind.$name]="${CPU_MAIN[$kind.$name]:-} $main"
      CPU_REST[$kind.$name]="${CPU_REST[$kind.$name]:-} $rest"
      GROWN[$kind.$name]="${GROWN[$kind.$name]:-} $grown"
      awk -v i="$i" -v n="$name" -v ms="$ms" -v m="$main" -v r="$rest" -v w="$grown" -v hz="$HZ" \
        'BEGIN {printf "  round %d %-7s %6d ms   CPU %5.2f s + %5.2f s   disk %6.1f MiB\n", i, n, ms, m / hz, r / hz, w / 1024}'
    done
  done
}
HZ=$(getconf CLK_TCK)

phase pull
phase load
remove berthd; remove dockerd

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
minimum() { tr ' ' '\n' | grep . | sort -n | head -1; }

echo
for k in pull.berthd pull.dockerd load.berthd load.dockerd; do printf '%s\n' ${MS[$k]} | stats "$k-ms"; done
PB=$(median <<<"${MS[pull.berthd]}") PM=$(median <<<"${MS[pull.dockerd]}")
LB=$(median <<<"${MS[load.berthd]}") LM=$(median <<<"${MS[load.dockerd]}")
PBmin=$(minimum <<<"${MS[pull.berthd]}") PMmin=$(minimum <<<"${MS[pull.dockerd]}")
LBmin=$(minimum <<<"${MS[load.berthd]}") LMmin=$(minimum <<<"${MS[load.dockerd]}")

declare -A CM CR WR
for k in pull.berthd pull.dockerd load.berthd load.dockerd; do
  CM[$k]=$(median <<<"${CPU_MAIN[$k]}") CR[$k]=$(median <<<"${CPU_REST[$k]}") WR[$k]=$(median <<<"${GROWN[$k]}")
done

awk -v pb="$PB" -v pm="$PM" -v lb="$LB" -v lm="$LM" -v pbmin="$PBmin" -v pmmin="$PMmin" -v lbmin="$LBmin" -v lmmin="$LMmin" \
    -v bytes="$LAYER_BYTES" -v blobs="$BLOB_BYTES" -v files="$FILES" -v runs="$RUNS" -v hz="$HZ" \
    -v cpb="${CM[pull.berthd]}/${CR[pull.berthd]}" -v cpm="${CM[pull.dockerd]}/${CR[pull.dockerd]}" \
    -v clb="${CM[load.berthd]}/${CR[load.berthd]}" -v clm="${CM[load.dockerd]}/${CR[load.dockerd]}" \
    -v wpb="${WR[pull.berthd]}" -v wpm="${WR[pull.dockerd]}" -v wlb="${WR[load.berthd]}" -v wlm="${WR[load.dockerd]}" '
  function cpu(pair,   p) { split(pair, p, "/"); return sprintf("%.2f + %.2f s", p[1] / hz, p[2] / hz) }
  BEGIN {
  mib = 1048576
  printf "\nimage: 5 layers, %.1f MiB uncompressed (%d files), %.1f MiB of gzip blobs in the registry; %d rounds\n\n", bytes / mib, files, blobs / mib, runs
  print  "| | Berth (berthd) | Moby (dockerd) | Berth / Moby |"
  print  "|---|---|---|---|"
  printf "| `docker pull`, median | %.2f s | %.2f s | **%.2f** |\n", pb / 1000, pm / 1000, pb / pm
  printf "| `docker pull`, min | %.2f s | %.2f s | %.2f |\n", pbmin / 1000, pmmin / 1000, pbmin / pmmin
  printf "| pull throughput (uncompressed MiB / median s) | %.0f MiB/s | %.0f MiB/s | |\n", bytes / mib / (pb / 1000), bytes / mib / (pm / 1000)
  printf "| `docker load -i` (uncompressed), median | %.2f s | %.2f s | **%.2f** |\n", lb / 1000, lm / 1000, lb / lm
  printf "| `docker load -i`, min | %.2f s | %.2f s | %.2f |\n", lbmin / 1000, lmmin / 1000, lbmin / lmmin
  printf "| layer apply MiB/s (load, median) | **%.0f MiB/s** | **%.0f MiB/s** | %.2f |\n", bytes / mib / (lb / 1000), bytes / mib / (lm / 1000), lm / lb
  printf "| CPU per pull, daemon + descendants (median) | %s | %s | |\n", cpu(cpb), cpu(cpm)
  printf "| CPU per load, daemon + descendants (median) | %s | %s | |\n", cpu(clb), cpu(clm)
  printf "| data root growth after pull / after load | %.0f / %.0f MiB | %.0f / %.0f MiB | |\n", wpb / 1024, wlb / 1024, wpm / 1024, wlm / 1024
}'
