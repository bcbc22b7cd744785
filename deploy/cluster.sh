#!/usr/bin/env bash
# Run the whole deployment on this one machine, on private ports, as docs/deployment.md describes:
# nginx → two web nodes (deploy/granian.sh, production settings) → PostgreSQL (owner + runtime roles) and Redis,
# one Celery worker and exactly one beat. It checks /healthz through the proxy, sends traffic through
# nginx, verifies that both nodes answered, and stops everything on exit.
# Usage: bash deploy/cluster.sh [--seed] [--keep]   (--keep: stay up until Ctrl-C)
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"
ensure_debs "${RUN_DEBS[@]}" postgresql redis-server nginx curl
ensure_venv requirements.txt
source "$ROOT/scripts/services.sh"
SEED=0; KEEP=0
for arg in "$@"; do case "$arg" in --seed) SEED=1 ;; --keep) KEEP=1 ;; esac; done

PIDS=()
cluster_stop() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$SERVICES_DIR/nginx/nginx.pid" ] && kill "$(cat "$SERVICES_DIR/nginx/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  stop_services
}
trap cluster_stop EXIT
start_services

WEB1=$(free_port); WEB2=$(free_port); PROXY=$(free_port)
mkdir -p "$SERVICES_DIR/media" "$SERVICES_DIR/nginx" "$SERVICES_DIR/logs"
chmod 755 "$SERVICES_DIR/media"
export DJANGO_SETTINGS_MODULE=pbcity.settings.production
export SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
export VOTER_ID_HMAC_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')"
export ALLOWED_HOSTS="127.0.0.1,localhost" SITE_URL="http://127.0.0.1:$PROXY"
# Plain HTTP on loopback: nginx has no certificate here, so Django must not redirect to HTTPS.
export SECURE_SSL_REDIRECT=false SECURE_PROXY_SSL_HEADER=""
export MEDIA_ROOT="$SERVICES_DIR/media" TRUSTED_PROXY_COUNT=1 PRIVATE_FILES_X_ACCEL_PREFIX=/protected-media/
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend GRANIAN_WORKERS=2

echo "==> migrate (owner role), collect static files"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py createcachetable >/dev/null 2>&1 || true
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py pdf_fonts -v0 || echo "==> pdf_fonts failed: reports will build the font on first use"
[ "$SEED" = 1 ] && .venv/bin/python manage.py seed_demo >/dev/null && echo "==> demo data loaded"
unset DATABASE_OWNER_URL   # from here on, only the runtime role, as web and workers have in production

echo "==> web nodes on :$WEB1 and :$WEB2, one worker, one beat"
for port in "$WEB1" "$WEB2"; do
  # --access-log: each node's answers are counted below (granian writes them to stdout, after its start-up lines).
  GRANIAN_PORT="$port" bash deploy/granian.sh --access-log >"$SERVICES_DIR/logs/web-$port.log" \
    2>"$SERVICES_DIR/logs/web-$port.err" &
  PIDS+=($!)
done
.venv/bin/celery -A pbcity worker --loglevel=WARNING --concurrency=1 -n "worker1@%h" >"$SERVICES_DIR/logs/worker.log" 2>&1 &
PIDS+=($!)
.venv/bin/celery -A pbcity beat --loglevel=WARNING --schedule="$SERVICES_DIR/celerybeat-schedule" >"$SERVICES_DIR/logs/beat.log" 2>&1 &
PIDS+=($!)

echo "==> nginx on :$PROXY"
export UPSTREAM_SERVERS="    server 127.0.0.1:$WEB1 max_fails=2 fail_timeout=5s;
    server 127.0.0.1:$WEB2 max_fails=2 fail_timeout=5s;"
export NGINX_LISTEN="127.0.0.1:$PROXY" SERVER_NAME=localhost FORWARDED_PROTO='$scheme'
envsubst '${UPSTREAM_SERVERS} ${NGINX_LISTEN} ${SERVER_NAME} ${MEDIA_ROOT} ${FORWARDED_PROTO}' \
  < deploy/nginx.conf.template > "$SERVICES_DIR/nginx/site.conf"
cat > "$SERVICES_DIR/nginx/nginx.conf" <<CONF
pid $SERVICES_DIR/nginx/nginx.pid;
error_log $SERVICES_DIR/logs/nginx-error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log $SERVICES_DIR/logs/nginx-access.log;
  client_body_temp_path $SERVICES_DIR/nginx/body;
  proxy_temp_path $SERVICES_DIR/nginx/proxy;
  include $SERVICES_DIR/nginx/site.conf;
}
CONF
nginx -c "$SERVICES_DIR/nginx/nginx.conf" -p "$SERVICES_DIR/nginx"

echo "==> waiting for /healthz through the proxy (database, Redis, worker heartbeat from beat)"
healthy=0
for _ in $(seq 90); do
  if curl -fsS "http://127.0.0.1:$PROXY/healthz" >"$SERVICES_DIR/health.json" 2>/dev/null; then healthy=1; break; fi
  sleep 1
done
cat "$SERVICES_DIR/health.json" 2>/dev/null; echo
[ "$healthy" = 1 ] || { echo "FAILED: /healthz never became healthy"; tail -20 "$SERVICES_DIR"/logs/*; exit 1; }

echo "==> 200 requests through nginx"
fails=0
for i in $(seq 200); do
  path=$([ $((i % 2)) = 0 ] && echo / || echo /proposals/)
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PROXY$path")
  [ "$code" = 200 ] || fails=$((fails + 1))
done
n1=$(grep -c ' HTTP/1.1" ' "$SERVICES_DIR/logs/web-$WEB1.log" || true)
n2=$(grep -c ' HTTP/1.1" ' "$SERVICES_DIR/logs/web-$WEB2.log" || true)
static=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PROXY/static/css/pbcity.css")
echo "node :$WEB1 answered $n1 requests, node :$WEB2 answered $n2; non-200 answers: $fails; static CSS: $static"
if [ "$fails" != 0 ] || [ "$n1" -lt 10 ] || [ "$n2" -lt 10 ] || [ "$static" != 200 ]; then
  echo "FAILED"; tail -20 "$SERVICES_DIR"/logs/*.err; exit 1
fi
echo "OK: both nodes served traffic through the proxy; worker and beat alive"

echo "==> PostgreSQL restarted under traffic: the nodes must recover by themselves"
( for i in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$PROXY/proposals/"; done ) &
LOAD=$!
sleep 1
pg_as "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg" -m fast -w restart >/dev/null
wait "$LOAD" || true
after=0
for i in $(seq 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PROXY/proposals/")
  [ "$code" = 200 ] || after=$((after + 1))
done
echo "after the restart: $after of 100 requests failed"
[ "$after" = 0 ] || { echo "FAILED: the web did not recover from the database restart"; exit 1; }
echo "OK: the web recovered from the database restart without being restarted"
if [ "$KEEP" = 1 ]; then echo "up on http://127.0.0.1:$PROXY — Ctrl-C stops everything"; wait; fi
