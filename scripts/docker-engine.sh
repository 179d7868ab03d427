#!/usr/bin/env bash
# Make a Docker Engine answer on this machine, for tests and CI.
#
# Idempotent: when `docker info` already answers, exit 0 at once.
# Otherwise, only as root on Debian/Ubuntu: install Debian's docker.io when
# dockerd is missing, start dockerd (overlay2, falling back to vfs, which works
# on any filesystem but is slow and large) and wait, bounded, until it answers.
# Anywhere else it prints what to do and exits 1: starting someone's engine on a
# workstation is not this script's business.
#
# With DOCKER_HOST set the engine is somebody else's: only check it.
#
# Usage: scripts/docker-engine.sh
# Env:   BERTH_DOCKERD_LOG    dockerd log (default /var/log/berth-dockerd.log)
#        BERTH_DOCKERD_WAIT   seconds to wait per attempt (default 60)
set -euo pipefail

log=${BERTH_DOCKERD_LOG:-/var/log/berth-dockerd.log}
wait_s=${BERTH_DOCKERD_WAIT:-60}
lock=/run/berth-dockerd.lock

say() { echo "docker-engine: $*" >&2; }
answers() { command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; }
server() { docker info --format 'server {{.ServerVersion}}, storage {{.Driver}}' 2>/dev/null || echo 'server ?'; }

if answers; then
  say "engine already answering ($(server))"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  say "no engine answers at DOCKER_HOST=$DOCKER_HOST; start that engine, or unset DOCKER_HOST to use a local one"
  exit 1
fi

if [ "$(id -u)" -ne 0 ] || [ ! -r /etc/debian_version ]; then
  say "no Docker engine answers. Start it (Docker Desktop, or \`sudo systemctl start docker\`), or run this script as root on Debian/Ubuntu to install and start one."
  exit 1
fi

# Parallel callers (CI steps, test workers) must not start two daemons on the
# same socket: the second one waits here, then finds the first one answering.
exec 9>"$lock"
flock -w $((wait_s * 3)) 9 || { say "timed out waiting for $lock"; exit 1; }
if answers; then
  say "engine answering after waiting for another starter ($(server))"
  exit 0
fi

installed=""
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  say "installing docker.io from Debian"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq -o DPkg::Lock::Timeout=300 docker.io >/dev/null
  installed="installed docker.io, "
fi

wait_answer() {
  local i
  for ((i = 0; i < wait_s; i++)); do
    answers && return 0
    # a daemon that died will never answer: stop waiting for it
    if [ -n "${1:-}" ] && ! kill -0 "$1" 2>/dev/null; then return 1; fi
    sleep 1
  done
  return 1
}

# A dockerd already running (e.g. still starting up) gets a chance first:
# starting a second one would fail on its pid file anyway.
running=""
if [ -r /var/run/docker.pid ]; then running=$(cat /var/run/docker.pid 2>/dev/null || true); fi
if [ -n "$running" ] && kill -0 "$running" 2>/dev/null; then
  if wait_answer "$running"; then
    say "${installed}an existing dockerd now answers ($(server))"
    exit 0
  fi
  say "dockerd (pid $running) is running but does not answer; see its log (ours: $log)"
  exit 1
fi

pid=""
start() {
  # setsid: the daemon must outlive this script and whatever process group
  # (a test runner, a CI step) started it.
  setsid nohup dockerd --storage-driver="$1" >>"$log" 2>&1 </dev/null &
  pid=$!
  wait_answer "$pid"
}

t0=$SECONDS
driver=overlay2
if ! start overlay2; then
  kill "$pid" 2>/dev/null || true # only the dockerd this script started
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  driver=vfs
  if ! start vfs; then
    say "dockerd did not answer with overlay2 nor vfs within ${wait_s}s each; last lines of $log:"
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
fi
say "${installed}started dockerd ($driver) in $((SECONDS - t0))s, pid $pid, log $log ($(server))"
