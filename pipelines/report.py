"""The text of `depeches eval`: the figures, accuracy by confidence band, and with -v each error."""

from pipelines.evaluate import BANDS, Report

__all__ = ["report_lines"]


def report_lines(report: Report, verbose: bool = False) -> list[str]:
    """Lines to print for an evaluation report."""
    lines = [f"{report.articles} articles, {report.amounts_gold} gold amounts in euros, "
             f"{report.amounts_predicted} predicted, {report.amounts_matched} matched"]
    lines += [f"{name:<22}{value:.3f}" for name, value in report.figures().items()]
    lines.append("accuracy of body, date and region together, by confidence band:")
    for low, high in zip(BANDS, BANDS[1:] + (1.0,)):
        right, total = report.bands[low]
        share = f"{right / total:.3f}" if total else "  -  "
        lines.append(f"  {low:.1f}–{high:.1f}  {share}  ({total} facts)")
    if verbose:
        lines.append("errors (article, field, got, want, span):")
        lines += [f"  {a}\t{f}\t{g!r}\t{w!r}\t{s}" for a, f, g, w, s in report.errors]
    return lines
