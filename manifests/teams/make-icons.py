#!/usr/bin/env python3
"""Draws the Teams app icons with no dependencies: color.png (192x192, full colour) and outline.png
(32x32, white on transparent), a small bar chart. Run from this folder: python3 make-icons.py"""
import struct
import zlib


def png(path, width, height, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def bars(size):
    """Three rising bars (the AI cost falling under the human cost), as (x0, y0, x1, y1) boxes."""
    unit = size / 32
    return [(int(6 * unit), int(18 * unit), int(11 * unit), int(26 * unit)),
            (int(13.5 * unit), int(12 * unit), int(18.5 * unit), int(26 * unit)),
            (int(21 * unit), int(6 * unit), int(26 * unit), int(26 * unit))]


def inside(x, y, boxes):
    return any(x0 <= x < x1 and y0 <= y < y1 for x0, y0, x1, y1 in boxes)


teal, white, clear = (31, 111, 92, 255), (255, 255, 255, 255), (0, 0, 0, 0)
png("color.png", 192, 192, lambda x, y: white if inside(x, y, bars(192)) else teal)
png("outline.png", 32, 32, lambda x, y: white if inside(x, y, bars(32)) else clear)
