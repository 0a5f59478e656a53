"""The files of an alerts run: Markdown and JSON of what it reports, and the Atom feed of the watchlist."""

from dataclasses import dataclass
from pathlib import Path

from pipelines.desk.alert_report import as_json, markdown
from pipelines.desk.alerts import AlertReport
from pipelines.desk.atom import atom_feed

__all__ = ["AlertOutput", "write_alerts"]


@dataclass(frozen=True)
class AlertOutput:
    """What a run prints (empty when nothing is to be reported) and the files it wrote."""

    text: str
    markdown_path: Path
    json_path: Path
    atom_path: Path


def write_alerts(report: AlertReport, out_dir: str | Path, only_new: bool, site_url: str | None = None) -> AlertOutput:
    """Write <watchlist>.md and .json (the new events, or every matching one) and <watchlist>.atom (the feed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    hits = report.new_hits if only_new else list(report.hits)
    text = markdown(report, hits, site_url)
    paths = [out / f"{report.watchlist.name}.{ext}" for ext in ("md", "json", "atom")]
    paths[0].write_text(text, "utf-8")
    paths[1].write_text(as_json(report, hits, site_url) + "\n", "utf-8")
    paths[2].write_text(atom_feed(report, site_url), "utf-8")
    return AlertOutput(text, *paths)
