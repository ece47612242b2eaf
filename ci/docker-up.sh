#!/usr/bin/env bash
# Brings up a Docker engine with the images the project names, on a Debian machine without any
# image registry: run by .ci/run before the tests, or by hand (as root, or with sudo).
#
#   ci/docker-up.sh            # idempotent: what is already there is reused
#
# 1. installs, when missing: debootstrap; docker.io 26 (trixie's package, which installs on
#    bookworm with bookworm's containerd and runc: bookworm's 20.10 serves Docker API 1.41, and
#    Testcontainers 2 asks for 1.44); the Compose v2 and buildx CLI plugins (the binaries of
#    trixie's docker-compose and docker-buildx: bookworm's compose 1.29 rejects the file's
#    top-level `name:`). Only these come from trixie, through a private apt state.
# 2. starts dockerd when none answers (log: $FLEETROTATE_CI_DIR/dockerd.log; overlay2 when the
#    kernel mounts overlay here, else vfs), waiting at most 60 s;
# 3. builds a Debian base image from debootstrap once per machine (fleetrotate-ci/debian:bookworm);
# 4. builds local stand-ins for the upstream images (ci/images/*/Dockerfile) and tags them with the
#    upstream names, so that deploy/docker/*.Dockerfile, docker-compose.yml and the Testcontainers
#    Redis and PostgreSQL fixtures run unchanged. Users get the upstream images; only CI uses these.
# Each step prints its duration. When the engine cannot start it says why in one line and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

