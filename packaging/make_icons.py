"""Draw the app icon and write it as PNG (the source), .ico (Windows) and .icns (macOS).

    python packaging/make_icons.py

Drawn with Qt, which the app already depends on, and packed by hand: both
formats are a small header and a list of PNG images, so no image library is
needed. Re-run after changing the drawing; the outputs are committed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# (type, pixel size): the PNG-carrying entries macOS reads, 1x and 2x.
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
              ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512))


def draw(size: int) -> bytes:
    """A house on a blue tile with a tick: a home visit, explained and agreed. PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 100.0
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#1d5d90"))
    p.drawRoundedRect(QRectF(4 * s, 4 * s, 92 * s, 92 * s), 20 * s, 20 * s)
    house = QPainterPath()
    house.moveTo(QPointF(18 * s, 52 * s))
    house.lineTo(QPointF(46 * s, 26 * s))
    house.lineTo(QPointF(74 * s, 52 * s))
    house.lineTo(QPointF(66 * s, 52 * s))
    house.lineTo(QPointF(66 * s, 80 * s))
    house.lineTo(QPointF(26 * s, 80 * s))
    house.lineTo(QPointF(26 * s, 52 * s))
    house.closeSubpath()
    p.setBrush(QColor("#ffffff"))
    p.drawPath(house)
    p.setBrush(QColor("#ffbf47"))
    p.drawEllipse(QRectF(52 * s, 50 * s, 38 * s, 38 * s))
    pen = QPen(QColor("#0b0c0c"), max(1.5, 6 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    tick = QPainterPath()
    tick.moveTo(QPointF(61 * s, 69 * s))
    tick.lineTo(QPointF(68 * s, 76 * s))
    tick.lineTo(QPointF(81 * s, 61 * s))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(tick)
    p.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """ICONDIR, one ICONDIRENTRY per size, then the PNGs (Windows Vista and later read PNG entries)."""
    sizes = sorted(images)
    offset = 6 + 16 * len(sizes)
    head = struct.pack("<HHH", 0, 1, len(sizes))
    entries, body = b"", b""
    for size in sizes:
        png = images[size]
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(body))
        body += png
    return head + entries + body


def icns(images: dict[int, bytes]) -> bytes:
    chunks = b"".join(kind.encode("ascii") + struct.pack(">I", 8 + len(images[size])) + images[size]
                      for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QImage text needs it
    sizes = sorted(set(ICO_SIZES) | {size for _, size in ICNS_TYPES})
    images = {size: draw(size) for size in sizes}
    OUT.mkdir(exist_ok=True)
    (OUT / "familyprivacy.png").write_bytes(images[1024])
    (OUT / "familyprivacy.ico").write_bytes(ico({s: images[s] for s in ICO_SIZES}))
    (OUT / "familyprivacy.icns").write_bytes(icns(images))
    for name in ("familyprivacy.png", "familyprivacy.ico", "familyprivacy.icns"):
        print(f"{OUT / name}: {(OUT / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
