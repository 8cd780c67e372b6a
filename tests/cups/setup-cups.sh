#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# setup-cups.sh: a real CUPS with a cups-pdf queue for test-badge-print.
#
#   setup-cups.sh create QUEUE OUTDIR   start cupsd if needed; QUEUE prints PDFs into OUTDIR
#   setup-cups.sh create-broken QUEUE   a queue whose jobs are always aborted
#   setup-cups.sh create-state QUEUE R  a queue whose printer reports state reason R and hangs
#   setup-cups.sh remove QUEUE          delete QUEUE and its cups-pdf configuration
#   setup-cups.sh start-private DIR     a cupsd of the test's own, configured, spooling and
#                                       listening in DIR (socket DIR/cups.sock); the caller sets
#                                       CUPS_SERVER=DIR/cups.sock for itself and for this script
#   setup-cups.sh stop-private DIR      stops it
#
# Exit 0: ready (the last line of output is the directory the PDFs land in). Exit 77: CUPS cannot
# run here; the last line says why (the test reports it as a TAP skip). Other: a real failure.
# CI runs as root on a fresh Debian 12 without systemd, so cupsd is started directly.
set -u

skip() { echo "$*"; exit 77; }
fail() { echo "setup-cups.sh: $*" >&2; exit 1; }

CUPS_PDF_BACKEND=/usr/lib/cups/backend/cups-pdf
PPD_DIR=/usr/share/ppd/cups-pdf
as_root=false
[ "$(id -u)" -eq 0 ] && as_root=true

scheduler_running() {
    lpstat -r 2>/dev/null | grep -q 'scheduler is running'
}

ensure_installed() {
    if command -v cupsd >/dev/null 2>&1 && command -v lpadmin >/dev/null 2>&1 &&
       [ -e "$CUPS_PDF_BACKEND" ] && [ -d "$PPD_DIR" ]; then
        return 0
    fi
    # packaging/dev.sh test installs them from debian-test-packages.txt; this is the fallback for
    # a bare `meson test` on a machine where they are missing.
    if $as_root && command -v apt-get >/dev/null 2>&1; then
        echo "installing cups and printer-driver-cups-pdf" >&2
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q \
            --no-install-recommends cups cups-client cups-bsd printer-driver-cups-pdf >&2 ||
            skip "CUPS is not installed and apt-get could not install cups, printer-driver-cups-pdf"
    else
        skip "CUPS is not installed (packages cups, cups-client, printer-driver-cups-pdf) and this is not root"
    fi
}

ensure_scheduler() {
    scheduler_running && return 0
    $as_root || skip "the CUPS scheduler (cupsd) is not running and only root can start it"
    mkdir -p /run/cups /var/spool/cups/tmp /var/log/cups /var/cache/cups
    # No systemd in CI: cupsd daemonizes itself.
    cupsd >&2 || fail "cupsd did not start (see /var/log/cups/error_log)"
    i=0
    while ! scheduler_running; do
        i=$((i + 1))
        [ $i -gt 100 ] && fail "cupsd started but does not answer (see /var/log/cups/error_log)"
        sleep 0.1
    done
}

