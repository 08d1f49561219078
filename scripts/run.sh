#!/usr/bin/env bash
# make run: the site, a Celery worker and beat on SQLite and kombu's filesystem broker, with their state in
# RUN_DIR (default .run). Ctrl-C, SIGTERM or SIGHUP stops all three within 10 s; if one dies, the others stop too.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-8000}
PY=.venv/bin/python
# Development mode is explicit: without DEBUG the settings run in production mode (fail closed).
export DEBUG=True
mkdir -p "${RUN_DIR:-.run}"
RUN_DIR=$(cd "${RUN_DIR:-.run}" && pwd)
export RUN_DIR
mkdir -p "$RUN_DIR/mail" "$RUN_DIR/broker/out" "$RUN_DIR/broker/processed" "$RUN_DIR/private"

$PY manage.py migrate --noinput -v 0
# The shared cache of rate limits and throttling, when CACHE_URL names a database table (a no-op otherwise).
$PY manage.py createcachetable
if [ ! -f "$RUN_DIR/.seeded" ]; then
    echo "Loading the demo data (once)..."
    $PY manage.py seed_demo && touch "$RUN_DIR/.seeded"
fi
$PY manage.py compilemessages -v 0 --ignore=.venv --ignore=.run 2>/dev/null || true

# Each service in its own process group, so that stopping it reaches the processes it started (the worker's
# pool, runserver's reloader), and a signal sent to this script's group reaches only this script, which then
# stops them in order.
set -m
names=()
pids=()
launch() {
    local name=$1
    shift
    "$@" &
    pids+=($!)
    names+=("$name")
}

alive() {
    local pid
    for pid in "${pids[@]}"; do
        kill -0 -- "-$pid" 2>/dev/null && return 0
    done
    return 1
}

signal_all() {
    local pid
    for pid in "${pids[@]}"; do
        kill "-$1" -- "-$pid" 2>/dev/null || true
    done
}

stopping=0
stop() {
    [ "$stopping" = 1 ] && return
    stopping=1
    trap - INT TERM HUP
    echo
    echo "$1"
    # TERM asks for a warm shutdown, which Celery stretches for as long as a task runs: after 6 s ask the
    # processes left for a cold one (QUIT), after 9 s kill them, so everything is gone within 10 s. An idle
    # worker needs 5 to 7 s here: kombu's filesystem broker has no event loop, so Celery's blocking loop sees
    # the request only when its 2 s wait for a message ends, and its shutdown steps poll the folders again.
    signal_all TERM
    local tick
    for tick in $(seq 1 90); do
        alive || break
        [ "$tick" = 60 ] && signal_all QUIT
        sleep 0.1
    done
    if alive; then
        echo "Still running after 9 s: killing what is left."
        signal_all KILL
    fi
    wait 2>/dev/null || true
    rm -f "$RUN_DIR/run.pid"
}
trap 'stop "Stopping (Ctrl-C)..."; exit 130' INT
trap 'stop "Stopping (SIGTERM)..."; exit 143' TERM
trap 'stop "Stopping (SIGHUP)..."; exit 129' HUP
trap 'stop "Stopping..."' EXIT
echo $$ >"$RUN_DIR/run.pid"

# One worker on every queue (production runs one per queue: see README, Production).
launch "Celery worker" .venv/bin/celery -A config worker -Q default,mail,exports,retention --loglevel=INFO \
    --concurrency=2 --logfile="$RUN_DIR/worker.log"
launch "Celery beat" .venv/bin/celery -A config beat --loglevel=INFO --logfile="$RUN_DIR/beat.log"
launch "site (runserver)" $PY manage.py runserver "127.0.0.1:$PORT"

cat <<MSG

  Site:        http://127.0.0.1:$PORT/
  Back-office: http://127.0.0.1:$PORT/admin/
  Customer:    customer@example.com / ${DEMO_PASSWORD:-demo-password}
  DPO (staff): dpo@example.com / ${DEMO_PASSWORD:-demo-password}
  Mail:        $RUN_DIR/mail/*.eml    Worker and beat logs: $RUN_DIR/worker.log, $RUN_DIR/beat.log
  Ctrl-C stops the site, the worker and beat.

MSG
code=0
wait -n "${pids[@]}" || code=$?
dead="one of the services"
for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        dead=${names[$i]}
        break
    fi
done
stop "The $dead stopped (exit code $code): stopping the others."
exit 1
