#!/usr/bin/env bash
# Two (or more) Docker Engines reached over TCP with TLS, for the multi-host tests: each dockerd in a
# network namespace of its own, listening on tcp://<its address>:2376 with --tlsverify (client
# certificates required), and reached from the machine through a veth pair into that namespace. The
# namespace has the veth's /30 and Docker's own bridges, no default route: no traffic leaves the machine.
# Same engine packages and images as scripts/test-bed.sh (read it first).
#
#   scripts/tls-engines.sh up        make the certificates (cached), start what is not running
#   scripts/tls-engines.sh env       exports: OPSDECK_TLS_ENGINES="name=tcp://addr:2376 …", OPSDECK_TLS_DIR
#   scripts/tls-engines.sh stop N    kill engine N's dockerd (its address stays: connections are refused)
#   scripts/tls-engines.sh start N   start engine N's dockerd again
#   scripts/tls-engines.sh freeze N  SIGSTOP engine N's dockerd: connections are accepted, nothing answers
#   scripts/tls-engines.sh thaw N    SIGCONT it
#   scripts/tls-engines.sh down      stop the engines, delete their namespaces and veths
#   scripts/tls-engines.sh check     fail when a namespace has a route other than its veth's and bridges'
#
# OPSDECK_TLS_ENGINES_NAMES (default "tlsa tlsb") names the engines: namespaces, run dirs
# /run/opsdeck-bed/NAME, data .cache/bed/engines/NAME, logs .cache/bed/NAME.log. Engine k (from 1)
# is 10.233.k.2, the machine's end of its veth 10.233.k.1 (OPSDECK_TLS_SUBNET changes 10.233).
# Certificates, under .cache/tls-engines/: ca/ (the CA), NAME/server-*.pem, client/{ca,cert,key}.pem
# (what a stack's docker.tls.certDir points at), and foreign/ (a client signed by another CA, which
# the engines refuse). Images: OPSDECK_TLS_IMAGES (default opsdeck/base:trixie) from the default bed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache
BIN=$CACHE/bed/bin
TLS=$CACHE/tls-engines
read -r -a NAMES <<<"${OPSDECK_TLS_ENGINES_NAMES:-tlsa tlsb}"
SUBNET=${OPSDECK_TLS_SUBNET:-10.233}
read -r -a IMAGES <<<"${OPSDECK_TLS_IMAGES:-opsdeck/base:trixie}"
START_TIMEOUT=${DOCKER_START_TIMEOUT:-90}

