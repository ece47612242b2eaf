#!/bin/bash
# As the upstream postgres image's entrypoint, for what Testcontainers' PostgreSQLContainer uses:
# flags first means `postgres`; `postgres --version` (or --help, -V, --describe-config) just runs;
# as root, prepare $PGDATA and the socket directory, then run again as the postgres user; on an empty
# $PGDATA, initdb with POSTGRES_USER's password (scram-sha-256 over TCP, trust on the local socket),
# a temporary server on the socket only to create POSTGRES_DB, and stop it; then exec the server
# with the given arguments (e.g. `-c fsync=off`). /docker-entrypoint-initdb.d is not run.
set -euo pipefail

case "${1:-}" in -*) set -- postgres "$@" ;; esac

wants_help() {
  local arg
  for arg; do
    case "$arg" in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
  done
  return 1
}

if [ "${1:-}" != postgres ] || wants_help "$@"; then
  exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  chown postgres:postgres /var/run/postgresql
  chmod 3777 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_USER:=postgres}"
  : "${POSTGRES_DB:=$POSTGRES_USER}"
  : "${POSTGRES_PASSWORD:=}"
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    echo "docker-entrypoint: POSTGRES_PASSWORD is empty; set it, or set POSTGRES_HOST_AUTH_METHOD=trust to allow connections without a password." >&2
    exit 1
  fi
  password=()
  if [ -n "$POSTGRES_PASSWORD" ]; then
    pwfile=$(umask 077 && mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    password=(--pwfile="$pwfile")
  fi
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words, as upstream
  initdb --username="$POSTGRES_USER" "${password[@]}" --auth-local=trust \
    --auth-host="$POSTGRES_HOST_AUTH_METHOD" --encoding=UTF8 ${POSTGRES_INITDB_ARGS:-}
  rm -f "${pwfile:-}"
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

  # The temporary server listens on the socket only, so nobody connects before the init is done.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --dbname postgres \
      --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "docker-entrypoint: PostgreSQL init process complete; ready for start up."
fi

exec "$@"
