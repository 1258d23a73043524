#!/usr/bin/env bash
# The WebSocket benchmark in one command: starts the production server (scripts/serve: uvicorn, 2 workers,
# Redis channel layer) on a database of your choice, runs scripts/bench/benchmark_websockets.py against it
# with the same SECRET_KEY, and stops the server and its workers.
#
#   createdb -h 127.0.0.1 -U postgres wsbench
#   scripts/bench/benchmark_websockets.sh wsbench 8180 --clients 500 --rooms 10 --messages 20
#
# Environment: REDIS_URL (default redis://127.0.0.1:6379/8; that Redis database is emptied first),
# PGHOST_URL (default postgres://postgres@127.0.0.1:5432), WEB_CONCURRENCY (2), PY (.venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${1:?database name}; port=${2:?port}; shift 2
export SECRET_KEY=bench SECURE_SSL_REDIRECT=0 DISCUSSION_RATE_LIMIT=1000/60 PORT=$port
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/8} WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
export DATABASE_URL=${PGHOST_URL:-postgres://postgres@127.0.0.1:5432}/$db PY=${PY:-.venv/bin/python}
"$PY" -c "import redis, os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"
log=$(mktemp)
scripts/serve > "$log" 2>&1 &
server=$!
stop() {
  # uvicorn's workers are children of the server; kill them by PID (they outlive a plain kill of the parent)
  kill -9 "$server" $(pgrep -P "$server" || true) 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.5
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" scripts/bench/benchmark_websockets.py --url "http://127.0.0.1:$port" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
