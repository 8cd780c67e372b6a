#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Foyer's front door: installs what is missing (Debian 12, root or sudo), builds, runs or tests.
#
#   packaging/dev.sh run [KIOSK OPTIONS…]   build and start the kiosk with embedded defaults
#   packaging/dev.sh test                   the whole suite: normal build, ASan/UBSan build, fuzzers
#   packaging/dev.sh build                  build only (into _build)
#   packaging/dev.sh bench [NAME…]          build and run the benchmarks (they print their figures)
#   packaging/dev.sh deps                   install the Debian packages only
#   packaging/dev.sh deb                    build the Debian packages into _build-deb (no test suite)
#   packaging/dev.sh deb-test               build them, then install and test them in a fresh Debian 12 root
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${FOYER_BUILD_DIR:-$ROOT/_build}
SAN_BUILD=${FOYER_SAN_BUILD_DIR:-$ROOT/_build-sanitize}
FUZZ_BUILD=${FOYER_FUZZ_BUILD_DIR:-$ROOT/_build-fuzz}
FUZZ_SECONDS=${FOYER_FUZZ_SECONDS:-60}
DEB_OUT=${FOYER_DEB_DIR:-$ROOT/_build-deb}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'dev.sh: %s\n' "$*" >&2; exit 1; }

package_list() {
    grep -hv '^\s*\(#\|$\)' "$@" | tr -d ' '
}

install_packages() {
    local lists=("$ROOT/packaging/debian-packages.txt")
    [ "${1:-}" = test ] && [ -f "$ROOT/packaging/debian-test-packages.txt" ] &&
        lists+=("$ROOT/packaging/debian-test-packages.txt")
    local missing=()
    local pkg
    for pkg in $(package_list "${lists[@]}"); do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "apt-get not found: install these packages by hand: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "run as root or install sudo; missing packages: ${missing[*]}"
        sudo=(sudo)
    fi
    say "installing ${#missing[@]} Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 update -q || die "apt-get update failed: check the network or the apt sources"
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}" ||
        die "could not install: ${missing[*]}"
}

setup_build() { # dir [meson options…]
    local dir=$1; shift
    if [ -f "$dir/build.ninja" ]; then
        meson setup --reconfigure "$dir" "$ROOT" "$@" >/dev/null
    else
        meson setup "$dir" "$ROOT" "$@"
    fi
    meson compile -C "$dir"
}

setup_fuzz_build() { # dir [meson options…]: configure, then build only the fuzz targets
    local dir=$1; shift
    if [ -f "$dir/build.ninja" ]; then
        meson setup --reconfigure "$dir" "$ROOT" "$@" >/dev/null
    else
        meson setup "$dir" "$ROOT" "$@"
    fi
    # The rest of the tree was built and tested twice already; under clang it is ~3/4 of the work.
    local targets
    targets=$(meson introspect --targets "$dir" | python3 -c '
import json, sys
print(" ".join(t["name"] for t in json.load(sys.stdin)
               if t["type"] == "executable" and t["name"].startswith("fuzz-")))')
    [ -n "$targets" ] || die "no fuzz targets in $dir (is clang the compiler?)"
    # shellcheck disable=SC2086
    meson compile -C "$dir" $targets
}

run_suite() { # dir [extra meson test args…]
    local dir=$1; shift
    local status=0
    # UI tests need a display and a session bus; core tests ignore both.
    xvfb-run -a -s '-screen 0 1280x1024x24' dbus-run-session -- \
        meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" || status=$?
    return $status
}

count_results() { # testlog.json… -> "passed failed skipped"
    python3 - "$@" <<'PY'
import json, sys
ok = fail = skip = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding='utf-8').read().splitlines()
    except OSError:
        continue
    for line in lines:
        if not line.strip():
            continue
        r = json.loads(line).get('result')
        if r in ('OK', 'EXPECTEDFAIL'):
            ok += 1
        elif r == 'SKIP':
            skip += 1
        else:
            fail += 1
print(ok, fail, skip)
PY
}

