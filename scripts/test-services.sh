#!/usr/bin/env bash
# Makes sure the services the test suite needs are there, on this machine only:
#   - Debian's chromium (browser tests), postgresql (second database engine) and nginx
#     (the reverse-proxy test starts its own on loopback; no system nginx is started),
#     installed with apt-get when missing (needs root, as on CI);
#   - a PostgreSQL server running on loopback with a test role and database;
#   - Debian's slapd and ldap-utils for the directory-login tests (the tests start their own
#     slapd on loopback with a temporary configuration; no system slapd is started), and
#     libldap2-dev/libsasl2-dev that pip needs to build python-ldap.
# With --url it prints the test database's URL (and does the above quietly first).
# With --build-deps it only installs what building python-ldap needs (`make install` runs it).
set -euo pipefail

PG_USER=digitalakademie
PG_PASSWORD=digitalakademie-test
PG_DB=${PG_DB:-digitalakademie_test}  # override to give a second checkout its own databases
PG_PORT=${PG_PORT:-5432}

log() { if [ "${QUIET:-0}" != 1 ]; then echo "$@" >&2; fi; }

if [ "${1:-}" = "--url" ]; then
  QUIET=1 bash "$0" >/dev/null
  echo "postgresql+psycopg://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/${PG_DB}"
  exit 0
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# python-ldap has no wheels: pip builds it against OpenLDAP's and Cyrus SASL's headers.
ldap_build_deps=()
[ -f /usr/include/ldap.h ] || ldap_build_deps+=(libldap2-dev)
[ -f /usr/include/sasl/sasl.h ] || ldap_build_deps+=(libsasl2-dev)
command -v gcc >/dev/null 2>&1 || ldap_build_deps+=(gcc)
if [ "${1:-}" = "--build-deps" ]; then
  if [ ${#ldap_build_deps[@]} -gt 0 ]; then
    log "Installing ${ldap_build_deps[*]} from Debian's packages (to build python-ldap) …"
    as_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${ldap_build_deps[@]}" >/dev/null
  fi
  exit 0
fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
  || missing+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)  # proxy test; never started here
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -x /usr/sbin/slapd ] || missing+=(slapd)  # directory tests; started by the tests, never here
command -v ldapadd >/dev/null 2>&1 || missing+=(ldap-utils)
missing+=("${ldap_build_deps[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  log "Installing ${missing[*]} from Debian's packages …"
  # Packages start no service (nginx would take port 80): a policy-rc.d that says no,
  # unless the machine has one already; PostgreSQL is started below on loopback.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
  fi
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Start the PostgreSQL cluster (created by the Debian package) on loopback.
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^${version} main$"; then
  as_root pg_createcluster "$version" main -p "$PG_PORT" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "Starting PostgreSQL ${version} on 127.0.0.1:${PG_PORT} …"
  as_root pg_ctlcluster "$version" main start -o "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
for _ in $(seq 1 30); do
  as_root runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 1
done

psql_local() { as_root runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"; }

if ! psql_local -tAc "SELECT 1 FROM pg_roles WHERE rolname='${PG_USER}'" | grep -q 1; then
  psql_local -c "CREATE ROLE ${PG_USER} LOGIN PASSWORD '${PG_PASSWORD}' CREATEDB"
fi
for db in "$PG_DB" "${PG_DB}_e2e" "${PG_DB}_bench"; do
  if ! psql_local -tAc "SELECT 1 FROM pg_database WHERE datname='${db}'" | grep -q 1; then
    psql_local -c "CREATE DATABASE ${db} OWNER ${PG_USER}"
  fi
done
log "PostgreSQL ready: postgresql://${PG_USER}:***@127.0.0.1:${PG_PORT}/${PG_DB}"
