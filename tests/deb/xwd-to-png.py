#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""xwd-to-png.py XWD PNG: Xvfb's -fbdir screen file (a 24/32-bit TrueColor XWD) as a PNG.
PIL reads no XWD, and the chroot has no X tools: the format is a header and raw rows."""
import struct
import sys

from PIL import Image

data = open(sys.argv[1], 'rb').read()
for endian in '>', '<':
    fields = struct.unpack(endian + '25I', data[:100])
    if fields[1] == 7:  # XWD_FILE_VERSION
        break
else:
    sys.exit('%s: not an XWD file' % sys.argv[1])
header_size, _, _, depth, width, height, _, byte_order, _, _, _, bpp, bytes_per_line = fields[:13]
ncolors = fields[19]
if bpp != 32:
    sys.exit('%s: %d bits per pixel, expected 32' % (sys.argv[1], bpp))
offset = header_size + 12 * ncolors
raw = 'BGRX' if byte_order == 0 else 'XRGB'
image = Image.frombuffer('RGB', (width, height), data[offset:offset + bytes_per_line * height],
                         'raw', raw, bytes_per_line, 1)
image.save(sys.argv[2])
