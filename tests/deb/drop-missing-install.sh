#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Run from debian/rules (execute_before_dh_install) when run-deb-tests.sh builds an OLD release
# with today's packaging: drops the debian/*.install lines whose files that release does not have
# (in the tree or in the staging directory debian/tmp), which dh_install would fail on.
set -eu
for f in debian/*.install; do
    : >"$f.new"
    while IFS= read -r line; do
        src=${line%% *}
        # shellcheck disable=SC2086
        if [ -z "$src" ] || ls -d $src >/dev/null 2>&1 || ls -d debian/tmp/$src >/dev/null 2>&1; then
            echo "$line" >>"$f.new"
        else
            echo "drop-missing-install: $f: $src is not in this release" >&2
        fi
    done <"$f"
    mv "$f.new" "$f"
done
