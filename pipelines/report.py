"""The text of `depeches eval`: the figures of each gold set side by side, accuracy by confidence band, errors."""

from pipelines.evaluate import BANDS, Report

__all__ = ["report_lines"]

NAME_WIDTH = 22
COLUMN_WIDTH = 20


def _cells(values: list[str]) -> str:
    return "".join(f"{value:>{COLUMN_WIDTH}}" for value in values)


def _band_cell(report: Report, low: float) -> str:
    right, total = report.bands[low]
    return f"{right / total:.3f} ({total})" if total else "-"


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
    lines.append("accuracy of body, date and region together, by confidence band (facts):")
    for low, high in zip(BANDS, BANDS[1:] + (1.0,)):
        lines.append(f"  {low:.1f}–{high:.1f}".ljust(NAME_WIDTH) + _cells([_band_cell(r, low) for r in reports.values()]))
    if verbose:
        for name, report in reports.items():
            lines.append(f"errors in {name} (article, field, got, want, span):")
            lines += [f"  {a}\t{f}\t{g!r}\t{w!r}\t{s}" for a, f, g, w, s in report.errors]
    return lines
