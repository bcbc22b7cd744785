# Start PostgreSQL and Redis on free private ports under a temporary directory; stop them on exit.
# Sourced by test.sh; exports DATABASE_URL (runtime role), DATABASE_OWNER_URL (owner role) and REDIS_URL.
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
SERVICES_DIR="$(mktemp -d /tmp/pbcity-services.XXXXXX)"
chmod 755 "$SERVICES_DIR"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# PostgreSQL refuses to run as root: run it as the postgres system user then.
pg_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

stop_services() {
  if [ -f "$SERVICES_DIR/pg/postmaster.pid" ]; then pg_as "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -f "$SERVICES_DIR/redis.pid" ]; then kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$SERVICES_DIR"
}
trap stop_services EXIT

start_services() {
  local pg_port redis_port
  pg_port=$(free_port)
  redis_port=$(free_port)
  mkdir -p "$SERVICES_DIR/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres "$SERVICES_DIR/pg"
  pg_as "$PG_BIN/initdb" -D "$SERVICES_DIR/pg" -U pbcity --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  pg_as "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg" -l "$SERVICES_DIR/pg/log" -w \
    -o "-p $pg_port -k $SERVICES_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  # Two roles (docs/security.md, "Database roles"): pbcity_owner owns the schema and runs migrations
  # (CREATEDB: the test runner creates its database as the owner); pbcity_app is the runtime role the
  # web, workers and tests use. The bootstrap superuser `pbcity` only creates them.
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$pg_port" -U pbcity -d postgres \
    -c "CREATE ROLE pbcity_owner LOGIN CREATEDB" -c "CREATE ROLE pbcity_app LOGIN"
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U pbcity -O pbcity_owner pbcity
  # No temporary tables for the runtime role (a temp table can shadow a table a guard reads, issue 15);
  # migrate's post_migrate pass does the same on every database it sets up (pbcity/audit/dbsetup.py).
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$pg_port" -U pbcity -d postgres \
    -c "REVOKE TEMPORARY ON DATABASE pbcity FROM PUBLIC" -c "REVOKE TEMPORARY ON DATABASE template1 FROM PUBLIC"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$SERVICES_DIR" --pidfile "$SERVICES_DIR/redis.pid" --logfile "$SERVICES_DIR/redis.log"
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export DATABASE_URL="postgres://pbcity_app@127.0.0.1:$pg_port/pbcity"
  export DATABASE_OWNER_URL="postgres://pbcity_owner@127.0.0.1:$pg_port/pbcity"
  export REDIS_URL="redis://127.0.0.1:$redis_port/0"
  echo "==> PostgreSQL on :$pg_port, Redis on :$redis_port (under $SERVICES_DIR)"
}