cmd_test() {
    install_packages test
    local status=0 logs=()
    # One Tryton template database for both builds (keyed by trytond version and setup script):
    # building it is trytond-admin's ~15 s (a minute on a loaded machine), not per build.
    export FOYER_TRYTON_CACHE=${FOYER_TRYTON_CACHE:-$BUILD/tests/tryton-cache}

    # The Debian packages (issue 19) build and run in a Debian root in the background, niced:
    # they mostly wait on apt and the disk while the suites below use the CPU.
    local deb_pid=
    if [ "$(id -u)" -eq 0 ] && [ "${FOYER_DEB_TESTS:-1}" != 0 ]; then
        mkdir -p "$DEB_OUT/test"
        say "Debian packages in the background (log: $DEB_OUT/deb-test.log)"
        ( deb_start=$(date +%s)
          if ! nice -n 10 "$0" deb; then
              echo '{"name": "deb-build", "result": "FAIL"}' >"$DEB_OUT/test/testlog.json"
          else
              nice -n 10 "$ROOT/tests/deb/run-deb-tests.sh" "$DEB_OUT" ||
                  grep -qs '"FAIL"' "$DEB_OUT/test/testlog.json" ||
                  echo '{"name": "deb-tests", "result": "FAIL"}' >>"$DEB_OUT/test/testlog.json"
          fi
          echo "Debian package stage: $(($(date +%s) - deb_start)) s"
        ) >"$DEB_OUT/deb-test.log" 2>&1 </dev/null &
        deb_pid=$!
    fi

    say "build and test: $BUILD"
    setup_build "$BUILD" -Ddevelopment=true
    run_suite "$BUILD" || status=1
    logs+=("$BUILD/meson-logs/testlog.json")

    say "build and test under AddressSanitizer + UndefinedBehaviorSanitizer: $SAN_BUILD"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
        setup_build "$SAN_BUILD" -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
        run_suite "$SAN_BUILD" --no-suite bench --timeout-multiplier 4 || status=1
    logs+=("$SAN_BUILD/meson-logs/testlog.json")

    if command -v clang >/dev/null && [ -d "$ROOT/tests/fuzz" ]; then
        say "fuzz targets for ${FUZZ_SECONDS}s each (clang, libFuzzer, ASan/UBSan): $FUZZ_BUILD"
        CC=clang CXX=clang++ setup_fuzz_build "$FUZZ_BUILD" -Dfuzz=true -Db_sanitize=address,undefined \
            -Db_lundef=false -Dbuildtype=debug
        FOYER_FUZZ_SECONDS=$FUZZ_SECONDS ASAN_OPTIONS=detect_leaks=1 \
            meson test -C "$FUZZ_BUILD" --no-rebuild --suite fuzz --print-errorlogs --num-processes 2 \
            --timeout-multiplier 3 || status=1
        logs+=("$FUZZ_BUILD/meson-logs/testlog.json")
    fi

    if [ -n "$deb_pid" ]; then
        say "waiting for the Debian package stage"
        wait "$deb_pid" || true
        grep -E '^(not ok|# |Debian package stage)|passed, .* failed' "$DEB_OUT/deb-test.log" >&2 || true
        logs+=("$DEB_OUT/test/testlog.json")
    fi

    read -r passed failed skipped < <(count_results "${logs[@]}")
    echo
    echo "All builds: normal, sanitize${FUZZ_BUILD:+, fuzz}${deb_pid:+, Debian packages}"
    printf 'Ok:                 %s\n' "$passed"
    printf 'Fail:               %s\n' "$failed"
    printf 'Skipped:            %s\n' "$skipped"
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] || status=1
    return $status
}

