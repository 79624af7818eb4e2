"""A signature pad: mouse, touch and pen draw the same strokes, kept as vectors, not a picture.

Each stroke is a list of ``(x, y, t_ms)`` points, x and y in the pad's own pixels
and t the milliseconds since the first point of the signature: what the
decision record stores (``Capture.signature_strokes``).
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from familyprivacy.consent.model import MAX_STROKE_POINTS
from familyprivacy.i18n import _
from familyprivacy.ui import access, theme

Point = tuple[float, float, float]
MAX_STROKES = 500


class SignaturePad(QWidget):
    """Draw with any pointer; ``strokes()`` gives the vector strokes, ``clear()`` starts again."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[list[Point]] = []
        self._drawing = False
        self._clock = QElapsedTimer()
        self.label = ""  # the words shown with the pad, its accessible name
        access.set_role(self, QAccessible.Role.Canvas)  # a surface to draw on, not a nameless "client"
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(160)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.label or _("Signature pad"))
        self._describe()
        self.update()

    def _describe(self) -> None:
        """What a screen reader says of the pad: how to sign, or that it is signed (a change it hears)."""
        self.setAccessibleDescription(_("Sign here with a finger, a pen or the mouse.") if self.is_empty()
                                      else _("Signed."))

    def sizeHint(self) -> QSize:
        return QSize(480, 180)

    # -- the strokes ---------------------------------------------------------------------------------
    def strokes(self) -> tuple[tuple[Point, ...], ...]:
        return tuple(tuple(s) for s in self._strokes if s)

    def point_count(self) -> int:
        return sum(len(s) for s in self._strokes)

    def is_empty(self) -> bool:
        return not any(self._strokes)

    def clear(self) -> None:
        self._strokes = []
        self._drawing = False
        self.update()
        self._describe()
        self.changed.emit()

    def _begin(self, pos: QPointF) -> None:
        if len(self._strokes) >= MAX_STROKES or self.point_count() >= MAX_STROKE_POINTS:
            return
        if not self._clock.isValid() or self.is_empty():
            self._clock.start()
        self._strokes.append([])
        self._drawing = True
        self._add(pos)

    def _add(self, pos: QPointF) -> None:
        if not self._drawing or self.point_count() >= MAX_STROKE_POINTS:
            return
        x = round(min(max(pos.x(), 0.0), float(self.width())), 1)
        y = round(min(max(pos.y(), 0.0), float(self.height())), 1)
        stroke = self._strokes[-1]
        if stroke and stroke[-1][:2] == (x, y):
            return
        stroke.append((x, y, float(self._clock.elapsed())))
        self.update()

    def _end(self, pos: QPointF | None = None) -> None:
        if self._drawing:
            if pos is not None:
                self._add(pos)
            self._drawing = False
            self._describe()
            self.changed.emit()

    # -- mouse, pen, touch ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._add(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position())
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        """A pen: accepted here, so Qt does not also send the synthesised mouse events."""
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._add(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._end(event.position())
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            assert isinstance(event, QTouchEvent)
            points = event.points()
            if points:  # one finger signs; others (a resting palm) are ignored
                pos = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(pos)
                elif kind == QEvent.Type.TouchUpdate:
                    self._add(pos)
                else:
                    self._end(pos)
            event.accept()
            return True
        return super().event(event)

    # -- drawing -------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        # The theme's colours (ui/theme.py, held to WCAG contrast by tests/test_contrast.py): an edge
        # that shows against the page, a focus ring that shows against the edge, in either theme.
        colours = theme.pad_colours(theme.is_high_contrast(QApplication.palette()))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(colours.background))
        painter.setPen(QPen(QColor(colours.edge), 2))
        painter.drawRect(self.rect().adjusted(1, 1, -2, -2))
        baseline = self.height() - 36
        painter.setPen(QPen(QColor(colours.guide), 1, Qt.PenStyle.DashLine))
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        if self.is_empty():
            painter.setPen(QColor(colours.hint))
            painter.drawText(self.rect().adjusted(16, 0, -16, -40),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             _("Sign here with a finger, a pen or the mouse."))
        painter.setPen(QPen(QColor(colours.ink), 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        for stroke in self._strokes:
            if len(stroke) == 1:
                painter.drawPoint(QPointF(stroke[0][0], stroke[0][1]))
                continue
            path = QPainterPath(QPointF(stroke[0][0], stroke[0][1]))
            for x, y, _t in stroke[1:]:
                path.lineTo(x, y)
            painter.drawPath(path)
        if self.hasFocus():
            painter.setPen(QPen(QColor(colours.focus), 3))
            painter.drawRect(self.rect().adjusted(2, 2, -3, -3))
        painter.end()


def signature_picture(strokes: tuple[tuple[tuple[float, float, float], ...], ...], width: int = 320,
                      height: int = 110) -> QPixmap:
    """The strokes, scaled to fit: proof on screen that a signature is there, before saving."""
    pixmap = QPixmap(width, height)
    pixmap.fill(QColor("#ffffff"))
    points = [p for s in strokes for p in s]
    if not points:
        return pixmap
    left, top = min(p[0] for p in points), min(p[1] for p in points)
    span = max(max(p[0] for p in points) - left, max(p[1] for p in points) - top, 1.0)
    scale = min((width - 16) / span, (height - 16) / span)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#102a54"), 2))
    for stroke in strokes:
        path = QPainterPath(QPointF(8 + (stroke[0][0] - left) * scale, 8 + (stroke[0][1] - top) * scale))
        for x, y, _t in stroke[1:]:
            path.lineTo(8 + (x - left) * scale, 8 + (y - top) * scale)
        painter.drawPath(path)
    painter.end()
    return pixmap
