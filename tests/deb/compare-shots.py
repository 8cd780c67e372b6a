#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""compare-shots.py not-blank A | differ A B | fullscreen A

not-blank: A has more than a few colours (a page, not an empty window or a black screen).
differ: more than 0.5 % of the pixels differ between A and B (two languages put different text
on the same page; the clock-free kiosk pages are otherwise identical).
fullscreen: A (a compositor's whole output) has no black border: cage paints black where no
window is, so a fullscreen kiosk leaves at most 2 % of the output pure black."""
import sys

from PIL import Image, ImageChops


def main():
    mode, paths = sys.argv[1], sys.argv[2:]
    a = Image.open(paths[0]).convert('RGB')
    if mode == 'not-blank':
        colours = a.getcolors(maxcolors=1 << 20)
        n = len(colours) if colours else 1 << 20
        print('%s: %d colours' % (paths[0], n))
        return n > 16
    if mode == 'differ':
        b = Image.open(paths[1]).convert('RGB')
        if a.size != b.size:
            return True
        diff = ImageChops.difference(a, b).convert('L').point(lambda v: 255 if v > 24 else 0)
        share = diff.histogram()[255] / (a.size[0] * a.size[1])
        print('%.2f %% of the pixels differ' % (100 * share))
        return share > 0.005
    if mode == 'fullscreen':
        black = sum(1 for p in a.getdata() if p == (0, 0, 0))
        share = black / (a.size[0] * a.size[1])
        print('%s: %dx%d, %.2f %% black' % (paths[0], a.size[0], a.size[1], 100 * share))
        return share < 0.02 and len(a.getcolors(maxcolors=1 << 20) or range(1 << 20)) > 16
    sys.exit('unknown mode ' + mode)


sys.exit(0 if main() else 1)
