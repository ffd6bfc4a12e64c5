#!/usr/bin/env bash
# A three-node Docker Swarm on this machine, for the swarm tests: a manager (node 1) and two workers,
# each dockerd in its own network namespace (swarm1..swarm3) and its own UTS namespace (host name
# swarm1..swarm3, or Swarm would name every node after this machine), with its own data root. The
# nodes' veths meet on a bridge inside a fourth namespace (swarmnet), so the cluster's traffic
# (raft on 2377, gossip on 7946, VXLAN on 4789) stays between them: no namespace has a route out.
# Same engine packages and approach as scripts/test-bed.sh (read it first).
#
#   scripts/swarm-bed.sh up           start what is not running, init / join the swarm, load images
#   scripts/swarm-bed.sh env          exports: DOCKER_HOST = the manager, OPSDECK_SWARM_NODES
#   scripts/swarm-bed.sh down         stop the engines, delete the namespaces and the swarm state
#   scripts/swarm-bed.sh kill-node N  stop node N's dockerd (its containers stop with it)
#   scripts/swarm-bed.sh start-node N start node N's dockerd again (it rejoins with its old identity)
#   scripts/swarm-bed.sh check        fail when any of the namespaces has a route out
#
# OPSDECK_SWARM_PREFIX (default "swarm", lower-case letters, at most 8) names everything the cluster
# holds on this machine, so that two test runs can each have a cluster: namespaces ${P}1..${P}3 and
# ${P}net, run dirs /run/opsdeck-bed/${P}N, data .cache/bed/engines/${P}N, logs .cache/bed/${P}N.log,
# containerd namespaces opsdeck-${P}N. Not the host names: every node keeps swarm1..swarm3, which is
# what Swarm calls it and what the tests and examples/swarm/stack.yml refer to. They cannot clash, as
# each dockerd runs in a UTS namespace of its own and each cluster is a swarm of its own. Nor the
# bridge, the veths, the subnet and the overlay pool: they live inside ${P}net and the nodes'
# namespaces, which share nothing with another cluster's.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache
BIN=$CACHE/bed/bin
P=${OPSDECK_SWARM_PREFIX:-swarm}
[[ $P =~ ^[a-z]{1,8}$ ]] || { printf '[swarm-bed] ERROR: OPSDECK_SWARM_PREFIX must be 1 to 8 lower-case letters: %s\n' "$P" >&2; exit 1; }
NET=${P}net
BRIDGE=swbr0
SUBNET=10.231.0
# Overlay networks get their subnets from here: outside the bed's 172.16/12 and 192.168/16 and
# outside this bridge's 10.231.0.0/24.
POOL=10.232.0.0/16
NODES=(1 2 3)
START_TIMEOUT=${DOCKER_START_TIMEOUT:-120}

log() { printf '[%s-bed] %s\n' "$P" "$*" >&2; }
die() { printf '[%s-bed] ERROR: %s\n' "$P" "$*" >&2; exit 1; }
# shellcheck source=scripts/lib-engine.sh
source "$ROOT/scripts/lib-engine.sh"

