#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian packages in a fresh Debian 12 root (issue 19): install, upgrade, run, purge.
#
#   tests/deb/run-deb-tests.sh DEB_DIR      (root; packaging/dev.sh deb-test and dev.sh test run it)
#
# DEB_DIR holds the packages dev.sh deb built. A minbase root made by debootstrap from the mirror
# this machine's apt uses is cached as a tarball in $FOYER_CI_CACHE (default /var/cache/foyer-ci),
# one per suite and day, with the .debs apt downloads into it. In the root: the packages of the
# last release (commit $FOYER_OLD_RELEASE, an older store schema; built once from git with
# today's packaging and cached by commit id) are installed, configured and given a visitor, then
# upgraded to these, which must migrate the database and keep the configuration; foyerctl,
# the hub, the kiosk under Xvfb (en, zh_CN) and the kiosk session under cage are run; the units are
# verified; purge must leave only the data directories. Prints TAP and "N passed, N failed";
# writes DEB_DIR/test/testlog.json (meson's format) and the screenshots beside it.
set -uo pipefail

DEBS=$(cd "${1:?usage: run-deb-tests.sh DEB_DIR}" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${FOYER_CI_CACHE:-/var/cache/foyer-ci}
SUITE=bookworm
OUT=$DEBS/test
OLD_VERSION=0.0.1
# The last release before this round: its store schema is older than today's, so the upgrade
# runs migrations. Without git (a release tarball) the old version is this tree relabelled.
OLD_RELEASE=${FOYER_OLD_RELEASE:-f44878f}
SRC=$(cd "$HERE/../.." && pwd)
# Debian's python3 (with python3-pil), not whatever python3 comes first in PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
mkdir -p "$OUT"
rm -f "$OUT"/*.png "$OUT/testlog.json"

n=0 passed=0 failed=0
result() { # OK|FAIL|SKIP name [detail]
    local r=$1 name=$2 detail=${3:-}
    n=$((n + 1))
    case $r in
        OK) passed=$((passed + 1)); echo "ok $n - $name" ;;
        SKIP) echo "ok $n - $name # SKIP $detail" ;;
        *) failed=$((failed + 1)); echo "not ok $n - $name"; [ -n "$detail" ] && echo "# $detail" ;;
    esac
    printf '{"name": "deb-%s", "result": "%s"}\n' "$(echo "$name" | tr -c 'a-zA-Z0-9_.\n-' '-')" "$r" \
        >>"$OUT/testlog.json"
}
check() { # name command…: OK when the command succeeds
    local name=$1; shift
    local log
    if log=$("$@" 2>&1); then result OK "$name"; else result FAIL "$name" "$(echo "$log" | tail -n 5 | tr '\n' ' ')"; fi
}
finish() {
    echo "1..$n"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

if [ "$(id -u)" -ne 0 ]; then
    result SKIP "packages in a Debian root" "needs root (debootstrap, chroot)"
    finish
fi
NEW_DEBS=()
for f in "$DEBS"/*.deb; do
    case $f in *-dbgsym_*) ;; *) [ "$(dpkg-deb -f "$f" Version)" = "$OLD_VERSION" ] || NEW_DEBS+=("$f") ;; esac
done
[ ${#NEW_DEBS[@]} -gt 0 ] || { result FAIL "packages built" "no .deb in $DEBS"; finish; }
VERSION=$(dpkg-deb -f "${NEW_DEBS[0]}" Version)
PACKAGES=$(for f in "${NEW_DEBS[@]}"; do dpkg-deb -f "$f" Package; done | tr '\n' ' ')
HAVE_HUB=no
case " $PACKAGES " in *" foyer-hub "*) HAVE_HUB=yes ;; esac
echo "# packages $PACKAGES version $VERSION"

# The packages of commit OLD_RELEASE as version OLD_VERSION, built once with today's
# packaging/debian (profile nohub: that tree has no hub) and cached in $CACHE by commit id; prints
# their directory. Fails when there is no git repository holding that commit.
old_release_debs() {
    local commit dir tmp
    commit=$(git -C "$SRC" rev-parse -q --verify "$OLD_RELEASE^{commit}" 2>/dev/null) || return 1
    dir=$CACHE/old-debs-$commit
    flock 9
    if ! ls "$dir"/*.deb >/dev/null 2>&1; then
        tmp=$(mktemp -d /var/tmp/foyer-old-deb.XXXXXX)
        mkdir "$tmp/foyer"
        git -C "$SRC" archive "$commit" | tar -C "$tmp/foyer" -xf -
        cp -a "$SRC/packaging/debian" "$tmp/foyer/debian"
        sed -i "1s/(.*)/($OLD_VERSION)/" "$tmp/foyer/debian/changelog"
        # Files today's *.install name that the old tree does not have (the kiosk session script,
        # the examples) are left out rather than failing dh_install.
        cp "$HERE/drop-missing-install.sh" "$tmp/foyer/debian/"
        printf '\nexecute_before_dh_install:\n\tsh debian/drop-missing-install.sh\n' >>"$tmp/foyer/debian/rules"
        echo "# building the packages of $commit as $OLD_VERSION (once; cached in $dir)" >&2
        if (cd "$tmp/foyer" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" DEB_BUILD_PROFILES="nohub nocheck" \
                dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1); then
            mkdir -p "$dir.part"
            find "$tmp" -maxdepth 1 -name '*.deb' ! -name '*-dbgsym_*' -exec mv {} "$dir.part/" \;
            rm -rf "$dir" && mv "$dir.part" "$dir"
        else
            cp "$tmp/build.log" "$OUT/old-build.log"
            echo "# building $commit failed: $OUT/old-build.log" >&2
        fi
        rm -rf "$tmp"
    fi
    flock -u 9
    ls "$dir"/*.deb >/dev/null 2>&1 && echo "$dir"
}

# --- the base root ------------------------------------------------------------------------------

# The mirror this machine's apt uses (sources.list or deb822 .sources), for SUITE and SUITE-security.
mirror_for() { # suite
    "$PY" - "$1" <<'PY'
import glob, re, sys
suite = sys.argv[1]
for path in ['/etc/apt/sources.list'] + sorted(glob.glob('/etc/apt/sources.list.d/*.list')):
    try:
        for line in open(path):
            m = re.match(r'\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)', line)
            if m and m.group(2) == suite:
                print(m.group(1)); sys.exit()
    except OSError:
        pass
for path in sorted(glob.glob('/etc/apt/sources.list.d/*.sources')):
    for stanza in open(path).read().split('\n\n'):
        fields = dict(re.findall(r'^(\w[\w-]*):\s*(.*)$', stanza, re.M))
        if 'deb' in fields.get('Types', '').split() and suite in fields.get('Suites', '').split() \
           and fields.get('Enabled', 'yes') != 'no':
            print(fields['URIs'].split()[0]); sys.exit()
PY
}
MIRROR=$(mirror_for "$SUITE")
SECURITY=$(mirror_for "$SUITE-security")
[ -n "$MIRROR" ] || { result FAIL "an apt mirror for $SUITE" "none in /etc/apt/sources.list(.d)"; finish; }

mkdir -p "$CACHE/apt-archives/partial"
BASE=$CACHE/$SUITE-minbase-$(date +%Y%m%d).tar.gz
exec 9>"$CACHE/lock"
flock 9
start=$(date +%s)
if [ ! -f "$BASE" ]; then
    tmp=$(mktemp -d /var/tmp/foyer-debootstrap.XXXXXX)
    if debootstrap --variant=minbase --cache-dir="$CACHE/apt-archives" "$SUITE" "$tmp" "$MIRROR" >"$OUT/debootstrap.log" 2>&1; then
        tar -C "$tmp" --numeric-owner -czf "$BASE.part" . && mv "$BASE.part" "$BASE"
        find "$CACHE" -maxdepth 1 -name "$SUITE-minbase-*.tar.gz" ! -name "$(basename "$BASE")" -delete
    fi
    rm -rf "$tmp"
fi
flock -u 9
[ -f "$BASE" ] || { result FAIL "debootstrap $SUITE from $MIRROR" "$(tail -n 3 "$OUT/debootstrap.log")"; finish; }
echo "# base root $BASE ($(($(date +%s) - start)) s)"

ROOT=$(mktemp -d /var/tmp/foyer-deb-root.XXXXXX)
XVFB_PID=
cleanup() {
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
    for m in tmp/.X11-unix var/cache/apt/archives dev/shm dev/pts dev proc; do
        mountpoint -q "$ROOT/$m" && umount -l "$ROOT/$m"
    done
    # Never remove through a mount that is still there (the X socket and the apt cache are binds).
    if grep -q " $ROOT/" /proc/mounts; then echo "# $ROOT left: mounts remain" >&2; else rm -rf --one-file-system "$ROOT"; fi
}
trap cleanup EXIT
mount_root() {
    chmod 0755 "$ROOT"   # it becomes /: every user must be able to walk it (tar restored 0700)
    mkdir -p "$ROOT/proc" "$ROOT/dev" "$ROOT/var/cache/apt/archives" "$ROOT/tmp/.X11-unix" /tmp/.X11-unix
    chmod 1777 "$ROOT/tmp"
    mount -t proc proc "$ROOT/proc"
    mount --bind /dev "$ROOT/dev"
    mount --bind /dev/pts "$ROOT/dev/pts"
    mount -t tmpfs -o mode=1777,size=256m shm "$ROOT/dev/shm"   # wlroots' and GTK's buffers
    mount --bind "$CACHE/apt-archives" "$ROOT/var/cache/apt/archives"
    mount --bind /tmp/.X11-unix "$ROOT/tmp/.X11-unix"
}
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"; }
as_kiosk() { in_root setpriv --reuid=foyer-kiosk --regid=foyer-kiosk --init-groups \
    env HOME=/var/lib/foyer FOYER_CONFIG=/etc/foyer/foyer.conf "$@"; }
# unsafe-io: no fsync per file (a throw-away root); halves the time dpkg takes here.
apt_root() { in_root apt-get -q -y -o APT::Keep-Downloaded-Packages=true -o Dpkg::Use-Pty=0 \
    -o Dpkg::Options::=--force-unsafe-io "$@"; }

# --- dependencies (cached as a root per day and dependency list), then the old version --------
deps=$(for f in "${NEW_DEBS[@]}"; do dpkg-deb -f "$f" Depends; done | tr ',' '\n' | sed 's/^ *//' |
    grep -Ev "^(${PACKAGES// /|})( |$)" | grep -v '^$' | sort -u | paste -sd, -)
