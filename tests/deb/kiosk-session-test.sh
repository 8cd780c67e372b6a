#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The installed kiosk session (foyer-kiosk.service) in a Debian root with the packages installed:
#
#   tests/deb/kiosk-session-test.sh ROOT OUT      (root; run-deb-tests.sh runs it)
#
# Runs the unit's ExecStart with its Environment= as its User=, the way systemd would, on cage's
# headless wlroots backend (no GPU, no input devices); grim screenshots the output into OUT.
# Checks: the kiosk fills the output; the usual ways out (Alt+F4, Ctrl+Q, Ctrl+W, Escape,
# Ctrl+Alt+BackSpace, Ctrl+Alt+F2, Super) leave the kiosk on screen when wtype can type into cage
# (cage 0.1.4 in Debian 12 has no virtual-keyboard protocol: run-deb-tests.sh types them on X
# instead); a killed kiosk comes back in the same compositor. Prints TAP.
set -uo pipefail
ROOT=$1 OUT=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UNIT=$ROOT/lib/systemd/system/foyer-kiosk.service
RUNTIME=/run/foyer-kiosk-test
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
check() { local name=$1; shift; if "$@" >>"$OUT/kiosk-session.log" 2>&1; then ok "$name"; else not_ok "$name"; fi; }

session_pids() { ps -o pid=,comm= --sid "$SESSION" 2>/dev/null; }
pid_of() { session_pids | awk -v c="$1" '$2 == c { print $1; exit }'; }
as_kiosk() {
    chroot "$ROOT" setpriv --reuid=foyer-kiosk --regid=foyer-kiosk --init-groups /usr/bin/env -i \
        PATH=/usr/bin:/bin HOME=/var/lib/foyer XDG_RUNTIME_DIR=$RUNTIME WAYLAND_DISPLAY=wayland-0 "$@"
}
shot() { # name: grim's screenshot of the whole output
    as_kiosk grim "$RUNTIME/$1.png" && cp "$ROOT$RUNTIME/$1.png" "$OUT/cage-$1.png"
}
wait_for_kiosk() { # seconds: until a foyer process runs in the session; prints its pid
    local i pid
    for i in $(seq $(($1 * 5))); do
        pid=$(pid_of foyer)
        [ -n "$pid" ] && { echo "$pid"; return 0; }
        sleep 0.2
    done
    return 1
}

exec_start=$(sed -n 's/^ExecStart=//p' "$UNIT")
read -r -a unit_env <<<"$(sed -n 's/^Environment=//p' "$UNIT" | tr '\n' ' ')"
user=$(sed -n 's/^User=//p' "$UNIT")
[ "$user" = foyer-kiosk ] || { not_ok "the unit runs as foyer-kiosk (User=$user)"; echo "1..$n"; exit 1; }

mkdir -p "$ROOT$RUNTIME"
chroot "$ROOT" chown foyer-kiosk:foyer-kiosk "$RUNTIME"
chmod 0700 "$ROOT$RUNTIME"
# setsid: cage, the kiosk loop and the kiosk are session $SESSION (listed and ended by that id).
# shellcheck disable=SC2086
setsid chroot "$ROOT" setpriv --reuid=foyer-kiosk --regid=foyer-kiosk --init-groups /usr/bin/env -i \
    PATH=/usr/bin:/bin HOME=/var/lib/foyer XDG_RUNTIME_DIR=$RUNTIME "${unit_env[@]}" \
    WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman \
    GSK_RENDERER=cairo NO_AT_BRIDGE=1 \
    dbus-run-session -- $exec_start >"$OUT/cage.log" 2>&1 &
SESSION=$!
trap 'kill -- -"$SESSION" 2>/dev/null; wait "$SESSION" 2>/dev/null; rm -rf "${ROOT:?}$RUNTIME"' EXIT

kiosk=$(wait_for_kiosk 20) || { not_ok "cage starts the kiosk"; tail -n 20 "$OUT/cage.log"; echo "1..$n"; exit 1; }
cage=$(pid_of cage)
ok "cage (pid $cage) starts the kiosk (pid $kiosk) as foyer-kiosk"
sleep 8
check "grim: the kiosk fills cage's output" sh -c "$(declare -f shot as_kiosk); ROOT='$ROOT' OUT='$OUT' RUNTIME='$RUNTIME';
    shot start && $PY '$HERE/compare-shots.py' fullscreen '$OUT/cage-start.png'"

# The usual ways out. wtype types through the virtual keyboard protocol, as a keyboard would.
if ! as_kiosk wtype -k Shift_L >>"$OUT/kiosk-session.log" 2>&1; then
    echo "# wtype cannot type into cage (no virtual keyboard protocol?): shortcuts not tested"
    n=$((n + 1)); echo "ok $n - shortcuts # SKIP wtype cannot type into this cage"
else
    for keys in "alt F4" "ctrl q" "ctrl w" "- Escape" "ctrl+alt BackSpace" "ctrl+alt F2" "logo -"; do
        mods=${keys% *} key=${keys#* }
        args=()
        [ "$mods" = - ] || for m in ${mods//+/ }; do args+=(-M "$m"); done
        [ "$key" = - ] || args+=(-k "$key")
        [ "$mods" = - ] || for m in ${mods//+/ }; do args+=(-m "$m"); done
        label=${keys/- /}; label=${label/ -/}; label=${label// /+}
        before=$(pid_of foyer)
        as_kiosk wtype "${args[@]}" >>"$OUT/kiosk-session.log" 2>&1
        sleep 2
        after=$(wait_for_kiosk 15)
        if [ "$(pid_of cage)" = "$cage" ] && [ -n "$after" ]; then
            sleep 3
            check "$label does not leave the kiosk (cage and a kiosk run, the kiosk fills the output)" \
                sh -c "$(declare -f shot as_kiosk); ROOT='$ROOT' OUT='$OUT' RUNTIME='$RUNTIME';
                shot 'after-$label' && $PY '$HERE/compare-shots.py' fullscreen '$OUT/cage-after-$label.png'"
        else
            not_ok "$label does not leave the kiosk (cage: $(pid_of cage), kiosk: ${after:-none})"
        fi
        if [ "$before" = "$after" ]; then
            ok "$label: the kiosk process survives"
        else
            # The loop brought it back, but whatever the visitor typed was lost: a kiosk bug.
            not_ok "$label: the kiosk process survives (it ended and was restarted: $before -> $after)"
        fi
    done
fi

# A killed kiosk comes back in the same cage (the loop); a failed cage is systemd's (Restart=).
kiosk=$(pid_of foyer)
kill -KILL "$kiosk"
sleep 1
new=$(wait_for_kiosk 20)
if [ -n "$new" ] && [ "$new" != "$kiosk" ] && [ "$(pid_of cage)" = "$cage" ]; then
    ok "a killed kiosk (pid $kiosk) is restarted (pid $new) in the same cage"
    sleep 8
    check "grim: the restarted kiosk fills the output" sh -c "$(declare -f shot as_kiosk); ROOT='$ROOT' OUT='$OUT' RUNTIME='$RUNTIME';
        shot restarted && $PY '$HERE/compare-shots.py' fullscreen '$OUT/cage-restarted.png'"
else
    not_ok "a killed kiosk (pid $kiosk) is restarted in the same cage (now: ${new:-none}, cage $(pid_of cage))"
fi
echo "1..$n"