run_dir() { echo "/run/opsdeck-bed/$P$1"; }
sock() { echo "$(run_dir "$1")/docker.sock"; }
addr() { echo "$SUBNET.$((10 + $1))"; }
dk() { local n=$1; shift; DOCKER_HOST=unix://$(sock "$n") "$BIN/docker" "$@"; }
engine_ok() { dk "$1" info >/dev/null 2>&1; }

print_env() {
  cat <<EOF
export DOCKER_HOST=unix://$(sock 1)
export PATH=$BIN:\${PATH#$BIN:}
export DOCKER_CONFIG=$CACHE/bed/docker-config
export OPSDECK_SWARM_BED=1
export OPSDECK_SWARM_PREFIX=$P
export OPSDECK_SWARM_NODES=unix://$(sock 1),unix://$(sock 2),unix://$(sock 3)
EOF
}

ensure_bridge_ns() {
  [[ -e /var/run/netns/$NET ]] || ip netns add "$NET"
  ip -n "$NET" link set lo up
  ip -n "$NET" link show "$BRIDGE" >/dev/null 2>&1 || ip -n "$NET" link add "$BRIDGE" type bridge
  ip -n "$NET" link set "$BRIDGE" up
}

fresh_node_ns() { # N: a node namespace with one veth onto the bridge, no route but its subnet
  local n=$1 ns=$P$1
  [[ -e /var/run/netns/$ns ]] && ip netns del "$ns"
  ip -n "$NET" link del "swv$n" 2>/dev/null || true
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "$NET" link add "swv$n" type veth peer name eth0 netns "$ns"
  ip -n "$NET" link set "swv$n" master "$BRIDGE" up
  ip -n "$ns" addr add "$(addr "$n")/24" dev eth0
  ip -n "$ns" link set eth0 up
}

check_isolated() {
  local ns routes
  for ns in "$NET" "${P}1" "${P}2" "${P}3"; do
    [[ -e /var/run/netns/$ns ]] || continue
    ! ip -n "$ns" route show default | grep -q . || die "namespace $ns has a default route"
    routes=$( { ip -n "$ns" -4 route show; ip -n "$ns" -6 route show; } \
      | grep -Ev "^($SUBNET\.0/24 dev eth0|(172\.(1[6-9]|2[0-9]|3[01])\.|192\.168\.|10\.)[0-9./]+ dev (docker0|docker_gwbridge|br-[0-9a-f]+) )" \
      | grep -Ev '^(fe80::|::1 )' || true)
    [[ -z $routes ]] || die "namespace $ns has routes that are not its own: $routes"
  done
}

start_node() { # N
  local n=$1 run data
  engine_ok "$n" && return 0
  run=$(run_dir "$n")
  data=$CACHE/bed/engines/$P$n
  mkdir -p "$run" "$data"
  engine_clear_stale "$run" "$P$n"
  if [[ ! -s $run/docker.pid ]]; then
    # A namespace left by an engine that died still holds its bridges and iptables rules.
    fresh_node_ns "$n"
    log "starting dockerd $P$n at $(addr "$n") (log: .cache/bed/$P$n.log)"
    # unshare --uts: a host name of its own, which Swarm takes as the node's name.
    engine_launch "$P$n" "$CACHE/bed/$P$n.log" unshare --uts env PATH="$BIN:$PATH" \
      sh -c 'hostname "$1"; shift; exec "$@"' sh "swarm$n" "$BIN/dockerd" \
      --data-root "$data" --exec-root "$run/exec" --pidfile "$run/docker.pid" -H "unix://$(sock "$n")" \
      --containerd-namespace "opsdeck-$P$n" --containerd-plugins-namespace "opsdeck-$P$n-plugins"
  fi
  engine_wait "$START_TIMEOUT" "$CACHE/bed/$P$n.log" "dockerd $P$n did not answer" engine_ok "$n"
}

stop_node() { engine_stop "$(run_dir "$1")" 300; } # N

swarm_state() { dk "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown; }

form_swarm() {
  if [[ $(swarm_state 1) != active ]]; then
    log "swarm init on swarm1 (overlay pool $POOL)"
    dk 1 swarm init --advertise-addr "$(addr 1)" --listen-addr "$(addr 1):2377" \
      --default-addr-pool "$POOL" --default-addr-pool-mask-length 24 --dispatcher-heartbeat 1s >/dev/null
  fi
  local token n
  token=$(dk 1 swarm join-token -q worker)
  for n in 2 3; do
    [[ $(swarm_state "$n") == active ]] && continue
    log "swarm$n joins"
    dk "$n" swarm join --advertise-addr "$(addr "$n")" --listen-addr "$(addr "$n"):2377" --token "$token" "$(addr 1):2377" >/dev/null
  done
  local deadline=$((SECONDS + START_TIMEOUT))
  until [[ $(dk 1 node ls --format '{{.Status}}' | grep -c '^Ready$') == 3 ]]; do
    ((SECONDS < deadline)) || die "the three nodes are not Ready: $(dk 1 node ls)"
    sleep 0.5
  done
  # examples/swarm/stack.yml pins the database to the node with this label: a worker, so that the
  # manager and the database's node are two different refusals.
  dk 1 node update --label-add opsdeck.db=true swarm2 >/dev/null
}

copy_images() { # the default bed's opsdeck/* images onto the nodes that lack them: saved once, loaded in parallel
  local from=unix:///run/opsdeck-bed/opsdeck/docker.sock imgs want n tar pids=() lacking=()
  mapfile -t imgs < <(DOCKER_HOST=$from "$BIN/docker" images --filter label=opsdeck.source-hash --format '{{.Repository}}:{{.Tag}}' | grep -v '<none>' || true)
  ((${#imgs[@]})) || die "the default bed has no images yet: run scripts/setup-env.sh first"
  want=$(printf '%s\n' "${imgs[@]}" | sort)
  for n in "${NODES[@]}"; do
    [[ -z $(comm -23 <(echo "$want") <(dk "$n" images --format '{{.Repository}}:{{.Tag}}' | sort)) ]] || lacking+=("$n")
  done
  ((${#lacking[@]})) || return 0
  tar=$(run_dir 1)/images.tar
  log "copying ${#imgs[@]} images onto node(s) ${lacking[*]}"
  DOCKER_HOST=$from "$BIN/docker" save -o "$tar" "${imgs[@]}"
  for n in "${lacking[@]}"; do dk "$n" load -q -i "$tar" >/dev/null & pids+=($!); done
  local rc=0 p
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  rm -f "$tar"
  ((rc == 0)) || die "loading the images failed"
}

node_arg() { [[ ${1:-} =~ ^[123]$ ]] || die "node must be 1, 2 or 3: ${1:-}"; echo "$1"; }

mkdir -p "$CACHE/bed"
[[ -x $BIN/dockerd ]] || bash "$ROOT/scripts/test-bed.sh" packages
case ${1:-up} in
  up)
    exec 8>"$CACHE/bed/$P.lock"
    flock 8
    ensure_bridge_ns
    for n in "${NODES[@]}"; do start_node "$n"; done
    check_isolated
    form_swarm
    copy_images
    log "swarm ready: $(dk 1 node ls --format '{{.Hostname}}/{{.ManagerStatus}}/{{.Status}}' | tr '\n' ' ')"
    ;;
  env) print_env ;;
  check) check_isolated; log "no route leads out of $NET or ${P}1..3" ;;
  kill-node) stop_node "$(node_arg "${2:-}")" ;;
  start-node)
    n=$(node_arg "${2:-}")
    ensure_bridge_ns
    start_node "$n"
    ;;
  down)
    for n in 3 2 1; do
      # Leave nothing for the next cluster: task containers, their volumes, the swarm state.
      if engine_ok "$n"; then
        dk "$n" swarm leave --force >/dev/null 2>&1 || true
        mapfile -t ids < <(dk "$n" ps -aq)
        ((${#ids[@]} == 0)) || dk "$n" rm -f "${ids[@]}" >/dev/null 2>&1 || true
        dk "$n" volume prune -af >/dev/null 2>&1 || true
      fi
      stop_node "$n"
    done
    for n in "${NODES[@]}"; do
      [[ -e /var/run/netns/$P$n ]] && ip netns del "$P$n"
      # The swarm's identity and raft log: the next `up` forms a new cluster (images stay).
      rm -rf "$CACHE/bed/engines/$P$n/swarm"
    done
    [[ -e /var/run/netns/$NET ]] && ip netns del "$NET"
    true
    ;;
  *) die "unknown command: ${1:-} (up | env | down | kill-node N | start-node N | check)" ;;
esac
