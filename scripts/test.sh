#!/usr/bin/env bash
# make test: installs what a fresh machine lacks, starts a throwaway PostgreSQL and Redis,
# runs the checks and the whole suite on PostgreSQL, a smoke part on SQLite, then stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
started=$(date +%s)

# The local site's folder (.run/, make run's state): listed before and after, and the run fails if it changed.
# Files only: what the local site holds (an empty folder made by a cache backend is not its data).
# Screenshots of the browser tests go to .run/screenshots/ on purpose, to be looked at: left out.
local_site_listing() { [ -d .run ] && find .run -path .run/screenshots -prune -o -type f -printf '%p %s %T@\n' | sort || true; }
run_before=$(local_site_listing)
local_site_unchanged() {
    if [ -f .run/run.pid ] && kill -0 "$(cat .run/run.pid)" 2>/dev/null; then
        echo "== .run/ not compared: make run is using it (pid $(cat .run/run.pid))"
    elif [ "$run_before" != "$(local_site_listing)" ]; then
        echo "make test changed .run/ (the local site); what differs (< before, > after):" >&2
        diff <(echo "$run_before") <(local_site_listing) >&2 || true
        exit 1
    fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Debian packages the tests need: PostgreSQL, Redis, Chromium for the browser tests, gettext for translations.
missing=()
[ -n "$(pg_bin)" ] || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
command -v msgfmt >/dev/null || missing+=(gettext)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "Installing ${missing[*]}..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "These Debian packages are missing: ${missing[*]}" >&2
        echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

TMP=$(mktemp -d /tmp/gdpr-test.XXXXXX)
PG_PORT=${TEST_PG_PORT:-55432}
REDIS_PORT=${TEST_REDIS_PORT:-6390}
PG=$(pg_bin)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
    as_pg "$PG/pg_ctl" -D "$TMP/data" -m fast stop >/dev/null 2>&1 || true
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] && chown postgres: "$TMP"
as_pg "$PG/initdb" -D "$TMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$PG/pg_ctl" -D "$TMP/data" -l "$TMP/pg.log" -w \
    -o "-p $PG_PORT -k $TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
"$PG/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres gdpr
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$TMP/redis.pid" \
    --dir "$TMP" --save '' --appendonly no >/dev/null

export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/gdpr"
export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export REQUIRE_INTEGRATION=1
# Development mode with throwaway keys and run folder (config/test_settings.py); never the user's .run/.
export DJANGO_SETTINGS_MODULE=config.test_settings
export DJANGO_ALLOW_ASYNC_UNSAFE=true

echo "== makemigrations --check"
$PY manage.py makemigrations --check --dry-run
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== translations"
$PY manage.py compilemessages -v 0 --ignore=.venv --ignore=.run
# Each test adds the faults it survived, the inputs it tried, the remnants and lost mails it found (tests/figures.py).
export TEST_FIGURES="$TMP/figures"
: >"$TEST_FIGURES"
echo "== suite on PostgreSQL"
.venv/bin/pytest -q
echo "== smoke on SQLite (the embedded default)"
env -u DATABASE_URL .venv/bin/pytest -q -m smoke
local_site_unchanged
echo "make test: all green in $(( $(date +%s) - started )) s"
figure() { awk -v n="$1" '$1 == n { s += $2 } END { print s + 0 }' "$TEST_FIGURES"; }
echo "figures: faults_survived=$(figure faults_survived) inputs_tried=$(figure inputs_tried)" \
    "remnants_found=$(figure remnants_found) mails_lost=$(figure mails_lost)"
