#!/usr/bin/env bash
# Makes the local PostgreSQL (127.0.0.1:5432, trust auth, database "test") and Redis
# (127.0.0.1:6379) that the scale-out tests use answer: installs them with apt-get when
# absent, starts them when stopped, and waits until both respond. Idempotent: on a
# machine where both already run it changes nothing. Never stops anything.
set -euo pipefail

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # wait_for <what> <command…>: up to 30 s
  local what=$1; shift
  for _ in $(seq 1 60); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "services: $what does not answer after 30 s" >&2
  return 1
}

# --- PostgreSQL -------------------------------------------------------------
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
  echo "services: installing PostgreSQL"
  apt_install postgresql postgresql-client
fi
pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q; }
if ! pg_up; then
  echo "services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start || true
fi
wait_for "PostgreSQL" pg_up

psql_as() { PGCONNECT_TIMEOUT=3 psql "postgres://$1@127.0.0.1:5432/postgres" -v ON_ERROR_STOP=1 -qtA "${@:2}"; }
if ! psql_as postgres -c 'select 1' >/dev/null 2>&1; then
  # A fresh install asks for passwords over TCP; the tests expect trust on loopback (CI only).
  echo "services: allowing trust auth on loopback for the tests"
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    if ! grep -q '^# unfold-ci' "$hba"; then
      { echo '# unfold-ci: the test suite connects without a password on loopback'
        echo 'host all all 127.0.0.1/32 trust'
        echo 'host all all ::1/128 trust'
        cat "$hba"; } > "$hba.new"
      chown --reference="$hba" "$hba.new" && chmod --reference="$hba" "$hba.new" && mv "$hba.new" "$hba"
    fi
  done
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main reload
  wait_for "PostgreSQL with trust auth" psql_as postgres -c 'select 1'
fi
if [ "$(psql_as postgres -c "select 1 from pg_database where datname = 'test'")" != 1 ]; then
  echo "services: creating database test"
  psql_as postgres -c 'create database test'
fi

# --- Redis ------------------------------------------------------------------
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
if ! redis_up; then
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "services: installing Redis"
    apt_install redis-server
  fi
  if ! redis_up; then # the package may have started it
    echo "services: starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
fi
wait_for "Redis" redis_up

echo "services: PostgreSQL and Redis are up"