export_tree() { # dest: the source tree as a release has it (tracked and new files, no build dirs)
    local dest=$1
    mkdir -p "$dest"
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # Uncommitted edits are included, so that what is tested is what is in the tree.
        (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
            tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$dest" -xf -
    else # a release tree (git archive): everything but build output
        tar -C "$ROOT" --exclude='./_build*' --exclude='./build*' --exclude=./debian -cf - . |
            tar -C "$dest" -xf -
    fi
}

# Builds the packages from an exported copy of the tree with packaging/debian as debian/.
# FOYER_DEB_VERSION overrides the changelog version.
cmd_deb() {
    install_packages test
    local work src version profiles=() options=${DEB_BUILD_OPTIONS:-nocheck}
    work=$(mktemp -d "${TMPDIR:-/tmp}/foyer-deb.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" EXIT
    src=$work/foyer
    export_tree "$src"
    cp -a "$src/packaging/debian" "$src/debian"
    if [ -n "${FOYER_DEB_VERSION:-}" ]; then
        sed -i "1s/(.*)/($FOYER_DEB_VERSION)/" "$src/debian/changelog"
    fi
    version=$(cd "$src" && dpkg-parsechangelog -SVersion)
    # The hub package is built once the hub's sources exist (src/hub, issue 15).
    [ -f "$src/src/hub/meson.build" ] || profiles+=(nohub)
    case " $options " in *" nocheck "*) profiles+=(nocheck) ;; esac
    say "building the Debian packages $version (DEB_BUILD_OPTIONS=$options, profiles: ${profiles[*]:-none})"
    (cd "$src" && DEB_BUILD_OPTIONS="$options parallel=$(nproc)" \
        DEB_BUILD_PROFILES="${profiles[*]}" dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || {
        tail -n 60 "$work/build.log" >&2
        die "dpkg-buildpackage failed (log above)"
    }
    mkdir -p "$DEB_OUT"
    rm -f "$DEB_OUT"/*_"$version"_*.deb
    mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$DEB_OUT"/
    cp "$work/build.log" "$DEB_OUT/build-$version.log"
    say "lintian (errors and unjustified warnings fail; overrides in packaging/debian/*.lintian-overrides)"
    lintian --fail-on error,warning --display-info "$DEB_OUT/foyer_${version}_$(dpkg --print-architecture).changes" ||
        die "lintian found problems (above)"
    ls -1 "$DEB_OUT"/*_"$version"_*.deb
}

cmd_run() {
    install_packages
    setup_build "$BUILD" -Ddevelopment=true
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        die "no display: start this from a desktop session (or: xvfb-run -a packaging/dev.sh run)"
    fi
    say "starting the kiosk (configuration: ${FOYER_CONFIG:-lookup order, else built-in defaults})"
    # Uninstalled: translations from the build tree, the app icon from data/.
    FOYER_LOCALEDIR="$BUILD/po" XDG_DATA_DIRS="$ROOT/data:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
        exec "$BUILD/src/app/foyer" "$@"
}

cmd_bench() {
    install_packages test
    export FOYER_TRYTON_CACHE=${FOYER_TRYTON_CACHE:-$BUILD/tests/tryton-cache}
    setup_build "$BUILD" -Dbuildtype=release
    # bench-ui paints real windows: a display and a session bus, as the test suite gets them.
    # One benchmark at a time, so that they do not time each other.
    xvfb-run -a -s '-screen 0 1280x1024x24' dbus-run-session -- \
        meson test -C "$BUILD" --benchmark --print-errorlogs --verbose --num-processes 1 \
        --timeout-multiplier 10 "$@"
}

case "${1:-}" in
    run) shift; cmd_run "$@" ;;
    test) shift; cmd_test "$@" ;;
    build) shift; install_packages; setup_build "$BUILD" -Ddevelopment=true ;;
    bench) shift; cmd_bench "$@" ;;
    deps) shift; install_packages test ;;
    deb) shift; cmd_deb "$@" ;;
    deb-test) shift; cmd_deb && "$ROOT/tests/deb/run-deb-tests.sh" "$DEB_OUT" ;;
    *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
