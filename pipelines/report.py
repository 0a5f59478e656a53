"""The text of `depeches eval`: the figures of each gold set side by side, the reliability of the confidence, errors."""

from pipelines.evaluate import Report
from pipelines.train import BANDS, reliability, scored

__all__ = ["report_lines"]

NAME_WIDTH = 22
COLUMN_WIDTH = 20


def _cells(values: list[str]) -> str:
    return "".join(f"{value:>{COLUMN_WIDTH}}" for value in values)


def _reliability_lines(reports: dict[str, Report]) -> list[str]:
    """For each confidence band and gold set: mean confidence / accuracy (facts)."""
    tables, hows = [], []
    for report, (confidences, how) in zip(reports.values(), scored([r.samples for r in reports.values()])):
        tables.append({band.low: band for band in reliability(report.samples, confidences)})
        hows.append(how)
    lines = ["confidence against accuracy of body, date and region together, by band: mean / accuracy (facts)",
             " " * NAME_WIDTH + _cells(hows)]
    for low, high in zip(BANDS, BANDS[1:] + (1.0,)):
        cells = [f"{t[low].mean_confidence:.2f} / {t[low].accuracy:.2f} ({t[low].count})" if low in t else "-"
                 for t in tables]
        lines.append(f"  {low:.1f}–{high:.1f}".ljust(NAME_WIDTH) + _cells(cells))
    return lines


def report_lines(reports: dict[str, Report], verbose: bool = False) -> list[str]:
    """Lines to print for evaluation reports, one column a gold set (named by its path)."""
    names = list(reports)
    lines = [" " * NAME_WIDTH + _cells(names)]
    counts = {"articles": "articles", "amounts_gold": "gold amounts (EUR)", "amounts_predicted": "predicted amounts",
              "amounts_matched": "matched amounts"}
    for attribute, label in counts.items():
        lines.append(f"{label:<{NAME_WIDTH}}" + _cells([str(getattr(r, attribute)) for r in reports.values()]))
    figures = [r.figures() for r in reports.values()]
    lines += [f"{name:<{NAME_WIDTH}}" + _cells([f"{f[name]:.3f}" for f in figures]) for name in figures[0]]
    lines += _reliability_lines(reports)
    if verbose:
        for name, report in reports.items():
            lines.append(f"errors in {name} (article, field, got, want, span):")
            lines += [f"  {a}\t{f}\t{g!r}\t{w!r}\t{s}" for a, f, g, w, s in report.errors]
    return lines
