"""Small inline SVG charts (lines, bars, points) for report.html: a self-contained page needs no plotting library,
no script and no network. Every label is HTML-escaped here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
WIDTH, HEIGHT = 420, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 40

Point = tuple[float, float]


@dataclass(frozen=True)
class Frame:
    """Data ranges mapped onto the plot area, with the axes, ticks and labels drawn around it."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    x_label: str
    y_label: str

    def x(self, value: float) -> float:
        low, high = self.x_range
        return LEFT + (value - low) / ((high - low) or 1) * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        low, high = self.y_range
        return HEIGHT - BOTTOM - (value - low) / ((high - low) or 1) * (HEIGHT - TOP - BOTTOM)

    def axes(self, x_ticks: Sequence[tuple[float, str]]) -> list[str]:
        left, bottom = LEFT, HEIGHT - BOTTOM
        parts = [f'<line x1="{left}" y1="{TOP}" x2="{left}" y2="{bottom}" stroke="#333"/>',
                 f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="#333"/>']
        low, high = self.y_range
        for i in range(5):
            value = low + (high - low) * i / 4
            parts.append(f'<text x="{left - 4}" y="{self.y(value) + 4:.1f}" text-anchor="end">{value:.2g}</text>')
        parts += [f'<text x="{self.x(v):.1f}" y="{bottom + 14}" text-anchor="middle">{escape(t)}</text>'
                  for v, t in x_ticks]
        parts.append(f'<text x="{(left + WIDTH - RIGHT) / 2}" y="{HEIGHT - 6}" text-anchor="middle">'
                     f'{escape(self.x_label)}</text>')
        parts.append(f'<text transform="translate(12 {(TOP + bottom) / 2}) rotate(-90)" text-anchor="middle">'
                     f'{escape(self.y_label)}</text>')
        return parts


def line_chart(series: Mapping[str, Sequence[Point]], *, x_label: str, y_label: str, title: str) -> str:
    """One line with markers per series (pass@k against k, one per env), y in [0, 1]."""
    xs = [x for points in series.values() for x, _ in points] or [1.0]
    frame = Frame((min(xs), max(xs)), (0.0, 1.0), x_label, y_label)
    ticks = [(x, f"{x:g}") for x in sorted(set(xs))]
    parts = frame.axes(ticks)
    for index, (name, points) in enumerate(series.items()):
        color = PALETTE[index % len(PALETTE)]
        path = " ".join(f"{frame.x(x):.1f},{frame.y(y):.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts += [f'<circle cx="{frame.x(x):.1f}" cy="{frame.y(y):.1f}" r="3" fill="{color}"/>' for x, y in points]
        parts.append(f'<text x="{LEFT + 8}" y="{TOP + 12 + 14 * index}" fill="{color}">{escape(name)}</text>')
    return _svg(title, parts)


def bar_chart(bars: Sequence[tuple[str, float]], *, x_label: str, y_label: str, title: str) -> str:
    """Labelled bars (a reward histogram: counts per bin)."""
    top = max((value for _, value in bars), default=0.0) or 1.0
    frame = Frame((0.0, float(len(bars))), (0.0, top), x_label, y_label)
    parts = frame.axes([(i + 0.5, label) for i, (label, _) in enumerate(bars)])
    for i, (label, value) in enumerate(bars):
        x0, x1, y = frame.x(i + 0.1), frame.x(i + 0.9), frame.y(value)
        parts.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{x1 - x0:.1f}" height="{frame.y(0) - y:.1f}" '
                     f'fill="{PALETTE[0]}"><title>{escape(label)}: {value:g}</title></rect>')
    return _svg(title, parts)


def scatter(points: Sequence[Point], *, x_label: str, y_label: str, title: str) -> str:
    """Points with a little transparency, so that piles show (completion length against reward)."""
    xs = [x for x, _ in points] or [0.0]
    frame = Frame((0.0, max(max(xs), 1.0)), (0.0, 1.0), x_label, y_label)
    high = frame.x_range[1]
    parts = frame.axes([(high * i / 4, f"{high * i / 4:.0f}") for i in range(5)])
    parts += [f'<circle cx="{frame.x(x):.1f}" cy="{frame.y(y):.1f}" r="3" fill="{PALETTE[0]}" fill-opacity="0.35"/>'
              for x, y in points]
    return _svg(title, parts)


def _svg(title: str, parts: Sequence[str]) -> str:
    body = "\n".join(parts)
    return (f'<figure><svg width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" font-size="11" '
            f'font-family="sans-serif">\n{body}\n</svg><figcaption>{escape(title)}</figcaption></figure>')