# Test tools: a session bus, gettext, the Wayland screenshot and keyboard tools, curl for the hub.
deps="$deps, dbus, gettext-base, grim, wtype, curl"
DEPS_ROOT=$CACHE/$SUITE-deps-$(date +%Y%m%d)-$(echo "$deps" | sha256sum | cut -c1-12).tar
start=$(date +%s)
if [ -f "$DEPS_ROOT" ]; then
    tar -C "$ROOT" --numeric-owner -xf "$DEPS_ROOT"
    mount_root
else
    tar -C "$ROOT" --numeric-owner -xzf "$BASE"
    {
        echo "deb $MIRROR $SUITE main"
        echo "deb $MIRROR $SUITE-updates main"
        [ -n "$SECURITY" ] && echo "deb $SECURITY $SUITE-security main"
    } >"$ROOT/etc/apt/sources.list"
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d" && chmod +x "$ROOT/usr/sbin/policy-rc.d"
    mount_root
    apt_root update >"$OUT/apt.log" 2>&1
    if ! apt_root --no-install-recommends satisfy "$deps" >>"$OUT/apt.log" 2>&1; then
        result FAIL "install the dependencies in the root" "$(tail -n 5 "$OUT/apt.log")"
        finish
    fi
    flock 9
    find "$CACHE" -maxdepth 1 -name "$SUITE-deps-*.tar" -delete
    tar -C "$ROOT" --numeric-owner --exclude=./proc/* --exclude=./dev/* --exclude=./tmp/* \
        --exclude=./var/cache/apt/archives/* -cf "$DEPS_ROOT.part" . && mv "$DEPS_ROOT.part" "$DEPS_ROOT"
    flock -u 9
fi
echo "# dependencies installed ($(($(date +%s) - start)) s)"

snapshot() { # the files and directories of the root, less what apt, logs and test runs change
    (cd "$ROOT" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./run \
        -o -path ./var/cache -o -path ./var/lib/apt -o -path ./var/lib/dpkg -o -path ./var/log \
        -o -path ./root \) -prune -o -print | sort)
}
snapshot >"$OUT/before.list"

# The previous version (what an upgrade starts from): the last release's packages, else these
# relabelled OLD_VERSION.
mkdir -p "$ROOT/tmp/debs/old" "$ROOT/tmp/debs/new"
cp "${NEW_DEBS[@]}" "$ROOT/tmp/debs/new/"
start=$(date +%s)
if old=$(old_release_debs); then
    cp "$old"/*.deb "$ROOT/tmp/debs/old/"
    OLD_FROM="release $OLD_RELEASE"
else
    echo "# no .git with commit $OLD_RELEASE here (a release tarball?): the old version is this tree relabelled $OLD_VERSION, so no migration runs"
    for f in "${NEW_DEBS[@]}"; do
        x=$(mktemp -d)
        dpkg-deb -R "$f" "$x/pkg"
        sed -i "s/(>= $VERSION)/(>= $OLD_VERSION)/; s/(= $VERSION)/(= $OLD_VERSION)/; s/^Version: .*/Version: $OLD_VERSION/" \
            "$x/pkg/DEBIAN/control"
        dpkg-deb -b "$x/pkg" "$ROOT/tmp/debs/old/" >/dev/null
        rm -rf "$x"
    done
    OLD_FROM="this tree relabelled"
