#!/usr/bin/env bash
# Entrypoint of opsdeck/postgres:17, modelled on the official postgres image's one.
#  - as root: fix ownership of PGDATA and the socket dir, then re-exec itself as "postgres";
#  - first start only (no PGDATA/PG_VERSION): initdb, create POSTGRES_DB, run initdb.d scripts
#    against a temporary server that listens on the unix socket only (so the TCP healthcheck
#    cannot report "healthy" during initialisation);
#  - then exec postgres in the foreground (PID 1, so `docker stop` is a clean fast shutdown).
set -Eeo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# file_env VAR [DEFAULT]: VAR may come from the file named by VAR_FILE (Docker secrets); both set is an error.
file_env() {
  local var=$1 fileVar="${1}_FILE" def=${2:-}
  if [[ -n ${!var:-} && -n ${!fileVar:-} ]]; then
    die "both $var and $fileVar are set (but are exclusive)"
  fi
  local val=$def
  if [[ -n ${!var:-} ]]; then
    val=${!var}
  elif [[ -n ${!fileVar:-} ]]; then
    [[ -r ${!fileVar} ]] || die "$fileVar points to an unreadable file: ${!fileVar}"
    val=$(<"${!fileVar}")
  fi
  export "$var"="$val"
  unset "$fileVar"
}

# Extra arguments only ("-c foo=bar"): run postgres with them.
if [[ ${1:-} == -* ]]; then
  set -- postgres "$@"
fi

if [[ ${1:-} != postgres ]]; then
  exec "$@"
fi

export PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGPORT=${PGPORT:-5432}

if [[ $(id -u) == 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chmod 00700 "$PGDATA"
  # Only files not already owned by postgres: a chown -R of a large data dir on every start is slow.
  find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
  chown postgres:postgres /var/run/postgresql
  chmod 03775 /var/run/postgresql
  # setpriv (util-linux) execs in place: postgres ends up as PID 1 and receives docker's signals.
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

file_env POSTGRES_USER postgres
file_env POSTGRES_PASSWORD
file_env POSTGRES_DB "$POSTGRES_USER"
file_env POSTGRES_INITDB_ARGS
auth_method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
listen=${POSTGRES_LISTEN_ADDRESSES:-*}

init_database() {
  if [[ -z ${POSTGRES_PASSWORD:-} && $auth_method != trust ]]; then
    die "database is uninitialized and superuser password is not specified.
  Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value,
  or POSTGRES_HOST_AUTH_METHOD=trust to allow connections without a password (not recommended)."
  fi
  log "initialising database cluster in $PGDATA (user $POSTGRES_USER, db $POSTGRES_DB)"
  local pwfile
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # Defaults first: POSTGRES_INITDB_ARGS may override them (initdb keeps the last value).
  # shellcheck disable=SC2086 # word splitting of POSTGRES_INITDB_ARGS is intended
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host="$auth_method" $POSTGRES_INITDB_ARGS >/dev/null
  rm -f "$pwfile"

  # Unix socket: trust (what `docker exec … psql/pg_dump` uses, as in the official image).
  # TCP: password (scram) from anywhere the server listens, loopback first.
  {
    echo
    echo "# added by opsdeck/postgres docker-entrypoint.sh"
    echo "host all all 127.0.0.1/32 $auth_method"
    echo "host all all ::1/128 $auth_method"
    echo "host all all all $auth_method"
  } >>"$PGDATA/pg_hba.conf"

  # Temporary server: unix socket only, so nothing outside sees a half-initialised database.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p $PGPORT" -w -t 60 start

  local psql=(psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc --username "$POSTGRES_USER")
  if [[ $POSTGRES_DB != postgres ]]; then
    # psql interpolates :"db" (quoted identifier) in stdin, not in -c strings.
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" >/dev/null <<<'CREATE DATABASE :"db" ;'
  fi

  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e $f ]] || continue
    case $f in
      *.sh)
        if [[ -x $f ]]; then
          log "running $f"; "$f"
        else
          log "sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi ;;
      *.sql) log "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" >/dev/null ;;
      *.sql.gz) log "running $f"; gzip -dc "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" >/dev/null ;;
      *) log "ignoring $f" ;;
    esac
  done

  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  log "initialisation complete; ready for start up"
}

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  init_database
else
  log "database directory $PGDATA already initialised; skipping initdb"
fi

shift
# listen_addresses first: an explicit "-c listen_addresses=…" in the arguments still wins.
exec postgres -c listen_addresses="$listen" "$@"
