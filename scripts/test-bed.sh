#!/usr/bin/env bash
# The engines Opsdeck is tested on: Docker 26 + compose v2 (Debian trixie's docker.io, docker-cli,
# docker-compose, containerd; bookworm's runc and iptables), each dockerd in a network namespace of
# its own, so bridges, compose networks, published ports and iptables NAT work without touching
# the machine's own network, and no container traffic can leave (the namespace has no route out).
#
#   scripts/test-bed.sh up [NAME]      fetch the packages (cached), create namespace NAME (default
#                                      "opsdeck"), start its dockerd and a registry on 127.0.0.1:5000
#                                      inside it; other beds get the default bed's opsdeck/* images
#   scripts/test-bed.sh env [NAME]     print the exports that point docker, compose and Opsdeck at it
#   scripts/test-bed.sh down [NAME]    stop the engine and the registry, delete the namespace
#   scripts/test-bed.sh check [NAME]   fail when the namespace has any route (it must have none)
#   scripts/test-bed.sh packages       only fetch and unpack the packages
#
# Opsdeck, Vitest and Playwright run on the machine's own network and reach the engine through its
# unix socket (a file, visible from every namespace), as Opsdeck reaches a remote engine.
# Why `nsenter --net` and not `ip netns exec`: the latter remounts /sys, which hides the cgroup
# mounts, and dockerd then refuses to start ("Devices cgroup isn't mounted").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache
TRIXIE=$CACHE/trixie
BIN=$CACHE/bed/bin
DOCKER_CONFIG_DIR=$CACHE/bed/docker-config
PACKAGES=(docker.io docker-cli docker-compose containerd tini docker-registry)
# bookworm's own: runc and tini of trixie need glibc 2.38 (tini-static does not), iptables for NAT.
HOST_PACKAGES=(runc:runc iptables:iptables ip:iproute2 nsenter:util-linux docker-compose:docker-compose)
START_TIMEOUT=${DOCKER_START_TIMEOUT:-90}

log() { printf '[test-bed] %s\n' "$*" >&2; }
die() { printf '[test-bed] ERROR: %s\n' "$*" >&2; exit 1; }

CMD=${1:-up}
NAME=${2:-opsdeck}
[[ $NAME =~ ^[a-z][a-z0-9-]{0,14}$ ]] || die "bed name must be lower-case letters, digits and '-' (max 15): $NAME"
RUN=/run/opsdeck-bed/$NAME
DATA=$CACHE/bed/engines/$NAME
SOCK=$RUN/docker.sock
NETNS=/var/run/netns/$NAME

apt_opts() {
  printf '%s\n' -o "Dir::Etc::SourceList=$TRIXIE/etc/sources.list" -o "Dir::Etc::SourceParts=$TRIXIE/etc/empty.d" \
    -o "Dir::State::Lists=$TRIXIE/lists" -o "Dir::Cache::archives=$TRIXIE/archives" \
    -o Dir::Etc::Preferences=/nonexistent -o "Dir::Etc::PreferencesParts=$TRIXIE/etc/empty.d" \
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root
}

