#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when po/POTFILES.in is not sorted, lists a file twice or one that does not exist, or
misses a source or UI file with translatable strings (_(), N_(), C_(), ngettext,
translatable="yes"): such strings would never reach the .pot and go obsolete in the .po files.

Usage: check-potfiles.py SOURCE_ROOT"""
import os
import re
import sys

MARKERS = re.compile(r'(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2?)\s*\(')
TRANSLATABLE = re.compile(r'translatable\s*=\s*"yes"')


def uses_gettext(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if path.endswith('.ui'):
        return TRANSLATABLE.search(text) is not None
    return MARKERS.search(text) is not None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        listed = [line.strip() for line in f
                  if line.strip() and not line.lstrip().startswith('#')]
    problems = []

    if listed != sorted(listed):
        problems.append('po/POTFILES.in is not sorted (run: sort -o po/POTFILES.in po/POTFILES.in)')
    seen = set()
    for name in listed:
        if name in seen:
            problems.append('listed twice: ' + name)
        seen.add(name)
        if not os.path.isfile(os.path.join(root, name)):
            problems.append('listed but missing: ' + name)

    for top, exts in (('src', ('.c', '.h')), ('ui', ('.ui',))):
        for dirpath, _dirs, files in os.walk(os.path.join(root, top)):
            for file in files:
                if not file.endswith(exts):
                    continue
                path = os.path.join(dirpath, file)
                name = os.path.relpath(path, root)
                if name not in seen and uses_gettext(path):
                    problems.append('translatable strings but not in po/POTFILES.in: ' + name)

    for problem in problems:
        print(problem)
    print('1..1')
    print(('not ok' if problems else 'ok') + ' 1 POTFILES.in is complete, sorted and unique')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