fi
echo "# old packages $OLD_VERSION: $OLD_FROM ($(($(date +%s) - start)) s)"
debs_in() { (cd "$ROOT" && for f in tmp/debs/"$1"/*.deb; do echo "/$f"; done); }
# shellcheck disable=SC2046
check "install version $OLD_VERSION with apt-get install ./…deb" \
    apt_root install --no-install-recommends $(debs_in old)
check "foyer-kiosk user and group foyer exist" in_root sh -c 'id foyer-kiosk | grep -q "(foyer)"'
check "/var/lib/foyer is 0700 foyer-kiosk" \
    test "$(in_root stat -c '%a %U' /var/lib/foyer)" = "700 foyer-kiosk"
# A deployer's edit of the conffile, and a visitor in the kiosk's database.
sed -i 's/^#id=entrance-01$/id=hall-b-07/' "$ROOT/etc/foyer/foyer.conf"
echo '{"full_name":"张伟","email":"zhang.wei@example.com"}' | as_kiosk foyerctl register >/dev/null 2>"$OUT/register.log"
check "a visitor registered with version $OLD_VERSION" test -s "$ROOT/var/lib/foyer/foyer.db"
# The schema version of a database (SQLite's user_version), read on the host: the root has no
# sqlite3 nor python3.
schema_of() { "$PY" -c 'import sqlite3, sys; print(sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True).execute("PRAGMA user_version").fetchone()[0])' "$1" 2>/dev/null; }
old_schema=$(schema_of "$ROOT/var/lib/foyer/foyer.db")
echo "# schema of the $OLD_VERSION database: ${old_schema:-?}"

# --- upgrade ----------------------------------------------------------------------------------
# shellcheck disable=SC2046
# Unattended, as a fleet is upgraded: the packaged foyer.conf changed since the old release and
# the deployer edited it, so dpkg would ask; --force-confold keeps the edit (the new file is put
# beside it as foyer.conf.dpkg-dist).
upgraded=$(apt_root -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install --no-install-recommends $(debs_in new) 2>&1)
upgrade_rc=$?
echo "$upgraded" >"$OUT/upgrade.log"
check "upgrade to $VERSION with apt-get install ./…deb (unattended, --force-confold)" \
    sh -c "[ $upgrade_rc -eq 0 ] || { tail -n 5 '$OUT/upgrade.log'; false; }"
check "foyerctl --version prints $VERSION" \
    sh -c "chroot '$ROOT' foyerctl --version | grep -qx 'foyerctl ${VERSION%%-*}'"
check "the upgrade keeps the edited /etc/foyer/foyer.conf" grep -qx 'id=hall-b-07' "$ROOT/etc/foyer/foyer.conf"
if cmp -s <(dpkg-deb --fsys-tarfile "$ROOT"/tmp/debs/old/foyer_*.deb | tar -xOf - ./etc/foyer/foyer.conf) \
          <(dpkg-deb --fsys-tarfile "$ROOT"/tmp/debs/new/foyer_*.deb | tar -xOf - ./etc/foyer/foyer.conf); then
    result SKIP "the new packaged foyer.conf is beside the edited one" "the packaged file did not change"
else
    check "the new packaged foyer.conf is beside the edited one (foyer.conf.dpkg-dist)" \
        sh -c "test -s '$ROOT/etc/foyer/foyer.conf.dpkg-dist' && ! grep -qx 'id=hall-b-07' '$ROOT/etc/foyer/foyer.conf.dpkg-dist'"
fi
check "/etc/foyer/foyer.conf is root:foyer 0640" \
    test "$(in_root stat -c '%a %U:%G' /etc/foyer/foyer.conf)" = "640 root:foyer"
check "the upgrade keeps the database (the visitor is still there)" \
    sh -c "chroot '$ROOT' setpriv --reuid=foyer-kiosk --regid=foyer-kiosk --init-groups foyerctl --config /etc/foyer/foyer.conf stats --json | grep -q '\"registrations\" : 1'"
as_kiosk foyerctl --config /etc/foyer/foyer.conf export >"$OUT/export-after-upgrade.csv" 2>"$OUT/export.log"
check "the visitor registered with $OLD_VERSION is exported by $VERSION (foyerctl export)" \
    grep -q '张伟' "$OUT/export-after-upgrade.csv"
# Today's schema, as a fresh database made by the new foyerctl has it (no version is hard-coded).
sed 's|^database=.*|database=/var/lib/foyer/fresh.db|' "$ROOT/etc/foyer/foyer.conf" >"$ROOT/var/lib/foyer/fresh.conf"
in_root chown foyer-kiosk: /var/lib/foyer/fresh.conf
echo '{"full_name":"Fresh"}' | as_kiosk foyerctl --config /var/lib/foyer/fresh.conf register >/dev/null 2>>"$OUT/register.log"
new_schema=$(schema_of "$ROOT/var/lib/foyer/fresh.db")
upgraded_schema=$(schema_of "$ROOT/var/lib/foyer/foyer.db")
rm -f "$ROOT"/var/lib/foyer/fresh.*
if [ "$OLD_FROM" = "this tree relabelled" ]; then
    result SKIP "the upgrade migrates the database" "the old version is this tree (no .git): same schema"
else
    check "the upgrade migrates the database: schema $old_schema -> ${upgraded_schema:-?} (today's: ${new_schema:-?})" \
        test -n "$old_schema" -a -n "$new_schema" -a "${old_schema:-0}" -lt "${new_schema:-0}" -a "${upgraded_schema:-}" = "$new_schema"
fi
check "the database is 0600 foyer-kiosk" test "$(in_root stat -c '%a %U' /var/lib/foyer/foyer.db)" = "600 foyer-kiosk"
check "installed binaries are hardened (PIE, RELRO, BIND_NOW, stack protector, FORTIFY)" \
    "$HERE/check-hardening.py" --fortify "$ROOT/usr/bin/foyer" "$ROOT/usr/bin/foyerctl"
check "man pages foyer(1) and foyerctl(1)" \
    test -s "$ROOT/usr/share/man/man1/foyer.1.gz" -a -s "$ROOT/usr/share/man/man1/foyerctl.1.gz"

# --- units ------------------------------------------------------------------------------------
check "systemd-analyze verify foyer-kiosk.service" \
    in_root systemd-analyze verify --man=no /lib/systemd/system/foyer-kiosk.service
check "foyer-kiosk.service restarts cage (Restart=always) and runs the kiosk loop" \
    sh -c "grep -qx 'Restart=always' '$ROOT/lib/systemd/system/foyer-kiosk.service' &&
           grep -q '^ExecStart=/usr/bin/cage .*/usr/libexec/foyer/foyer-kiosk-session' '$ROOT/lib/systemd/system/foyer-kiosk.service'"
check "foyer-kiosk.service is enabled for the next boot" \
    test -L "$ROOT/etc/systemd/system/graphical.target.wants/foyer-kiosk.service"
if [ "$HAVE_HUB" = yes ]; then
    check "the installed foyer-hub is hardened (PIE, RELRO, BIND_NOW, stack protector, FORTIFY)" \
        "$HERE/check-hardening.py" --fortify --no-prctl "$ROOT/usr/bin/foyer-hub"
    check "systemd-analyze verify foyer-hub.service" \
        in_root systemd-analyze verify --man=no /lib/systemd/system/foyer-hub.service
    # "OK" or better: systemd-analyze rates 2.0–4.9 as OK, below as SAFE.
    in_root systemd-analyze security --offline=yes /lib/systemd/system/foyer-hub.service >"$OUT/hub-security.txt" 2>&1
    exposure=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p' "$OUT/hub-security.txt")
    check "foyer-hub.service exposure ${exposure:-?} is at most 2.5 (systemd-analyze security)" \
        "$PY" -c "import sys; sys.exit(not (0 <= float('${exposure:-99}') <= 2.5))"
    # The hub in its own network namespace (only loopback), as its user, on its default address.
    mkdir -p "$ROOT/var/lib/foyer-hub" && in_root chown foyer-hub:foyer-hub /var/lib/foyer-hub && chmod 0700 "$ROOT/var/lib/foyer-hub"
    check "foyer-hub serve answers GET /v1/health on 127.0.0.1:8470" unshare -n sh -c "
        ip link set lo up
        chroot '$ROOT' setpriv --reuid=foyer-hub --regid=foyer-hub --init-groups env HOME=/var/lib/foyer-hub \
            foyer-hub --config /etc/foyer/hub.conf serve >'$OUT/hub.log' 2>&1 &
        hub=\$!
        for i in \$(seq 50); do
            chroot '$ROOT' curl -fsS http://127.0.0.1:8470/v1/health >'$OUT/health.json' 2>/dev/null && break
            sleep 0.2
        done
        kill \$hub; wait \$hub
        test -s '$OUT/health.json'"
else
    result SKIP "foyer-hub package" "not built: src/hub/ is not in this tree yet"
fi

# --- the installed kiosk under Xvfb ------------------------------------------------------------
display=70
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
fb=$(mktemp -d)
Xvfb ":$display" -screen 0 1280x800x24 -fbdir "$fb" -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
XVFB_PID=$!
for i in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done
kiosk_shot() { # name language lang-env…: starts the installed kiosk, screenshots it, stops it
    local name=$1 language=$2; shift 2
    cp "$ROOT/etc/foyer/foyer.conf" "$ROOT/var/lib/foyer/$name.conf"
    sed -i "s/^#language=zh_CN$/language=$language/" "$ROOT/var/lib/foyer/$name.conf"
    in_root chown foyer-kiosk: "/var/lib/foyer/$name.conf"
    setsid chroot "$ROOT" setpriv --reuid=foyer-kiosk --regid=foyer-kiosk --init-groups /usr/bin/env -i \
        PATH=/usr/bin:/bin HOME=/var/lib/foyer DISPLAY=":$display" GDK_BACKEND=x11 GSK_RENDERER=cairo \
        NO_AT_BRIDGE=1 "$@" dbus-run-session -- foyer --kiosk --config "/var/lib/foyer/$name.conf" \
        >"$OUT/kiosk-$name.log" 2>&1 &
    local pid=$!  # setsid: the kiosk, its bus and dbus-run-session are process group $pid
    sleep 8
    "$PY" "$HERE/xwd-to-png.py" "$fb/Xvfb_screen0" "$OUT/kiosk-$name.png"
    kill -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    sleep 1
}
kiosk_shot en en LANG=C.UTF-8
# The usual ways out, typed on the X display (cage 0.1.4 has no virtual-keyboard protocol, and
# cage itself binds no keys: it refuses VT switching). The kiosk process must survive each.
cp "$ROOT/etc/foyer/foyer.conf" "$ROOT/var/lib/foyer/keys.conf" && in_root chown foyer-kiosk: /var/lib/foyer/keys.conf
start_kiosk() { # log [--kiosk]: the installed kiosk on the X display; prints its session id
    setsid chroot "$ROOT" setpriv --reuid=foyer-kiosk --regid=foyer-kiosk --init-groups /usr/bin/env -i \
        PATH=/usr/bin:/bin HOME=/var/lib/foyer DISPLAY=":$display" GDK_BACKEND=x11 GSK_RENDERER=cairo \
        NO_AT_BRIDGE=1 LANG=C.UTF-8 dbus-run-session -- foyer ${2:-} --config /var/lib/foyer/keys.conf \
        >"$OUT/$1.log" 2>&1 &
    echo $!
}
kiosk_pid() { ps -o pid=,comm= --sid "$1" | awk '$2 == "foyer" { print $1; exit }'; }
# Control: Ctrl+Q quits a windowed (not kiosk) Foyer, so keys typed here do reach the window.
keys_sid=$(start_kiosk windowed-keys)
sleep 8
windowed=$(kiosk_pid "$keys_sid")
DISPLAY=":$display" xdotool mousemove 300 300 key ctrl+q >/dev/null 2>&1
sleep 3
check "control: Ctrl+Q quits a windowed Foyer (the typed keys reach it)" \
    test -n "$windowed" -a -n "$keys_sid" -a -z "$(kiosk_pid "$keys_sid")"
kill -- -"$keys_sid" 2>/dev/null; wait "$keys_sid" 2>/dev/null
keys_sid=$(start_kiosk kiosk-keys --kiosk)
sleep 8
first=$(kiosk_pid "$keys_sid")
for keys in ctrl+q ctrl+w Escape alt+F4 F11 ctrl+alt+BackSpace super; do
    DISPLAY=":$display" xdotool mousemove 300 300 key "$keys" >/dev/null 2>&1
    sleep 2
    check "$keys does not end the installed kiosk (pid $first)" test -n "$first" -a "$(kiosk_pid "$keys_sid")" = "$first"
done
kill -- -"$keys_sid" 2>/dev/null; wait "$keys_sid" 2>/dev/null
kiosk_shot zh_CN zh_CN                 # LANG unset, as on a bare console
mo=$ROOT/usr/share/locale/zh_CN/LC_MESSAGES/foyer.mo
mv "$mo" "$mo.hidden"
kiosk_shot zh_CN-no-catalog zh_CN
mv "$mo.hidden" "$mo"
kill "$XVFB_PID"; wait "$XVFB_PID" 2>/dev/null; XVFB_PID=; rm -rf "$fb"
check "the installed kiosk shows something (en screenshot is not blank)" \
    "$PY" "$HERE/compare-shots.py" not-blank "$OUT/kiosk-en.png"
check "zh_CN kiosk differs from the en one (screenshots)" \
    "$PY" "$HERE/compare-shots.py" differ "$OUT/kiosk-zh_CN.png" "$OUT/kiosk-en.png"
check "the installed zh_CN catalog is what translates it (hiding foyer.mo changes the screen)" \
    "$PY" "$HERE/compare-shots.py" differ "$OUT/kiosk-zh_CN.png" "$OUT/kiosk-zh_CN-no-catalog.png"
check "the installed catalog translates the scan page's strings" \
    sh -c "chroot '$ROOT' env LANGUAGE=zh_CN LANG=C.UTF-8 gettext -d foyer 'Register without a code' | grep -qv 'Register without a code'"
check "the icon is installed under the name the desktop file uses" \
    sh -c "icon=\$(sed -n 's/^Icon=//p' '$ROOT/usr/share/applications/io.github.foyer.Foyer.desktop');
           test -s '$ROOT/usr/share/icons/hicolor/scalable/apps/'\$icon.svg"

# --- the kiosk session: cage on the headless backend --------------------------------------------
"$HERE/kiosk-session-test.sh" "$ROOT" "$OUT" | while IFS= read -r line; do
    case $line in
        "ok "*) echo "$line" ;;
        "not ok "*) echo "$line" ;;
        *) echo "# $line" ;;
    esac
