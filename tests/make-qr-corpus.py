#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make-qr-corpus.py: a generated QR corpus in classes, the same every run (fixed seed).

    make-qr-corpus.py OUTDIR [STAMP]

Writes OUTDIR/CLASS/NN.png with OUTDIR/CLASS/NN.txt (the exact payload) for each class below,
and STAMP (default OUTDIR/stamp) when done. Codes of versions 1-10 (error correction M, byte mode text), module sizes
2-12 px, at 640x480, 1280x720 and 500x500, under one condition per class. The decoder is tuned
and measured on classes, never on single files (tests/decode-corpus --compare). Debian
packages: python3-qrcode, python3-pil, python3-numpy.
"""
import os
import random
import string
import sys

import numpy as np
import qrcode
from PIL import Image, ImageFilter

SEED = 20261205
PER_CLASS = 8
SIZES = [(640, 480), (1280, 720), (500, 500)]
# byte-mode capacity at error correction M, versions 1-10
CAPACITY = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
ALPHABET = string.ascii_letters + string.digits + " .,:;-/+=?&%@"


def payload(rng, version):
    cap = CAPACITY[version - 1]
    n = rng.randint(max(1, cap // 2), cap - 1)
    text = "".join(rng.choice(ALPHABET) for _ in range(n))
    return "q" + text[1:]  # a lower-case letter keeps it out of alphanumeric mode


def code_modules(text, version):
    qr = qrcode.QRCode(version=version, error_correction=qrcode.constants.ERROR_CORRECT_M,
                       box_size=1, border=4)
    qr.add_data(text.encode("ascii"), optimize=0)
    qr.make(fit=False)
    return np.array(qr.get_matrix(), dtype=bool)  # True = dark, quiet zone included


def code_image(modules, module_px, dark=30, light=225):
    pixels = np.where(np.kron(modules, np.ones((module_px, module_px), dtype=bool)), dark, light)
    return Image.fromarray(pixels.astype(np.uint8), "L")


def background(rng, size, kind):
    w, h = size
    if kind == "plain":
        return Image.new("L", size, rng.randint(150, 210))
    nprng = np.random.default_rng(rng.randrange(1 << 30))
    y, x = np.mgrid[0:h, 0:w]
    fx, fy = rng.uniform(0.005, 0.03), rng.uniform(0.005, 0.03)
    base = 120 + 45 * np.sin(x * fx + y * fy) + 25 * np.cos(y * 0.07 + x * 0.011)
    base += nprng.normal(0, 18, size=(h, w))
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "L")
    # a few hard-edged shapes: signs, clothing, a table edge
    arr = np.array(img)
    for _ in range(8):
        rw, rh = rng.randint(20, w // 3), rng.randint(20, h // 3)
        rx, ry = rng.randint(0, w - rw), rng.randint(0, h - rh)
        arr[ry:ry + rh, rx:rx + rw] = rng.randint(20, 235)
    return Image.fromarray(arr, "L")


def place(rng, bg, code, mask=None):
    w, h = bg.size
    cw, ch = code.size
    if cw > w or ch > h:
        scale = min(w / cw, h / ch) * 0.95
        code = code.resize((int(cw * scale), int(ch * scale)), Image.NEAREST)
        if mask is not None:
            mask = mask.resize(code.size, Image.NEAREST)
        cw, ch = code.size
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    bg.paste(code, (x, y), mask)
    return bg


def rotated(code, angle):
    mask = Image.new("L", code.size, 255).rotate(angle, resample=Image.BILINEAR, expand=True)
    return code.rotate(angle, resample=Image.BILINEAR, expand=True), mask


def perspective(rng, code):
    w, h = code.size
    d = 0.22
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    dst = [(x + rng.uniform(-d, d) * w, y + rng.uniform(-d, d) * h) for x, y in src]
    # PIL maps output to input: solve the homography from dst (output) to src (input)
    a = []
    for (xo, yo), (xi, yi) in zip(dst, src):
        a.append([xo, yo, 1, 0, 0, 0, -xi * xo, -xi * yo])
        a.append([0, 0, 0, xo, yo, 1, -yi * xo, -yi * yo])
    b = [c for p in src for c in p]
    coeffs = np.linalg.solve(np.array(a, dtype=float), np.array(b, dtype=float))
    minx = min(p[0] for p in dst)
    miny = min(p[1] for p in dst)
    out_w = int(max(p[0] for p in dst) - minx) + 1
    out_h = int(max(p[1] for p in dst) - miny) + 1
    # shift so the output starts at the quad's corner
    shift = np.array([[1, 0, minx], [0, 1, miny], [0, 0, 1]])
    m = np.append(coeffs, 1).reshape(3, 3) @ shift
    m = (m / m[2, 2]).flatten()[:8]
    img = code.transform((out_w, out_h), Image.PERSPECTIVE, tuple(m), Image.BILINEAR, fillcolor=0)
    mask = Image.new("L", code.size, 255).transform((out_w, out_h), Image.PERSPECTIVE, tuple(m),
                                                    Image.BILINEAR, fillcolor=0)
    return img, mask


def make(rng, cls, i):
    version = rng.randint(1, 10)
    size = SIZES[i % len(SIZES)]
    text = payload(rng, version)
    modules = code_modules(text, version)
    n = modules.shape[0]
    fit = max(2, min(12, int(min(size) * 0.8 / n)))
    module_px = rng.randint(min(3, fit), min(6, fit))
    dark, light = 30, 225
    bg_kind = "plain"
    angle = 0
    post = None

    if cls == "versions":
        version = 1 + i % 10
        text = payload(rng, version)
        modules = code_modules(text, version)
        n = modules.shape[0]
        module_px = max(2, min(5, int(min(size) * 0.8 / n)))
    elif cls == "module-2-3px":
        module_px = rng.randint(2, 3)
    elif cls == "module-8-12px":
        version = rng.randint(1, 3)
        text = payload(rng, version)
        modules = code_modules(text, version)
        n = modules.shape[0]
        module_px = rng.randint(8, max(8, min(12, int(min(size) * 0.9 / n))))
    elif cls == "rotation":
        angle = rng.uniform(0, 360)
    elif cls == "perspective":
        pass
    elif cls == "blur":
        module_px = max(module_px, 4)
        post = ("blur", rng.uniform(0.8, 1.8))
    elif cls == "low-contrast":
        dark = rng.randint(95, 125)
        light = dark + rng.randint(30, 50)
    elif cls == "uneven-light":
        post = ("light", None)
    elif cls == "inverted":
        dark, light = 225, 30
    elif cls == "small-in-large":
        size = (1280, 720)
        module_px = 2
        bg_kind = "textured"
    elif cls == "textured":
        bg_kind = "textured"
        angle = rng.uniform(-20, 20)
    elif cls == "dark-rotated-500":
        size = (500, 500)
        module_px = rng.randint(2, 3)
        angle = rng.uniform(0, 360)
        bg_kind = "dark"

    code = code_image(modules, module_px, dark, light)
    mask = None
    if angle:
        code, mask = rotated(code, angle)
    if cls == "perspective":
        code, mask = perspective(rng, code)
    if bg_kind == "dark":
        bg = Image.new("L", size, rng.randint(10, 40))
    else:
        bg = background(rng, size, bg_kind)
    img = place(rng, bg, code, mask)
    if post and post[0] == "blur":
        img = img.filter(ImageFilter.GaussianBlur(post[1]))
    elif post and post[0] == "light":
        w, h = img.size
        y, x = np.mgrid[0:h, 0:w]
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        fall = 1.0 - 0.7 * np.clip(np.hypot(x - cx, y - cy) / max(w, h), 0, 1)
        arr = np.array(img, dtype=float) * fall
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    # sensor noise on everything, a little
    nprng = np.random.default_rng(rng.randrange(1 << 30))
    arr = np.array(img, dtype=float) + nprng.normal(0, 3, size=(img.size[1], img.size[0]))
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    return img, text


CLASSES = ["versions", "module-2-3px", "module-8-12px", "rotation", "perspective", "blur",
           "low-contrast", "uneven-light", "inverted", "small-in-large", "textured",
           "dark-rotated-500"]


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: make-qr-corpus.py OUTDIR [STAMP]")
    out = sys.argv[1]
    stamp = sys.argv[2] if len(sys.argv) == 3 else os.path.join(out, "stamp")
    for cls in CLASSES:
        rng = random.Random(f"{SEED}-{cls}")
        os.makedirs(os.path.join(out, cls), exist_ok=True)
        for i in range(PER_CLASS):
            img, text = make(rng, cls, i)
            base = os.path.join(out, cls, f"{i:02d}")
            img.save(base + ".png", optimize=False, compress_level=1)
            with open(base + ".txt", "w", encoding="ascii", newline="") as f:
                f.write(text)
    with open(stamp, "w", encoding="ascii") as f:
        f.write(f"{SEED} {len(CLASSES)} classes x {PER_CLASS}\n")


if __name__ == "__main__":
    main()
