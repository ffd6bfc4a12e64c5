#!/usr/bin/env bash
# Prepares this machine for running and testing Opsdeck. Idempotent: it only does what is missing.
#
#   scripts/setup-env.sh                  packages, Docker engine, local images (the default)
#   scripts/setup-env.sh --cleanup-tests  remove containers/volumes/networks of compose projects
#                                         named opsdeck-test-* (test command: before and after tests)
#   options: --no-images      packages and Docker engine only
#            --rebuild        rebuild every image (the cached rootfs tarball is reused)
#            --rebuild-rootfs also debootstrap the base rootfs again
#   env:     OPSDECK_SKIP_BROWSER=1 do not install chromium and promtool (only the tests need them)
#
# Why local images: no container registry is reachable from our machines (only Debian's mirrors
# and npm), so every image is built here from a debootstrap'ed Debian (see images/README.md).
# Each image carries a label opsdeck.source-hash (sha256 of its sources and of its parent image);
# an image is rebuilt only when that hash changes, so a second run takes seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=$ROOT/.cache
IMAGES=$ROOT/images
BASE_IMAGE=opsdeck/base:trixie
DOCKER_START_TIMEOUT=${DOCKER_START_TIMEOUT:-90}
# The legacy builder: the docker CLI may be new enough to default to BuildKit without having buildx.
export DOCKER_BUILDKIT=0