done >"$OUT/kiosk-session.tap"
while IFS= read -r line; do
    case $line in
        "ok "*"# SKIP"*) l=${line#ok * - }; result SKIP "kiosk session: ${l%% # SKIP*}" "${l#* # SKIP }" ;;
        "ok "*) result OK "kiosk session: $(echo "$line" | sed 's/^ok [0-9]* - //')" ;;
        "not ok "*) result FAIL "kiosk session: $(echo "$line" | sed 's/^not ok [0-9]* - //')" ;;
        *) echo "$line" ;;
    esac
done <"$OUT/kiosk-session.tap"

# --- purge ------------------------------------------------------------------------------------
check "apt-get purge $PACKAGES" apt_root purge $PACKAGES
snapshot >"$OUT/after.list"
# Kept by policy (docs/deploy.md): the kiosk's and the hub's data, never deleted by a package tool.
comm -13 "$OUT/before.list" "$OUT/after.list" |
    grep -Ev '^\./var/lib/(foyer|foyer-hub)(/|$)' >"$OUT/left-behind.list"
check "purge leaves nothing behind but /var/lib/foyer and /var/lib/foyer-hub" \
    sh -c "test ! -s '$OUT/left-behind.list' || { head -n 20 '$OUT/left-behind.list'; false; }"
finish
