#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the hardening of built (or installed) executables with readelf (issue 14 item 15).

  check-hardening.py [--fortify] [--no-prctl] [--foyerctl PATH] BINARY…

Each BINARY must be a PIE with full RELRO (GNU_RELRO segment, BIND_NOW), use the stack protector
(__stack_chk_fail) and call prctl (PR_SET_DUMPABLE, 0 in main). With --fortify, it must also call
glibc's fortified functions (__*_chk). With --foyerctl and when run as root, a running foyerctl is
checked to be non-dumpable (nobody may not read its /proc/PID/environ although it runs as nobody).
Prints TAP.
"""
import argparse
import os
import re
import subprocess
import sys
import time


def readelf(args, path):
    return subprocess.run(['readelf', '-W'] + args + [path], check=True, text=True,
                          capture_output=True, env=dict(os.environ, LC_ALL='C')).stdout


def dynamic_symbols(path):
    names = set()
    for line in readelf(['--dyn-syms'], path).splitlines():
        fields = line.split()
        if len(fields) >= 8 and fields[0].endswith(':'):
            names.add(fields[7].split('@')[0])
    return names


def checks(path, fortify, prctl=True):
    header = readelf(['--file-header'], path)
    segments = readelf(['--program-headers'], path)
    dynamic = readelf(['--dynamic'], path)
    symbols = dynamic_symbols(path)
    yield 'PIE (ELF type DYN with the PIE flag)', \
        re.search(r'Type:\s+DYN', header) is not None and re.search(r'FLAGS_1.*\bPIE\b', dynamic) is not None
    yield 'RELRO (GNU_RELRO segment)', 'GNU_RELRO' in segments
    yield 'BIND_NOW (immediate binding)', \
        re.search(r'\(FLAGS\).*\bBIND_NOW\b', dynamic) is not None or \
        re.search(r'\(FLAGS_1\).*\bNOW\b', dynamic) is not None
    yield 'stack protector (__stack_chk_fail)', '__stack_chk_fail' in symbols
    if prctl:
        yield 'core dumps disabled (calls prctl)', 'prctl' in symbols
    if fortify:
        fortified = sorted(s for s in symbols if re.fullmatch(r'__\w+_chk', s) and s != '__stack_chk_fail')
        yield 'FORTIFY_SOURCE (fortified calls: %s)' % ', '.join(fortified[:4]), bool(fortified)


AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups']


def environ_readable_by_nobody(argv):
    """Start argv as nobody and say whether nobody may read its /proc/PID/environ: the kernel
    refuses that to the same user exactly when the process is not dumpable."""
    proc = subprocess.Popen(AS_NOBODY + argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        name = os.path.basename(argv[0])
        while True:  # until setpriv has exec'd argv and main has begun
            try:
                if os.path.basename(os.readlink('/proc/%d/exe' % proc.pid)) == name:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError('%s did not start as nobody (can nobody reach it?)' % argv[0])
            time.sleep(0.05)
        time.sleep(0.3)
        read = subprocess.run(AS_NOBODY + ['cat', '/proc/%d/environ' % proc.pid],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return read.returncode == 0
    finally:
        proc.stdin.close()
        proc.kill()
        proc.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--fortify', action='store_true')
    parser.add_argument('--foyerctl')
    parser.add_argument('--no-prctl', action='store_true',
                        help='do not require prctl (a service whose unit sets LimitCORE=0)')
    parser.add_argument('binaries', nargs='+')
    args = parser.parse_args()
    results = []
    for path in args.binaries:
        for name, ok in checks(path, args.fortify, not args.no_prctl):
            results.append(('%s: %s' % (os.path.basename(path), name), ok, ''))
    if args.foyerctl:
        if os.geteuid() == 0:
            # The control (a plain program) shows that the probe can see a dumpable process.
            results.append(('control: a running cat is dumpable',
                            environ_readable_by_nobody(['/bin/cat']), ''))
            results.append(('foyerctl: a running foyerctl is not dumpable',
                            not environ_readable_by_nobody([args.foyerctl, 'parse']), ''))
        else:
            results.append(('foyerctl: a running foyerctl is not dumpable', True,
                            ' # SKIP needs root to run it as another user'))
    print('1..%d' % len(results))
    failed = 0
    for i, (name, ok, directive) in enumerate(results, 1):
        print('%sok %d - %s%s' % ('' if ok else 'not ', i, name, directive))
        failed += not ok
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