T0=$SECONDS
log() { printf '[setup-env] %s\n' "$*"; }
die() { printf '[setup-env] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=()
if [[ $(id -u) != 0 ]]; then
  command -v sudo >/dev/null 2>&1 || die "must run as root (or with sudo available)"
  SUDO=(sudo -n)
fi

# ---------------------------------------------------------------- Debian packages
ensure_packages() {
  local missing=() pair wanted=(debootstrap:debootstrap)
  # The browser is for the e2e tests only; `npm start` (scripts/run.sh) sets OPSDECK_SKIP_BROWSER=1.
  [[ ${OPSDECK_SKIP_BROWSER:-0} == 1 ]] || wanted+=(chromium:chromium)
  for pair in "${wanted[@]}"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  # The tests' "external" database (a server outside Docker, of the host tools' major version).
  [[ ${OPSDECK_SKIP_BROWSER:-0} == 1 || -x /usr/lib/postgresql/15/bin/postgres ]] || missing+=(postgresql-15)
  ((${#missing[@]} == 0)) && return 0
  log "installing Debian packages: ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# promtool checks and unit-tests the example alert rules; only the tests need it. No recommends:
# the prometheus package is here for that tool, not to run a server.
ensure_promtool() {
  [[ ${OPSDECK_SKIP_BROWSER:-0} == 1 ]] && return 0
  command -v promtool >/dev/null 2>&1 && return 0
  log "installing Debian package: prometheus (for promtool)"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
}

# ---------------------------------------------------------------- Docker engine
# A Docker that already answers (DOCKER_HOST or the default socket) is used as it is: on a user's
# machine that is their engine. Otherwise, and always when OPSDECK_ENGINE=bed (the test command),
# the project's own engine is started: Docker 26 + compose v2 in a network namespace of its own
# (scripts/test-bed.sh). Callers that need its environment source `scripts/test-bed.sh env`.
docker_ok() { docker info >/dev/null 2>&1; }

ensure_docker() {
  if [[ ${OPSDECK_ENGINE:-auto} != bed ]] && docker_ok; then return 0; fi
  bash "$ROOT/scripts/test-bed.sh" up "${OPSDECK_TEST_BED:-opsdeck}" 9>&-
  eval "$(bash "$ROOT/scripts/test-bed.sh" env "${OPSDECK_TEST_BED:-opsdeck}")"
  docker_ok || die "the test engine does not answer (log: .cache/bed/${OPSDECK_TEST_BED:-opsdeck}.log)"
}

# ---------------------------------------------------------------- test leftovers
cleanup_tests() {
  local id proj n=0
  local -a ids=()
  while read -r id proj; do
    [[ $proj == opsdeck-test-* ]] && ids+=("$id")
  done < <(docker ps -a --filter label=com.docker.compose.project --format '{{.ID}} {{.Label "com.docker.compose.project"}}')
  if ((${#ids[@]})); then docker rm -f -v "${ids[@]}" >/dev/null; n=${#ids[@]}; fi
  ids=()
  while read -r id proj; do
    [[ $proj == opsdeck-test-* || $id == opsdeck-test-* ]] && ids+=("$id")
  done < <(docker volume ls --format '{{.Name}} {{.Label "com.docker.compose.project"}}')
  ((${#ids[@]})) && docker volume rm -f "${ids[@]}" >/dev/null
  local nv=${#ids[@]}
  ids=()
  while read -r id proj; do
    [[ $proj == opsdeck-test-* ]] && ids+=("$id")
  done < <(docker network ls --format '{{.Name}} {{.Label "com.docker.compose.project"}}')
  ((${#ids[@]})) && docker network rm "${ids[@]}" >/dev/null
  log "test cleanup: removed $n container(s), $nv volume(s), ${#ids[@]} network(s) of opsdeck-test-* projects"
}

# ---------------------------------------------------------------- images
hash_of() { # ARGS: words and files (files are hashed by name and content)
  local a
  for a in "$@"; do
    if [[ -f $a ]]; then printf 'file %s ' "${a#"$ROOT"/}"; sha256sum <"$a"; else printf 'str %s\n' "$a"; fi
  done | sha256sum | cut -d' ' -f1
}
files_in() { find "$@" -type f -not -name '.gitkeep' | LC_ALL=C sort; }
label_of() { docker image inspect -f '{{ index .Config.Labels "opsdeck.source-hash" }}' "$1" 2>/dev/null || true; }
id_of() { docker image inspect -f '{{.Id}}' "$1"; }
up_to_date() { [[ $FORCE_REBUILD == 0 && $(label_of "$1") == "$2" ]]; }

debian_mirror() {
  local uri=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  elif [[ -r /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

ensure_base() {
  local mirror hash tar
  mirror=$(debian_mirror)
  hash=$(hash_of "$IMAGES/base/build-rootfs.sh" "$mirror")
  up_to_date "$BASE_IMAGE" "$hash" && return 0
  tar=$CACHE/rootfs/trixie-${hash:0:16}.tar
  if [[ $REBUILD_ROOTFS == 1 || ! -s $tar ]]; then
    log "building the Debian trixie rootfs (debootstrap, about two minutes)"
    "${SUDO[@]}" bash "$IMAGES/base/build-rootfs.sh" "$mirror" "$tar"
    find "$CACHE/rootfs" -name '*.tar' ! -name "$(basename "$tar")" -delete
  fi
  log "importing $BASE_IMAGE from ${tar#"$ROOT"/}"
  docker import --change "LABEL opsdeck.source-hash=$hash" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' "$tar" "$BASE_IMAGE" >/dev/null
}

build() { # TAG HASH CONTEXT [docker build args…]
  local tag=$1 hash=$2 ctx=$3
  shift 3
  log "building $tag"
  if ! docker build -q --network host --label "opsdeck.source-hash=$hash" -t "$tag" "$@" "$ctx" >"$CACHE/build.log" 2>&1; then
    tail -n 40 "$CACHE/build.log" >&2
    die "docker build of $tag failed (log: .cache/build.log)"
  fi
}

stage() { # NAME SRC_DIR: fresh build context under .cache/build/NAME
  local dir=$CACHE/build/$1
  rm -rf "$dir" && mkdir -p "$dir"
  cp -a "$2"/. "$dir"/
  echo "$dir"
}

# pg and its runtime dependency closure, as paths relative to $ROOT (node_modules/pg, …).
pg_closure() {
  node - "$ROOT" <<'EOF'
const fs = require('node:fs'), path = require('node:path');
const root = process.argv[2], seen = new Set();
const find = (name, from) => {
  for (let d = from; ; d = path.dirname(d)) {
    const c = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(c, 'package.json'))) return c;
    if (d === path.dirname(d)) return null;
  }
};
const walk = (dir) => {
  if (seen.has(dir)) return;
  seen.add(dir);
  const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const [deps, optional] of [[pj.dependencies, false], [pj.optionalDependencies, true]]) {
    for (const dep of Object.keys(deps || {})) {
      const found = find(dep, dir);
      if (found) walk(found);
      else if (!optional) throw new Error(`${dep} (needed by ${pj.name}) is not installed: run npm ci`);
    }
  }
};
const pg = find('pg', root);
if (!pg) throw new Error('node_modules/pg is missing: run npm ci');
walk(pg);
for (const d of [...seen].sort()) console.log(path.relative(root, d));
EOF
}

ensure_images() {
  mkdir -p "$CACHE/build"
  ensure_base
  local base_id node_bin node_major node_image node_id hash ctx
  base_id=$(id_of "$BASE_IMAGE")

  node_bin=${OPSDECK_NODE_BIN:-/usr/bin/node}
  [[ -x $node_bin ]] || node_bin=$(command -v node) || die "node is not installed"
  node_major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
  node_image=opsdeck/node:$node_major
  hash=$(hash_of "$base_id" "$IMAGES/node/Dockerfile" "$node_bin")
  if ! up_to_date "$node_image" "$hash"; then
    ctx=$(stage node "$IMAGES/node")
    cp "$node_bin" "$ctx/node"
    build "$node_image" "$hash" "$ctx"
    docker run --rm --network none --entrypoint node "$node_image" -e 'require("node:crypto")' \
      || die "$node_image cannot run node: a shared library is missing from the base (check ldd $node_bin)"
  fi
  node_id=$(id_of "$node_image")

  local pg_files
  mapfile -t pg_files < <(files_in "$IMAGES/postgres")
  hash=$(hash_of "$base_id" "${pg_files[@]}")
  if ! up_to_date opsdeck/postgres:17 "$hash"; then
    ctx=$(stage postgres "$IMAGES/postgres")
    chmod 755 "$ctx"/*.sh
    build opsdeck/postgres:17 "$hash" "$ctx"
  fi

  local app_files mods rel version
  mapfile -t mods < <(cd "$ROOT" && pg_closure)
  mapfile -t app_files < <(files_in "$IMAGES/demo-app" && cd "$ROOT" && files_in "${mods[@]}" | sed "s|^|$ROOT/|")
  ctx=""
  for version in 1.0.0 1.1.0 never-healthy; do
    hash=$(hash_of "$node_id" "version=$version" "${app_files[@]}")
    up_to_date "opsdeck/demo-app:$version" "$hash" && continue
    if [[ -z $ctx ]]; then
      ctx=$(stage demo-app "$IMAGES/demo-app")
      for rel in "${mods[@]}"; do
        mkdir -p "$ctx/$(dirname "$rel")"
        cp -a "$ROOT/$rel" "$ctx/$rel"
      done
    fi
    build "opsdeck/demo-app:$version" "$hash" "$ctx" --build-arg "NODE_IMAGE=$node_image" --build-arg "APP_VERSION=$version"
  done

  local lg_files
  mapfile -t lg_files < <(files_in "$IMAGES/loggen")
  hash=$(hash_of "$node_id" "${lg_files[@]}")
  if ! up_to_date opsdeck/loggen:latest "$hash"; then
    ctx=$(stage loggen "$IMAGES/loggen")
    build opsdeck/loggen:latest "$hash" "$ctx" --build-arg "NODE_IMAGE=$node_image"
  fi

  # The docker CLI + compose v2 plugin for the production image's test build (Dockerfile's
  # DOCKER_CLI_IMAGE), from the trixie packages the test bed unpacks.
  local cli=$CACHE/trixie/root/usr/bin/docker plugin=$CACHE/trixie/root/usr/libexec/docker/cli-plugins/docker-compose
  [[ -x $cli && -x $plugin ]] || bash "$ROOT/scripts/test-bed.sh" packages
  hash=$(hash_of "$IMAGES/docker-cli/Dockerfile" "$cli" "$plugin")
  if ! up_to_date opsdeck/docker-cli:26 "$hash"; then
    ctx=$(stage docker-cli "$IMAGES/docker-cli")
    cp "$cli" "$plugin" "$ctx/"
    build opsdeck/docker-cli:26 "$hash" "$ctx"
  fi

  # Images replaced by a rebuild are left untagged: drop them (only ours, by label).
  docker image prune -f --filter label=opsdeck.source-hash >/dev/null
  # Build contexts hold copies of the node binary: ~100 MB each, not worth keeping.
  rm -rf "$CACHE/build"
}

# ---------------------------------------------------------------- main
MODE=setup
FORCE_REBUILD=0
REBUILD_ROOTFS=0
BUILD_IMAGES=1
for arg in "$@"; do
  case $arg in
    --cleanup-tests) MODE=cleanup ;;
    --no-images) BUILD_IMAGES=0 ;;
    --rebuild) FORCE_REBUILD=1 ;;
    --rebuild-rootfs) FORCE_REBUILD=1 REBUILD_ROOTFS=1 ;;
    -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown option: $arg (see --help)" ;;
  esac
done

mkdir -p "$CACHE"
# The test command and "run Opsdeck" may both call this at once: one at a time.
exec 9>"$CACHE/setup-env.lock"
flock 9

if [[ $MODE == cleanup ]]; then
  ensure_docker
  cleanup_tests
  exit 0
fi

ensure_packages
ensure_promtool
ensure_docker
if [[ $BUILD_IMAGES == 1 ]]; then
  ensure_images
fi
if [[ $BUILD_IMAGES == 1 ]]; then
  log "ready in $((SECONDS - T0))s (docker $(docker version --format '{{.Server.Version}}'); images $BASE_IMAGE opsdeck/postgres:17 opsdeck/demo-app:{1.0.0,1.1.0,never-healthy} opsdeck/loggen:latest opsdeck/docker-cli:26)"
else
  log "ready in $((SECONDS - T0))s (docker $(docker version --format '{{.Server.Version}}'); images not checked)"
fi
