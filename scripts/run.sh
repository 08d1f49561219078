#!/usr/bin/env bash
# make run: the site, a Celery worker and beat on SQLite and kombu's filesystem broker; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-8000}
PY=.venv/bin/python
# Development mode is explicit: without DEBUG the settings run in production mode (fail closed).
export DEBUG=True
export RUN_DIR=${RUN_DIR:-.run}
mkdir -p .run/mail .run/broker/out .run/broker/processed .run/private

$PY manage.py migrate --noinput -v 0
# The shared cache of rate limits and throttling (CACHE_URL, by default a table of the database).
$PY manage.py createcachetable
if [ ! -f .run/.seeded ]; then
    echo "Loading the demo data (once)..."
    $PY manage.py seed_demo && touch .run/.seeded
fi
$PY manage.py compilemessages -v 0 --ignore=.venv --ignore=.run 2>/dev/null || true

pids=()
stop() {
    trap - INT TERM EXIT
    echo; echo "Stopping..."
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 --logfile=.run/worker.log &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=INFO --logfile=.run/beat.log &
pids+=($!)
$PY manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)

cat <<MSG

  Site:        http://127.0.0.1:$PORT/
  Back-office: http://127.0.0.1:$PORT/admin/
  Customer:    customer@example.com / ${DEMO_PASSWORD:-demo-password}
  DPO (staff): dpo@example.com / ${DEMO_PASSWORD:-demo-password}
  Mail:        .run/mail/*.eml    Worker and beat logs: .run/worker.log, .run/beat.log
  Ctrl-C stops the site, the worker and beat.

MSG
wait -n "${pids[@]}"