state=${FLEETROTATE_CI_DIR:-/var/lib/fleetrotate-ci}
mirror=${FLEETROTATE_CI_MIRROR:-http://deb.debian.org/debian}
base=fleetrotate-ci/debian:bookworm
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
mkdir -p "$state" 2>/dev/null || { "${sudo_cmd[@]}" mkdir -p "$state"; "${sudo_cmd[@]}" chown "$(id -u)" "$state"; }

step_start=0
step() { step_start=$SECONDS; echo "docker-up: $*"; }
done_step() { echo "docker-up:   done in $((SECONDS - step_start)) s"; }
fail() { echo "docker-up: FAILED: $*" >&2; exit 1; }

# ---- 1. packages -----------------------------------------------------------------------------
step "packages"
packages=()
command -v debootstrap >/dev/null || packages+=(debootstrap)
command -v iptables >/dev/null || packages+=(iptables)
command -v containerd >/dev/null || packages+=(containerd)
command -v runc >/dev/null || packages+=(runc)
command -v docker-init >/dev/null || packages+=(tini)
if [ ${#packages[@]} -gt 0 ]; then
  echo "docker-up:   installing ${packages[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" \
    >>"$state/apt.log" 2>&1 || fail "apt-get install ${packages[*]} failed: $(tail -1 "$state/apt.log")"
fi
apt_dir=$state/apt
trixie_download() { # downloads trixie's packages $@ into $apt_dir/debs, without touching the machine's apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/debs"
  echo "deb $mirror trixie main" >"$apt_dir/trixie.list"
  local apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/trixie.list" -o Dir::Etc::sourceparts=-
                  -o "Dir::State::Lists=$apt_dir/lists" -o APT::Get::List-Cleanup=0)
  ls "$apt_dir"/lists/*_Packages* >/dev/null 2>&1 || apt-get "${apt_opts[@]}" update -qq
  # apt's _apt user cannot write a root-owned directory: the download runs as root, on purpose.
  (cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download "$@" >>"$state/apt.log" 2>&1) \
    || fail "apt-get download $* from trixie failed: $(tail -1 "$state/apt.log")"
}
engine_major() { dockerd --version 2>/dev/null | sed -E 's/^Docker version ([0-9]+)\..*/\1/'; }
if ! command -v dockerd >/dev/null || [ "$(engine_major)" -lt 25 ]; then
  echo "docker-up:   installing docker.io 26 from trixie"
  trixie_download docker.io
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "$(ls "$apt_dir"/debs/docker.io_*.deb | tail -1)" >>"$state/apt.log" 2>&1 \
    || fail "installing trixie's docker.io failed: $(tail -1 "$state/apt.log")"
fi
plugins=/usr/local/lib/docker/cli-plugins
if ! docker compose version >/dev/null 2>&1 || ! docker buildx version >/dev/null 2>&1; then
  echo "docker-up:   fetching docker-compose and docker-buildx from trixie"
  trixie_download docker-compose docker-buildx
  rm -rf "$apt_dir/x" && mkdir -p "$apt_dir/x"
  for deb in "$apt_dir"/debs/docker-compose_*.deb "$apt_dir"/debs/docker-buildx_*.deb; do
    dpkg-deb -x "$deb" "$apt_dir/x"
  done
  "${sudo_cmd[@]}" mkdir -p "$plugins"
  for p in docker-compose docker-buildx; do
    bin=$(find "$apt_dir/x" -type f -name "$p" -perm -u+x | head -1)
    [ -n "$bin" ] || fail "the trixie package has no $p binary"
    "${sudo_cmd[@]}" install -m 0755 "$bin" "$plugins/$p"
  done
fi
docker compose version >/dev/null || fail "docker compose does not run after installing the plugin"
done_step

# ---- 2. the engine -----------------------------------------------------------------------------
step "engine"
if ! timeout 10 docker info >/dev/null 2>&1; then
  driver=${FLEETROTATE_CI_STORAGE_DRIVER:-}
  if [ -z "$driver" ]; then
    probe=$(mktemp -d)
    mkdir -p "$probe"/{l,u,w,m}
    if "${sudo_cmd[@]}" mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" "$probe/m" 2>/dev/null; then
      "${sudo_cmd[@]}" umount "$probe/m"; driver=overlay2
    else
      driver=vfs
    fi
    rm -rf "$probe"
  fi
  log=$state/dockerd.log
  echo "docker-up:   starting dockerd (storage driver $driver, log $log)"
  "${sudo_cmd[@]}" sh -c "setsid nohup dockerd --storage-driver '$driver' >>'$log' 2>&1 </dev/null & echo \$! >'$state/dockerd.pid'"
  deadline=$((SECONDS + 60))
  until timeout 10 docker info >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$state/dockerd.pid")" 2>/dev/null; then
      fail "dockerd exited while starting: $(grep -iE 'level=(fatal|error)|failed' "$log" | tail -1)"
    fi
    [ $SECONDS -lt $deadline ] || fail "dockerd did not answer within 60 s: $(tail -1 "$log")"
    sleep 1
  done
fi
api=$(docker version --format '{{.Server.APIVersion}}')
[ "$(printf '%s\n1.44\n' "$api" | sort -V | head -1)" = 1.44 ] \
  || fail "the running engine serves Docker API $api and Testcontainers 2 needs 1.44 or later; stop it so that this script starts docker.io 26"
echo "docker-up:   $(docker info --format 'engine {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}')"
done_step

# ---- 3. the Debian base image (once per machine) ----------------------------------------------
step "base image $base"
if ! docker image inspect "$base" >/dev/null 2>&1; then
  rootfs=$state/rootfs-bookworm
  "${sudo_cmd[@]}" rm -rf "$rootfs"
  "${sudo_cmd[@]}" debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$state/debootstrap.log" 2>&1 \
    || fail "debootstrap failed: $(tail -1 "$state/debootstrap.log")"
  # apt inside the image builds: no recommends, no docs, a clean cache after each install.
  "${sudo_cmd[@]}" sh -c "printf 'APT::Install-Recommends \"false\";\n' >'$rootfs/etc/apt/apt.conf.d/90fleetrotate-ci'"
  "${sudo_cmd[@]}" tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - "$base" >/dev/null
  "${sudo_cmd[@]}" rm -rf "$rootfs"
else
  echo "docker-up:   reused"
fi
done_step

# ---- 4. stand-ins for the upstream images -----------------------------------------------------
# ci/images/<dir>/Dockerfile, and the upstream names each one is tagged with.
standins=(
  "temurin-jre eclipse-temurin:17.0.13_11-jre-jammy"
  "maven-temurin maven:3.9.9-eclipse-temurin-17"
  "busybox busybox:1.36.1"
  "redis redis:7.2.5 redis:7"
  "postgres postgres:17"
  "prometheus prom/prometheus:v2.53.2"
)
# The machine's CA certificates go into the Maven stand-in, since Maven Central is reached through
# whatever TLS setup this machine has (e.g. an intercepting proxy whose CA only the host trusts).
ca_bundle=${FLEETROTATE_CI_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
ca_dir=ci/images/maven-temurin/host-ca
rm -rf "$ca_dir" && mkdir -p "$ca_dir"
if [ -r "$ca_bundle" ]; then
  awk -v dir="$ca_dir" '/BEGIN CERTIFICATE/ { n++; f = sprintf("%s/host-%03d.crt", dir, n) }
       f != "" { print > f } /END CERTIFICATE/ { close(f); f = "" }' "$ca_bundle"
fi
for entry in "${standins[@]}"; do
  read -r dir first others <<<"$entry"
  step "stand-in $first (ci/images/$dir)"
  tags=(-t "$first")
  for t in $others; do tags+=(-t "$t"); done
  # Docker's own layer cache makes a rebuild on the same machine a few seconds.
  DOCKER_BUILDKIT=1 docker build -q --build-arg "BASE=$base" "${tags[@]}" "ci/images/$dir" >/dev/null \
    || fail "the stand-in image ci/images/$dir did not build"
  done_step
done
echo "docker-up: ready in ${SECONDS} s"