log() { printf '[tls-engines] %s\n' "$*" >&2; }
die() { printf '[tls-engines] ERROR: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/lib-engine.sh
source "$ROOT/scripts/lib-engine.sh"

for n in "${NAMES[@]}"; do [[ $n =~ ^[a-z][a-z0-9-]{0,10}$ ]] || die "engine name must be lower-case letters, digits and '-' (max 11): $n"; done
[[ $SUBNET =~ ^[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "OPSDECK_TLS_SUBNET must be two octets like 10.233: $SUBNET"

index_of() { local i; for i in "${!NAMES[@]}"; do [[ ${NAMES[$i]} == "$1" ]] && { echo $((i + 1)); return; }; done; die "no engine named $1 (engines: ${NAMES[*]})"; }
addr() { echo "$SUBNET.$(index_of "$1").2"; }
host_addr() { echo "$SUBNET.$(index_of "$1").1"; }
run_dir() { echo "/run/opsdeck-bed/$1"; }
sock() { echo "$(run_dir "$1")/docker.sock"; }
veth() { echo "tv-$1"; }
dk() { local n=$1; shift; DOCKER_HOST=unix://$(sock "$n") "$BIN/docker" "$@"; }

# Over TCP with the client certificate: the engine is up exactly when a TLS client can use it.
tls_ok() {
  DOCKER_HOST=tcp://$(addr "$1"):2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TLS/client DOCKER_CONFIG=$CACHE/bed/docker-config \
    timeout 10 "$BIN/docker" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# --- certificates: a CA, a server certificate per engine (its address as IP SAN), a client ---------
make_cert() { # DIR NAME SUBJECT EXT CA_DIR
  local dir=$1 name=$2 subj=$3 ext=$4 ca=$5
  openssl genrsa -out "$dir/$name-key.pem" 2048 2>/dev/null
  openssl req -new -key "$dir/$name-key.pem" -subj "$subj" -out "$dir/$name.csr"
  printf '%s\n' "$ext" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca-key.pem" -CAcreateserial -days 3650 -sha256 \
    -extfile "$dir/$name.ext" -out "$dir/$name-cert.pem" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
  chmod 600 "$dir/$name-key.pem"
}

make_ca() { # DIR CN
  mkdir -p "$1"
  openssl genrsa -out "$1/ca-key.pem" 4096 2>/dev/null
  openssl req -new -x509 -days 3650 -sha256 -key "$1/ca-key.pem" -subj "/CN=$2" -out "$1/ca.pem"
  chmod 600 "$1/ca-key.pem"
}

ensure_certs() {
  mkdir -p "$TLS"
  chmod 700 "$TLS"
  if [[ ! -s $TLS/ca/ca.pem ]]; then
    log "making a CA and a client certificate (.cache/tls-engines)"
    make_ca "$TLS/ca" "Opsdeck test engines CA"
    mkdir -p "$TLS/client"
    make_cert "$TLS/client" client "/CN=opsdeck" "extendedKeyUsage = clientAuth" "$TLS/ca"
  fi
  # What DOCKER_CERT_PATH and docker.tls.certDir expect: ca.pem, cert.pem, key.pem in one directory.
  cp "$TLS/ca/ca.pem" "$TLS/client/ca.pem"
  cp "$TLS/client/client-cert.pem" "$TLS/client/cert.pem"
  cp "$TLS/client/client-key.pem" "$TLS/client/key.pem"
  chmod 600 "$TLS/client/key.pem"
  if [[ ! -s $TLS/foreign/cert.pem ]]; then
    log "making a client certificate of another CA (the engines refuse it)"
    make_ca "$TLS/foreign-ca" "Not the engines' CA"
    mkdir -p "$TLS/foreign"
    make_cert "$TLS/foreign" client "/CN=stranger" "extendedKeyUsage = clientAuth" "$TLS/foreign-ca"
    cp "$TLS/ca/ca.pem" "$TLS/foreign/ca.pem"
    mv "$TLS/foreign/client-cert.pem" "$TLS/foreign/cert.pem"
    mv "$TLS/foreign/client-key.pem" "$TLS/foreign/key.pem"
  fi
  local n a
  for n in "${NAMES[@]}"; do
    a=$(addr "$n")
    # Made again when the engine's address changed (another index or subnet).
    if [[ ! -s $TLS/$n/server-cert.pem || $(cat "$TLS/$n/address" 2>/dev/null) != "$a" ]]; then
      mkdir -p "$TLS/$n"
      make_cert "$TLS/$n" server "/CN=$n" "subjectAltName = IP:$a
extendedKeyUsage = serverAuth" "$TLS/ca"
      echo "$a" >"$TLS/$n/address"
    fi
  done
}

# --- namespaces ---------------------------------------------------------------------------------
fresh_ns() { # NAME: a namespace with one veth to the machine, no route but the veth's /30
  local n=$1 v
  v=$(veth "$n")
  [[ -e /var/run/netns/$n ]] && ip netns del "$n"
  ip link del "$v" 2>/dev/null || true
  ip netns add "$n"
  ip -n "$n" link set lo up
  ip link add "$v" type veth peer name eth0 netns "$n"
  ip addr add "$(host_addr "$n")/30" dev "$v"
  ip link set "$v" up
  ip -n "$n" addr add "$(addr "$n")/30" dev eth0
  ip -n "$n" link set eth0 up
}

check_isolated() {
  local n routes
  for n in "${NAMES[@]}"; do
    [[ -e /var/run/netns/$n ]] || continue
    ! ip -n "$n" route show default | grep -q . || die "namespace $n has a default route"
    routes=$( { ip -n "$n" -4 route show; ip -n "$n" -6 route show; } \
      | grep -Ev "^($SUBNET\.$(index_of "$n")\.0/30 dev eth0 |(172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.|10\.)[0-9./]+ dev (docker0|br-[0-9a-f]+) )" \
      | grep -Ev '^(fe80::|::1 )' || true)
    [[ -z $routes ]] || die "namespace $n has routes that are not its own: $routes"
  done
}

start_engine() { # NAME
  local n=$1 run data
  run=$(run_dir "$n")
  data=$CACHE/bed/engines/$n
  mkdir -p "$run" "$data"
  engine_clear_stale "$run" "$n"
  if [[ ! -s $run/docker.pid ]]; then
    # Keep the namespace (and its veth) when it is ours; a left-over one may hold a dead engine's bridges.
    if [[ ! -e /var/run/netns/$n ]] || ! ip link show "$(veth "$n")" >/dev/null 2>&1 || [[ ${FRESH:-0} == 1 ]]; then fresh_ns "$n"; fi
    log "starting dockerd $n on tcp://$(addr "$n"):2376 with --tlsverify (log: .cache/bed/$n.log)"
    engine_launch "$n" "$CACHE/bed/$n.log" env PATH="$BIN:$PATH" "$BIN/dockerd" \
      --data-root "$data" --exec-root "$run/exec" --pidfile "$run/docker.pid" \
      -H "unix://$(sock "$n")" -H "tcp://$(addr "$n"):2376" \
      --tlsverify --tlscacert "$TLS/ca/ca.pem" --tlscert "$TLS/$n/server-cert.pem" --tlskey "$TLS/$n/server-key.pem" \
      --containerd-namespace "opsdeck-$n" --containerd-plugins-namespace "opsdeck-$n-plugins"
  fi
  engine_wait "$START_TIMEOUT" "$CACHE/bed/$n.log" "dockerd $n did not answer over TLS" tls_ok "$n"
}

stop_engine() { engine_stop "$(run_dir "$1")" 150; } # NAME

copy_images() { # the default bed's images this set needs, onto the engines that lack them
  local from=unix:///run/opsdeck-bed/opsdeck/docker.sock n tar lacking=()
  for n in "${NAMES[@]}"; do
    for img in "${IMAGES[@]}"; do dk "$n" image inspect "$img" >/dev/null 2>&1 || { lacking+=("$n"); break; }; done
  done
  ((${#lacking[@]})) || return 0
  tar=$(run_dir "${lacking[0]}")/images.tar
  log "copying ${IMAGES[*]} onto ${lacking[*]}"
  DOCKER_HOST=$from "$BIN/docker" save -o "$tar" "${IMAGES[@]}"
  for n in "${lacking[@]}"; do dk "$n" load -q -i "$tar" >/dev/null; done
  rm -f "$tar"
}

print_env() {
  local n list=()
  for n in "${NAMES[@]}"; do list+=("$n=tcp://$(addr "$n"):2376"); done
  cat <<EOF
export OPSDECK_TLS_ENGINES="${list[*]}"
export OPSDECK_TLS_DIR=$TLS
EOF
}

mkdir -p "$CACHE/bed"
[[ -x $BIN/dockerd ]] || bash "$ROOT/scripts/test-bed.sh" packages
case ${1:-up} in
  up)
    exec 8>"$CACHE/bed/tls-engines.lock"
    flock 8
    ensure_certs
    for n in "${NAMES[@]}"; do start_engine "$n"; done
    check_isolated
    copy_images
    log "engines ready: $(for n in "${NAMES[@]}"; do printf '%s=tcp://%s:2376 ' "$n" "$(addr "$n")"; done)"
    ;;
  env) print_env ;;
  check) check_isolated; log "no route leads out of ${NAMES[*]}" ;;
  stop) stop_engine "${2:?engine name}" ;;
  freeze | thaw)
    index_of "${2:?engine name}" >/dev/null
    pid=$(cat "$(run_dir "$2")/docker.pid" 2>/dev/null || true)
    proc_is "$pid" dockerd || die "dockerd $2 is not running"
    kill "-$([[ $1 == freeze ]] && echo STOP || echo CONT)" "$pid"
    ;;
  start)
    index_of "${2:?engine name}" >/dev/null
    ensure_certs
    start_engine "$2"
    ;;
  down)
    for n in "${NAMES[@]}"; do
      if [[ -S $(sock "$n") ]] && dk "$n" info >/dev/null 2>&1; then
        mapfile -t ids < <(dk "$n" ps -aq)
        ((${#ids[@]} == 0)) || dk "$n" rm -f "${ids[@]}" >/dev/null 2>&1 || true
      fi
      stop_engine "$n"
      [[ -e /var/run/netns/$n ]] && ip netns del "$n"
      ip link del "$(veth "$n")" 2>/dev/null || true
    done
    true
    ;;
  *) die "unknown command: ${1:-} (up | env | stop N | start N | freeze N | thaw N | down | check)" ;;
esac
