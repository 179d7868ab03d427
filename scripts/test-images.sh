#!/usr/bin/env bash
# Build the local images the integration tests run; no registry is reachable,
# so nothing can be pulled.
#
#   local/busybox:1    ~2 MB: FROM scratch + Debian's static busybox (sh, httpd,
#                      wget, nc, sleep...), for fast lifecycle tests
#   local/debian:12    Debian bookworm minbase from debootstrap (~200 MB)
#   local/services:1   local/debian:12 + MariaDB, PostgreSQL, Redis, SQLite,
#                      nginx, curl, procps...: real databases (~1 GB)
#
# Idempotent: an image that exists is kept (and labelled if it lacks the
# label). Every image carries dev.berth.test-image=1 so it can be told apart
# from a user's images. Parallel callers serialize on a lock file, so an image
# is built once. A new machine needs a few minutes (debootstrap, then apt).
#
# Usage: scripts/test-images.sh [busybox|debian|services|all]   (default all)
# Env:   BERTH_TEST_IMAGES_LOCK   lock file (default $TMPDIR/berth-test-images.lock)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
label=dev.berth.test-image
want=${1:-all}

case $want in
  busybox) images=(local/busybox:1) ;;
  debian) images=(local/debian:12) ;;
  services) images=(local/services:1) ;;
  all) images=(local/busybox:1 local/debian:12 local/services:1) ;;
  *)
    echo "usage: test-images.sh [busybox|debian|services|all]" >&2
    exit 2
    ;;
esac

say() { echo "test-images: $*" >&2; }
have() { docker image inspect "$1" >/dev/null 2>&1; }
labelled() {
  [ "$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$1" 2>/dev/null || true)" = 1 ]
}
all_ready() {
  local img
  for img in "${images[@]}"; do labelled "$img" || return 1; done
}

"$here/docker-engine.sh"

# Fast path, without the lock: everything wanted is already there.
if all_ready; then
  say "kept ${images[*]}"
  exit 0
fi

lock=${BERTH_TEST_IMAGES_LOCK:-${TMPDIR:-/tmp}/berth-test-images.lock}
exec 9>"$lock"
if ! flock -n 9; then
  say "another build holds $lock; waiting for it"
  flock 9
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Install a Debian package only when it is missing, and only as root: a
# developer's own machine is not ours to change.
need_pkg() {
  local pkg=$1
  dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed' && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "building needs the Debian package $pkg: install it (sudo apt-get install $pkg) and rerun"
    exit 1
  fi
  say "installing $pkg"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$pkg" >/dev/null
}

# Runs a build quietly but shows its end when it fails.
quiet() {
  local out=$work/step.log
  if ! "$@" >"$out" 2>&1; then
    say "failed: $*"
    tail -n 30 "$out" >&2
    exit 1
  fi
}

# Adds the label to an image built elsewhere (e.g. by an older script): a
# FROM-only build costs no layer and no time, a rebuild would cost minutes.
relabel() {
  printf 'FROM %s\n' "$1" | quiet env DOCKER_BUILDKIT=0 docker build -q --label "$label=1" -t "$1" -
  say "kept $1 (added label $label=1)"
}

# Prints how the image was obtained; returns 1 when it must be built.
ready() {
  if labelled "$1"; then
    say "kept $1"
  elif have "$1"; then
    relabel "$1"
  else
    return 1
  fi
}

build_busybox() {
  ready local/busybox:1 && return 0
  local t0=$SECONDS
  # the static build: a dynamically linked busybox cannot run FROM scratch
  need_pkg busybox-static
  mkdir -p "$work/bb"
  cp /bin/busybox "$work/bb/busybox"
  cat >"$work/bb/Dockerfile" <<EOD
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/mkdir", "-p", "/tmp", "/www", "/etc"]
LABEL $label=1
CMD ["/bin/sh"]
EOD
  quiet env DOCKER_BUILDKIT=0 docker build -q -t local/busybox:1 "$work/bb"
  say "built local/busybox:1 in $((SECONDS - t0))s"
}

build_debian() {
  ready local/debian:12 && return 0
  local t0=$SECONDS
  need_pkg debootstrap
  quiet debootstrap --variant=minbase bookworm "$work/root" http://deb.debian.org/debian
  tar -C "$work/root" -c . |
    docker import -c 'CMD ["/bin/bash"]' -c "LABEL $label=1" - local/debian:12 >/dev/null
  rm -rf "$work/root"
  say "built local/debian:12 in $((SECONDS - t0))s"
}

build_services() {
  ready local/services:1 && return 0
  labelled local/debian:12 || build_debian
  local t0=$SECONDS
  mkdir -p "$work/svc"
  cat >"$work/svc/Dockerfile" <<EOD
FROM local/debian:12
RUN apt-get update -qq \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\
      mariadb-server mariadb-client postgresql redis-server sqlite3 nginx \\
      curl ca-certificates procps iproute2 netcat-openbsd \\
 && rm -rf /var/lib/apt/lists/* \\
 && mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
LABEL $label=1
EOD
  quiet env DOCKER_BUILDKIT=0 docker build -q -t local/services:1 "$work/svc"
  say "built local/services:1 in $((SECONDS - t0))s"
}

case $want in
  busybox) build_busybox ;;
  debian) build_debian ;;
  services) build_services ;;
  all)
    build_busybox
    build_debian
    build_services
    ;;
esac
