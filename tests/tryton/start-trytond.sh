#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# start-trytond.sh: a throw-away Tryton 6.0 server (SQLite, 127.0.0.1) for Foyer's tests and
# benchmarks: sale_opportunity activated, a company set up, a "foyer" user with a password.
#
#   start-trytond.sh setup DIR PORT   write DIR/trytond.conf, DIR/db/foyer.sqlite, DIR/foyer-password
#   start-trytond.sh run DIR          run trytond in the foreground (exec: the caller stops it)
#   start-trytond.sh start DIR [PORT] setup if needed, start in the background, wait, print settings
#   start-trytond.sh stop DIR         stop what "start" started
#
# setup and start print key=value lines: url, database, user, password-file, port, config.
# The database is copied from a template built once with trytond-admin and kept in
# $FOYER_TRYTON_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/foyer-tryton), so a test run pays
# the ~15 s module activation once. Works as root and as a normal user, never reads stdin.
# Exit status 77: tryton-server, tryton-modules-sale-opportunity or python3-phonenumbers is missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=/usr/bin/python3       # Debian's trytond lives in the system Python, not a pyenv one
DB=foyer
ADMIN_PASSWORD=foyer-admin-secret-1
FOYER_PASSWORD=foyer-kiosk-secret-1

die() { printf 'start-trytond.sh: %s\n' "$*" >&2; exit 1; }

check_installed() {
    local missing=()
    command -v trytond >/dev/null && command -v trytond-admin >/dev/null || missing+=(tryton-server)
    [ -d /usr/lib/python3/dist-packages/trytond/modules/sale_opportunity ] ||
        missing+=(tryton-modules-sale-opportunity)
    "$PYTHON" -c 'import phonenumbers' 2>/dev/null || missing+=(python3-phonenumbers)
    if [ ${#missing[@]} -gt 0 ]; then
        printf 'start-trytond.sh: not installed: %s (apt-get install %s)\n' \
            "${missing[*]}" "${missing[*]}" >&2
        exit 77
    fi
}

write_conf() { # dir dbdir port
    cat >"$1/trytond.conf" <<CONF
[database]
uri = sqlite://
path = $2
[web]
listen = 127.0.0.1:$3
[session]
# a kiosk may be offline for days; keep Tryton's own default but say so
max_age = 2592000
CONF
}

trytond_version() {
    "$PYTHON" -c 'import trytond; print(trytond.__version__)'
}

ensure_template() { # prints the template path
    local cache=${FOYER_TRYTON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/foyer-tryton}
    # keyed by what builds it, so an edited setup never reuses a stale template
    local key
    key=$(cat "$HERE/setup-company.py" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12)
    local template="$cache/template-$(trytond_version)-$key.sqlite"
    mkdir -p "$cache"
    (
        flock 9
        if [ ! -s "$template" ]; then
            local work
            work=$(mktemp -d "$cache/build.XXXXXX")
            mkdir "$work/db"
            : >"$work/db/$DB.sqlite"
            write_conf "$work" "$work/db" 8000
            printf '%s\n' "$ADMIN_PASSWORD" >"$work/admin-password"
            printf '%s\n' "$FOYER_PASSWORD" >"$work/foyer-password"
            printf 'start-trytond.sh: creating the Tryton template database (once, ~15 s)\n' >&2
            if ! TRYTONPASSFILE="$work/admin-password" trytond-admin -c "$work/trytond.conf" \
                    -d "$DB" -u sale_opportunity --activate-dependencies \
                    --email admin@example.com </dev/null >"$work/admin.log" 2>&1; then
                tail -20 "$work/admin.log" >&2
                die "trytond-admin failed (log: $work/admin.log)"
            fi
            if ! "$PYTHON" -W ignore "$HERE/setup-company.py" "$work/trytond.conf" "$DB" \
                    "$work/foyer-password" </dev/null >"$work/setup.log" 2>&1; then
                cat "$work/setup.log" >&2
                die "setting the company up failed (log: $work/setup.log)"
            fi
            mv "$work/db/$DB.sqlite" "$template.tmp"
            mv "$template.tmp" "$template"
            rm -rf "$work"
        fi
    ) 9>"$cache/lock"
    printf '%s\n' "$template"
}

print_settings() { # dir
    local port
    port=$(sed -n 's/^listen = 127.0.0.1:\([0-9]*\)$/\1/p' "$1/trytond.conf")
    printf 'url=http://127.0.0.1:%s/\ndatabase=%s\nuser=foyer\npassword-file=%s\nport=%s\nconfig=%s\n' \
        "$port" "$DB" "$1/foyer-password" "$port" "$1/trytond.conf"
}

free_port() {
    "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd_setup() { # dir port
    local dir=$1 port=$2 template
    check_installed
    template=$(ensure_template)
    mkdir -p "$dir/db"
    dir=$(cd "$dir" && pwd)
    cp "$template" "$dir/db/$DB.sqlite"
    chmod 0600 "$dir/db/$DB.sqlite"
    write_conf "$dir" "$dir/db" "$port"
    (umask 077; printf '%s\n' "$FOYER_PASSWORD" >"$dir/foyer-password")
    print_settings "$dir"
}

wait_ready() { # port pid
    local i
    for i in $(seq 1 150); do
        kill -0 "$2" 2>/dev/null || return 1
        if curl -sf -m 2 -H 'Content-Type: application/json' \
                -d '{"id":0,"method":"common.server.version","params":[]}' \
                "http://127.0.0.1:$1/" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

cmd_start() { # dir [port]
    local dir=$1 port=${2:-}
    check_installed
    if [ ! -f "$dir/trytond.conf" ]; then
        cmd_setup "$dir" "${port:-$(free_port)}" >/dev/null
    fi
    dir=$(cd "$dir" && pwd)
    port=$(sed -n 's/^listen = 127.0.0.1:\([0-9]*\)$/\1/p' "$dir/trytond.conf")
    setsid trytond -c "$dir/trytond.conf" </dev/null >>"$dir/trytond.log" 2>&1 &
    echo $! >"$dir/trytond.pid"
    wait_ready "$port" "$(cat "$dir/trytond.pid")" ||
        die "trytond did not answer on 127.0.0.1:$port (log: $dir/trytond.log)"
    print_settings "$dir"
}

cmd_stop() { # dir
    local pid
    [ -f "$1/trytond.pid" ] || return 0
    pid=$(cat "$1/trytond.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$1/trytond.pid"
}

case "${1:-}" in
    setup) [ $# -eq 3 ] || die "usage: setup DIR PORT"; cmd_setup "$2" "$3" ;;
    run) [ $# -eq 2 ] || die "usage: run DIR"; check_installed; exec trytond -c "$2/trytond.conf" ;;
    start) [ $# -ge 2 ] || die "usage: start DIR [PORT]"; cmd_start "$2" "${3:-}" ;;
    stop) [ $# -eq 2 ] || die "usage: stop DIR"; cmd_stop "$2" ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