ensure_host_packages() {
  local missing=() pair
  for pair in "${HOST_PACKAGES[@]}"; do
    [[ ${pair%%:*} == docker-compose ]] && { [[ -x /usr/bin/docker-compose ]] || missing+=(docker-compose); continue; }
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing Debian packages: ${missing[*]}"
  env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # No recommends: docker-compose (v1) recommends bookworm's docker.io, which we do not want.
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_packages() {
  local stamp=$TRIXIE/unpacked-${#PACKAGES[@]}-$(printf '%s\n' "${PACKAGES[@]}" | sha256sum | cut -c1-12)
  if [[ ! -f $stamp || ! -x $BIN/dockerd ]]; then
    log "fetching ${PACKAGES[*]} from Debian trixie (apt-get download, cached in .cache/trixie)"
    mkdir -p "$TRIXIE/etc/empty.d" "$TRIXIE/lists/partial" "$TRIXIE/archives/partial"
    local mirror
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror:-http://deb.debian.org/debian} trixie main" >"$TRIXIE/etc/sources.list"
    local -a opts
    mapfile -t opts < <(apt_opts)
    apt-get "${opts[@]}" update -qq
    (cd "$TRIXIE/archives" && apt-get "${opts[@]}" download "${PACKAGES[@]}" >/dev/null)
    rm -rf "$TRIXIE/root" && mkdir -p "$TRIXIE/root"
    local p deb
    for p in "${PACKAGES[@]}"; do
      deb=$(ls -t "$TRIXIE/archives/${p}_"*.deb | head -1)
      dpkg-deb -x "$deb" "$TRIXIE/root"
    done
    rm -f "$TRIXIE"/unpacked-* && touch "$stamp"
  fi
  # Only these names: trixie's docker-compose is a link to the v2 plugin, and `docker-compose`
  # must stay v1 (bookworm's) for the v1 pass of the tests.
  mkdir -p "$BIN" "$DOCKER_CONFIG_DIR/cli-plugins"
  local b src
  for b in docker dockerd docker-proxy containerd containerd-shim-runc-v2 ctr docker-init docker-registry; do
    src=$TRIXIE/root/usr/bin/$b
    [[ -e $src ]] || src=$TRIXIE/root/usr/sbin/$b
    [[ -e $src ]] || die "$b missing from the unpacked packages"
    ln -sfn "$src" "$BIN/$b"
  done
  ln -sfn "$TRIXIE/root/usr/libexec/docker/cli-plugins/docker-compose" "$DOCKER_CONFIG_DIR/cli-plugins/docker-compose"
  [[ -f $DOCKER_CONFIG_DIR/config.json ]] || echo '{}' >"$DOCKER_CONFIG_DIR/config.json"
}

print_env() {
  cat <<EOF
export DOCKER_HOST=unix://$SOCK
export PATH=$BIN:\${PATH#$BIN:}
export DOCKER_CONFIG=$DOCKER_CONFIG_DIR
export OPSDECK_TEST_BED=$NAME
export OPSDECK_TEST_REGISTRY=127.0.0.1:5000
EOF
}

proc_is() { # PID NAME
  [[ $1 =~ ^[0-9]+$ && -r /proc/$1/stat ]] || return 1
  local stat
  stat=$(<"/proc/$1/stat") 2>/dev/null || return 1
  [[ $stat =~ ^[0-9]+\ \((.*)\)\ ([A-Za-z]) ]] || return 1
  [[ ${BASH_REMATCH[1]} == "$2" && ${BASH_REMATCH[2]} != [ZX] ]]
}

engine_ok() { DOCKER_HOST=unix://$SOCK "$BIN/docker" info >/dev/null 2>&1; }

ensure_netns() {
  if [[ ! -e $NETNS ]]; then
    ip netns add "$NAME"
  fi
  ip -n "$NAME" link set lo up
  check_isolated
}

fresh_netns() {
  local pidf=$RUN/registry.pid
  if [[ -s $pidf ]] && proc_is "$(<"$pidf")" docker-registry; then kill "$(<"$pidf")" 2>/dev/null || true; fi
  rm -f "$pidf"
  [[ -e $NETNS ]] && ip netns del "$NAME"
  ip netns add "$NAME"
  ip -n "$NAME" link set lo up
}

check_isolated() {
  # Only the loopback interface may exist, and no route but the local table's. A veth, a default
  # route or a route to any address would let container traffic leave the namespace.
  local links routes
  links=$(ip -n "$NAME" -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -Ev '^(lo|docker0|docker_gwbridge|br-[0-9a-f]+|veth[0-9a-f]+|vx-.*|ov-.*)$' || true)
  [[ -z $links ]] || die "namespace $NAME has interfaces leading out of it: $links"
  routes=$( { ip -n "$NAME" -4 route show; ip -n "$NAME" -6 route show; } | grep -Ev '^(172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.|10\.)[0-9./]+ dev (docker0|docker_gwbridge|br-[0-9a-f]+) ' \
    | grep -Ev '^(fe80::|::1 )' || true)
  [[ -z $routes ]] || die "namespace $NAME has routes that are not its own bridges': $routes"
  ! ip -n "$NAME" route show default | grep -q . || die "namespace $NAME has a default route"
}

start_engine() {
  engine_ok && return 0
  mkdir -p "$RUN" "$DATA"
  local pid
  if [[ -s $RUN/docker.pid ]]; then
    pid=$(<"$RUN/docker.pid")
    if proc_is "$pid" dockerd; then
      log "dockerd ($NAME, pid $pid) is running but not answering yet; waiting"
    else
      log "removing stale pid file of $NAME (process $pid is gone)"
      rm -f "$RUN/docker.pid"
    fi
  fi
  local cdir=$RUN/exec/containerd
  if [[ -s $cdir/containerd.pid ]] && ! proc_is "$(<"$cdir/containerd.pid")" containerd; then
    rm -f "$cdir/containerd.pid" "$cdir"/containerd.sock*
  fi
  if [[ ! -s $RUN/docker.pid ]]; then
    # No engine: a namespace left by one that died (its session ended) still holds that engine's
    # bridges, veths and iptables rules. Start from an empty namespace instead.
    fresh_netns
    log "starting dockerd $NAME in its network namespace (log: .cache/bed/$NAME.log)"
    # setsid + nohup: the engine outlives this script; 9>&-: it must not inherit a lock fd.
    nsenter --net="$NETNS" setsid nohup env PATH="$BIN:$PATH" "$BIN/dockerd" \
      --data-root "$DATA" --exec-root "$RUN/exec" --pidfile "$RUN/docker.pid" -H "unix://$SOCK" \
      --containerd-namespace "opsdeck-$NAME" --containerd-plugins-namespace "opsdeck-$NAME-plugins" \
      >>"$CACHE/bed/$NAME.log" 2>&1 </dev/null 8>&- 9>&- &
    disown $! 2>/dev/null || true
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until engine_ok; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$CACHE/bed/$NAME.log" >&2 || true
      die "dockerd $NAME did not answer within ${START_TIMEOUT}s"
    fi
    sleep 0.3
  done
  log "engine $NAME ready: docker $(DOCKER_HOST=unix://$SOCK "$BIN/docker" version --format '{{.Server.Version}}')"
}

start_registry() {
  local pidf=$RUN/registry.pid
  if [[ -s $pidf ]] && proc_is "$(<"$pidf")" docker-registry; then return 0; fi
  mkdir -p "$DATA-registry"
  cat >"$RUN/registry.yml" <<EOF
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $DATA-registry }, delete: { enabled: true } }
http: { addr: 127.0.0.1:5000 }
EOF
  nsenter --net="$NETNS" setsid nohup "$BIN/docker-registry" serve "$RUN/registry.yml" \
    >>"$CACHE/bed/$NAME-registry.log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$pidf"
  disown $! 2>/dev/null || true
}

copy_images() { # from the default bed into this one, when this one lacks them
  [[ $NAME == opsdeck || ${OPSDECK_BED_NO_IMAGES:-0} == 1 ]] && return 0
  local from=unix:///run/opsdeck-bed/opsdeck/docker.sock imgs
  mapfile -t imgs < <(DOCKER_HOST=$from "$BIN/docker" images --filter label=opsdeck.source-hash --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>' || true)
  ((${#imgs[@]})) || { log "the default bed has no images yet: run scripts/setup-env.sh first"; return 0; }
  local want have
  want=$(printf '%s\n' "${imgs[@]}" | sort)
  have=$(DOCKER_HOST=unix://$SOCK "$BIN/docker" images --format '{{.Repository}}:{{.Tag}}' | sort)
  [[ -z $(comm -23 <(echo "$want") <(echo "$have")) ]] && return 0
  log "copying ${#imgs[@]} images from the default bed"
  DOCKER_HOST=$from "$BIN/docker" save "${imgs[@]}" | DOCKER_HOST=unix://$SOCK "$BIN/docker" load -q >/dev/null
}

stop_bed() {
  local f pid
  for f in registry docker; do
    [[ -s $RUN/$f.pid ]] || continue
    pid=$(<"$RUN/$f.pid")
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -f "$RUN/$f.pid"
  done
  [[ -e $NETNS ]] && ip netns del "$NAME" || true
}

mkdir -p "$CACHE/bed"
case $CMD in
  packages) ensure_host_packages; ensure_packages ;;
  up)
    exec 8>"$CACHE/bed/$NAME.lock"
    flock 8
    ensure_host_packages
    ensure_packages
    ensure_netns
    start_engine
    start_registry
    copy_images
    ;;
  env) print_env ;;
  check) check_isolated; log "namespace $NAME: no route leads out" ;;
  down) stop_bed ;;
  *) die "unknown command: $CMD (up | env | down | check | packages)" ;;
esac