ppd_file() {
    for f in "$PPD_DIR/CUPS-PDF_noopt.ppd" "$PPD_DIR/CUPS-PDF_opt.ppd" "$PPD_DIR"/*.ppd*; do
        [ -e "$f" ] && { echo "$f"; return 0; }
    done
    fail "no cups-pdf PPD in $PPD_DIR"
}

# Queues of earlier test runs that crashed before removing them. Queue names end in the epoch
# second they were made (foyer-test-[broken-]PID-EPOCH); a process id cannot tell, as test runs
# may live in other PID namespaces sharing this cupsd. No test run lasts 15 minutes.
remove_stale() {
    now=$(date +%s)
    for stale in $(lpstat -p 2>/dev/null | awk '/^printer foyer-test-/ { print $2 }'); do
        made=${stale##*-}
        case $made in
            *[!0-9]*|'') continue ;;
        esac
        [ $((now - made)) -gt 900 ] && remove "$stale"
    done
    return 0
}

create() {
    queue=$1 outdir=$2
    ensure_installed
    ensure_scheduler
    remove_stale
    if $as_root; then
        # A configuration of our own for this queue (cups-pdf reads cups-pdf-QUEUE.conf for the
        # device URI cups-pdf:/QUEUE), so the system's cups-pdf.conf is left alone.
        mkdir -p "$outdir"
        chmod 0755 "$outdir"
        cat > "/etc/cups/cups-pdf-$queue.conf" <<CONF
Out $outdir
AnonDirName $outdir
Label 1
Log /var/log/cups
LogType 3
CONF
        out=$outdir
    else
        # Not root, but cupsd runs: cups-pdf writes into the job owner's ~/PDF (the real home, not
        # the test's isolated $HOME).
        out=$(getent passwd "$(id -un)" | cut -d: -f6)/PDF
    fi
    lpadmin -p "$queue" -E -v "cups-pdf:/$queue" -P "$(ppd_file)" \
        -o printer-error-policy=abort-job >&2 ||
        { $as_root && fail "lpadmin could not create $queue"; skip "lpadmin refused to create a queue (not root, not in group lpadmin)"; }
    cupsenable "$queue" >&2 && cupsaccept "$queue" >&2 || fail "cannot enable $queue"
    echo "$out"
}

# A queue whose backend always fails (cups-pdf cannot create its output directory), with the
# abort-job error policy: the job is aborted, as when a printer rejects a document.
create_broken() {
    queue=$1
    $as_root || skip "only root can configure a failing cups-pdf queue"
    ensure_installed
    ensure_scheduler
    printf 'Out /proc/foyer-cannot-write-here\nLog /var/log/cups\nLogType 0\n' \
        > "/etc/cups/cups-pdf-$queue.conf"
    lpadmin -p "$queue" -E -v "cups-pdf:/$queue" -P "$(ppd_file)" \
        -o printer-error-policy=abort-job >&2 || fail "lpadmin could not create $queue"
    echo "$queue"
}

# A raw queue on a backend that reports a printer state reason (as a label printer's backend does
# when it runs out of labels or goes offline) and then hangs until the job is cancelled.
STATE_BACKEND=/usr/lib/cups/backend/foyer-test-state
create_state() {
    queue=$1 reason=$2
    $as_root || skip "only root can install a CUPS backend"
    ensure_installed
    ensure_scheduler
    cat > "$STATE_BACKEND.tmp" <<'BACKEND'
#!/bin/sh
# Foyer's test backend (tests/cups/setup-cups.sh): reports the state reason named in its URI.
if [ $# -eq 0 ]; then
    echo 'direct foyer-test-state "Unknown" "Foyer test printer state"'
    exit 0
fi
reason=${DEVICE_URI#foyer-test-state:/}
echo "STATE: +$reason" >&2
echo "INFO: simulating $reason" >&2
trap 'exit 1' TERM
i=0
while [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
exit 1
BACKEND
    chmod 0755 "$STATE_BACKEND.tmp"
    mv "$STATE_BACKEND.tmp" "$STATE_BACKEND"
    lpadmin -p "$queue" -E -v "foyer-test-state:/$reason" -m raw \
        -o printer-error-policy=abort-job >&2 || fail "lpadmin could not create $queue"
    echo "$queue"
}

# A scheduler of the test's own: nothing the system's cupsd (or another test run) does can
# disturb it, and the test may stop printers on it freely. Root only (cupsd drops to user lp
# for filters, and cups-pdf must run as root to write into our directory).
# The cupsds of test runs that died before stopping theirs (the owner file names the test's pid).
remove_stale_private() {
    for old_dir in "$(dirname "$1")"/foyer-cupsd-*; do
        [ -f "$old_dir/owner" ] && [ -f "$old_dir/cupsd.pid" ] || continue
        kill -0 "$(cat "$old_dir/owner")" 2>/dev/null && continue
        kill "$(cat "$old_dir/cupsd.pid")" 2>/dev/null
        rm -rf "$old_dir"
    done
}

start_private() {
    dir=$1
    $as_root || skip "only root can run a cupsd of its own"
    ensure_installed
    remove_stale_private "$dir"
    echo "$PPID" > "$dir/owner"
    mkdir -p "$dir/etc/ppd" "$dir/spool/tmp" "$dir/cache" "$dir/run" "$dir/log" || fail "cannot create $dir"
    chmod 0755 "$dir" "$dir/spool" "$dir/run"
    chmod 1777 "$dir/spool/tmp"
    cat > "$dir/etc/cups-files.conf" <<CONF
ServerRoot $dir/etc
RequestRoot $dir/spool
TempDir $dir/spool/tmp
CacheDir $dir/cache
StateDir $dir/run
AccessLog $dir/log/access_log
ErrorLog $dir/log/error_log
PageLog $dir/log/page_log
Printcap $dir/run/printcap
FileDevice No
SystemGroup root
CONF
    cat > "$dir/etc/cupsd.conf" <<CONF
Listen $dir/cups.sock
LogLevel warn
Browsing No
WebInterface No
DefaultAuthType None
JobRetryInterval 1
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
    cupsd -f -c "$dir/etc/cupsd.conf" -s "$dir/etc/cups-files.conf" >"$dir/log/stdout" 2>&1 &
    echo $! > "$dir/cupsd.pid"
    i=0
    while ! CUPS_SERVER="$dir/cups.sock" lpstat -r 2>/dev/null | grep -q 'scheduler is running'; do
        i=$((i + 1))
        if [ $i -gt 100 ]; then
            cat "$dir/log/error_log" "$dir/log/stdout" >&2 2>/dev/null
            fail "the test's own cupsd does not answer"
        fi
        sleep 0.1
    done
    echo "$dir/cups.sock"
}

stop_private() {
    dir=$1
    [ -f "$dir/cupsd.pid" ] && kill "$(cat "$dir/cupsd.pid")" 2>/dev/null
    rm -f "$dir/cupsd.pid"
    return 0
}

# (Its own variable name: sh has no locals, and create() calls this through remove_stale.)
remove() {
    old_queue=$1
    lpadmin -x "$old_queue" >/dev/null 2>&1 || true
    $as_root && rm -f "/etc/cups/cups-pdf-$old_queue.conf"
    return 0
}

case "${1:-}" in
    start-private) [ $# -eq 2 ] || fail "usage: $0 start-private DIR"; start_private "$2" ;;
    stop-private) [ $# -eq 2 ] || fail "usage: $0 stop-private DIR"; stop_private "$2" ;;
    create-state) [ $# -eq 3 ] || fail "usage: $0 create-state QUEUE REASON"; create_state "$2" "$3" ;;
    create-broken) [ $# -eq 2 ] || fail "usage: $0 create-broken QUEUE"; create_broken "$2" ;;
    create) [ $# -eq 3 ] || fail "usage: $0 create QUEUE OUTDIR"; create "$2" "$3" ;;
    remove) [ $# -eq 2 ] || fail "usage: $0 remove QUEUE"; remove "$2" ;;
    *) fail "usage: $0 create QUEUE OUTDIR | remove QUEUE" ;;
esac
