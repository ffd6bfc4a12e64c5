#!/bin/sh
# HEALTHCHECK of opsdeck/postgres: pg_isready over TCP on the server's port. TCP rather than the
# unix socket on purpose: during first-start initialisation the temporary server listens on the
# socket only, and must not be reported healthy.
host=127.0.0.1
case ",$(printf '%s' "${POSTGRES_LISTEN_ADDRESSES:-*}" | tr -d ' ')," in
  *,\*,* | *,127.0.0.1,* | *,localhost,* | *,0.0.0.0,*) ;;
  *,::1,* | *,::,*) host=::1 ;;
  *) host=$(printf '%s' "$POSTGRES_LISTEN_ADDRESSES" | cut -d, -f1 | tr -d ' ') ;;
esac
exec pg_isready -q -h "$host" -p "${PGPORT:-5432}" -U "${POSTGRES_USER:-postgres}"
