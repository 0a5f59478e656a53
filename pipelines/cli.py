"""The depeches command line: thin commands over the library functions."""

import json
import sys
from datetime import date
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from extract import DEFAULT_MODEL
from models import StoreError
from pipelines.guard import store_failure

__all__ = ["main"]

DB_HELP = "Store: a SQLite file path or any SQLAlchemy URL (default: $DEPECHES_DB, else depeches.db)."
FORMAT_CHOICE = click.Choice(["table", "csv", "json"])
WORKERS_HELP = "Processes running the NLP on this machine (default: the number of cores; 1 = this process only)."
# The gold sets `depeches eval` measures when given none: the corpus written with the rules, the development set in
# the shapes of published pages, more of those shapes that no model trains on, and the frozen test set.
DEFAULT_GOLD = ("corpus/gold", "corpus/dev", "corpus/heldout", "corpus/realistic")
DASK_HELP = "Run the NLP on a Dask cluster: a scheduler address (tcp://host:8786) or local:N for N local workers."


def _cores() -> int:
    from pipelines.workers import default_workers

    return default_workers()


def _fail(message: str) -> None:
    raise click.ClickException(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="depeches")
def main() -> None:
    """depeches: French news dispatches in, money facts out, queryable with SQL.

    \b
    Example:
      depeches ingest corpus/samples --db depeches.db
      depeches facts --region Normandie --since 2020-01-01
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="spaCy French model.")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1, 10_000), help="Articles per batch.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--workers", type=click.IntRange(1), default=_cores, envvar="DEPECHES_WORKERS", help=WORKERS_HELP)
@click.option("--dask", "dask_address", metavar="ADDRESS", help=DASK_HELP)
def ingest(paths, db, model, batch_size, quiet, workers, dask_address) -> None:
    """Read dumps (files or folders of .txt, .html, .jsonl, .jsonl.gz, .warc, .warc.gz) and load their facts.

    Re-ingesting the same dump adds nothing; an article whose text changed replaces its old rows.
    Whatever cannot be read is recorded as a reject with its reason and location.

    \b
    Example:
      depeches ingest corpus/samples --db depeches.db
      depeches ingest big.jsonl.gz --workers 2 --db postgresql+psycopg://me@dbhost/depeches
      depeches ingest big.jsonl.gz --dask tcp://scheduler:8786
      depeches ingest crawl-2024.warc.gz --db depeches.db
    """
    from pipelines.ingest import ingest as run_ingest
    from pipelines.workers import ClusterError

    try:
        summary = run_ingest(paths, db, model, batch_size, progress=not quiet, workers=workers, dask=dask_address)
    except (StoreError, ClusterError) as error:
        _fail(str(error))
    except SQLAlchemyError as error:
        _fail(store_failure(error))
    for line in summary.lines():
        click.echo(line)
    if summary.counts.read == 0:
        _fail("no article could be read from " + ", ".join(paths))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", "as_jsonl", is_flag=True, default=True, help="One JSON object per article (the default).")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="spaCy French model.")
@click.option("--workers", type=click.IntRange(1), default=_cores, envvar="DEPECHES_WORKERS", help=WORKERS_HELP)
def extract(paths, as_jsonl, model, workers) -> None:
    """Print the facts and entities of dumps in the extract format, without touching a database.

    Rejects are reported on standard error.

    \b
    Example:
      depeches extract corpus/samples/txt --jsonl > facts.jsonl
    """
    from pipelines.records import extract_records

    count = 0
    for item in extract_records(paths, model, workers=workers):
        if not isinstance(item, dict):
            where = f"{item.source}:{item.line}" if item.line else item.source
            click.echo(f"rejected {where}: {item.reason}", err=True)
        else:
            click.echo(json.dumps(item, ensure_ascii=False))
            count += 1
    if count == 0:
        _fail("no article could be read from " + ", ".join(paths))


@main.command()
@click.argument("sql")
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
def query(sql, db, fmt) -> None:
    """Run one read-only SQL statement on the store; a statement that would write is refused.

    \b
    Example:
      depeches query "SELECT region, sum(amount) FROM fact_view GROUP BY region" --format csv
    """
    from pipelines.query import QueryError, format_result, run_query

    try:
        click.echo(format_result(run_query(sql, db), fmt))
    except (QueryError, StoreError) as error:
        _fail(str(error))


@main.command()
@click.option("--region", help="Official region name, e.g. Normandie.")
@click.option("--body", help="Part of a body's name, e.g. 'Caisse des dépôts'.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Facts dated (or published) on or after YYYY-MM-DD.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Facts dated (or published) on or before YYYY-MM-DD.")
@click.option("--min-amount", type=float, help="Smallest amount, in the fact's currency.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1))
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
def facts(region, body, since, until, min_amount, limit, db, fmt) -> None:
    """List facts, largest amounts first, for the everyday questions without SQL.

    \b
    Example:
      depeches facts --region Normandie --since 2020-01-01 --until 2020-12-31
    """
    from pipelines.query import FactFilter, QueryError, find_facts, format_result

    fact_filter = FactFilter(region, body, since.date() if since else None, until.date() if until else None,
                             min_amount, limit)
    try:
        click.echo(format_result(find_facts(fact_filter, db), fmt))
    except (QueryError, StoreError) as error:
        _fail(str(error))


@main.group()
def db() -> None:
    """Look after the store's schema.

    \b
    Example:
      depeches db upgrade --db depeches.db
    """


@db.command()
@click.option("--db", "db_url", envvar="DEPECHES_DB", help=DB_HELP)
def upgrade(db_url) -> None:
    """Bring the store's schema to this version of depeches (Alembic migrations; back the store up first).

    A missing store is created. Views are rebuilt; tables keep their rows.

    \b
    Example:
      depeches db upgrade --db postgresql+psycopg://me@dbhost/depeches
    """
    from models import make_engine
    from models.store import upgrade_store

    try:
        engine = make_engine(db_url)
        before, after = upgrade_store(engine)
    except StoreError as error:
        _fail(str(error))
    engine.dispose()
    if before == after:
        click.echo(f"the store is at schema version {after}, the current one: nothing to do")
    else:
        click.echo(f"store upgraded from schema version {before} to {after}")


@main.command(name="eval")
@click.argument("gold", nargs=-1, type=click.Path(exists=True))
@click.option("-v", "--verbose", is_flag=True, help="Also list every error: article, field, got, want.")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="spaCy French model.")
def evaluate(gold, verbose, model) -> None:
    """Measure extraction quality on gold annotations, each set in its own column.

    Without arguments: corpus/gold (written with the rules), corpus/dev (a development set in the shapes of
    published pages), corpus/heldout (more of those shapes, never trained on) and corpus/realistic (a frozen test
    set), side by side.

    \b
    Example:
      depeches eval
      depeches eval corpus/realistic -v
    """
    from pipelines.evaluate import evaluate as run_eval
    from pipelines.report import report_lines

    paths = gold or [p for p in DEFAULT_GOLD if Path(p).exists()]
    if not paths:
        _fail(f"no gold set given and none of {', '.join(DEFAULT_GOLD)} here: name a folder of gold.jsonl files")
    reports = {path: run_eval([path], model) for path in paths}
    for line in report_lines(reports, verbose):
        click.echo(line)


@main.command()
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 unless other machines must reach the site.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--review", is_flag=True,
              help="Add a form to correct each fact, for whoever opens the link with the token printed at start.")
def serve(db, host, port, review) -> None:
    """Browse the store in a web browser, read-only: dashboard with charts, events, facts, full-text search.

    Facts link to their article with the sentence highlighted; nothing on the site can change the store. With
    --review, each fact's page gets a form to correct it: the only write, to the corrections table, allowed to the
    holders of the review link printed at start.

    \b
    Example:
      depeches serve --db depeches.db --port 8001
      depeches serve --review --db depeches.db
    """
    from pipelines.serve import Site, serve as run_serve, store_path

    try:
        run_serve(Site(store_path(db), host, port, review), announce=click.echo)
    except StoreError as error:
        _fail(str(error))


def _reviewer() -> str:
    import getpass

    return getpass.getuser()


@main.command()
@click.argument("fact_id", type=int)
@click.option("--body", help="The body the amount belongs to, in canonical form ('' to say the text names none).")
@click.option("--role", help="The body's role: funder or recipient ('' when the text does not say).")
@click.option("--date", "date_", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD ('' when the text gives none).")
@click.option("--region", help="An official region name, e.g. Bretagne ('' for a national or foreign amount).")
@click.option("--qualifier", help="exact, approx, min, max or range.")
@click.option("--amount", help="The amount, a number in the fact's currency, e.g. 3700000.")
@click.option("--not-a-fact", is_flag=True, help="The amount is no money fact: hide it from every output.")
@click.option("--is-a-fact", is_flag=True, help="Undo --not-a-fact.")
@click.option("--note", help="Why, for the other reviewers.")
@click.option("--by", default=_reviewer, show_default="your login name", help="Who corrects.")
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
def correct(fact_id, body, role, date_, region, qualifier, amount, not_a_fact, is_a_fact, note, by, db) -> None:
    """Correct a fact (its fact_id in fact_view or on the site); prints what changed.

    The extracted values stay in the store beside the correction; fact_view, the events, alerts, digests, charts
    and exports show the corrected ones. The correction holds across re-ingests of the same text.

    \b
    Example:
      depeches correct 42 --body "Région Bretagne" --role funder --region Bretagne --note "vote du 4 mars" --db depeches.db
      depeches correct 43 --not-a-fact --note "montant d'un encadré publicitaire"
    """
    from models.corrections import CorrectionError
    from pipelines.corrections import correct as record, describe

    if not_a_fact and is_a_fact:
        _fail("--not-a-fact and --is-a-fact contradict each other: give one")
    given = {"body": body, "body_role": role, "date": date_, "region": region, "qualifier": qualifier,
             "amount": amount, "not_a_fact": True if not_a_fact else False if is_a_fact else None}
    try:
        recorded = record(db, fact_id, {k: v for k, v in given.items() if v is not None}, by, note)
    except (CorrectionError, StoreError) as error:
        _fail(str(error))
    for line in describe(recorded):
        click.echo(line)


@main.group()
def corrections() -> None:
    """The desk's corrections: list them, and export the corrected articles as gold annotations.

    \b
    Example:
      depeches corrections list --db depeches.db
      depeches corrections export --out desk-gold/gold.jsonl
    """


@corrections.command(name="list")
@click.option("--orphaned", is_flag=True,
              help="Only the corrections whose fact is gone: its text changed, or no amount is extracted there now.")
@click.option("--history", is_flag=True, help="Also the corrections a newer one replaced.")
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
def corrections_list(orphaned, history, db, fmt) -> None:
    """List the corrections in force, oldest first, each with the fact it applies to now (fact_id).

    \b
    Example:
      depeches corrections list --db depeches.db
      depeches corrections list --orphaned --format csv
    """
    from pipelines.corrections import read_corrections
    from pipelines.query import format_result

    try:
        click.echo(format_result(read_corrections(db, orphaned, history), fmt))
    except StoreError as error:
        _fail(str(error))


@corrections.command(name="export")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Gold file to write (one article a line, facts.md's format); the texts go beside it as <id>.txt.")
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
def corrections_export(out, db) -> None:
    """Write every corrected article as a gold annotation: all its facts, corrected where the desk corrected them.

    `depeches eval FILE` then scores the pipeline against what the desk said (here: depeches eval
    desk-gold/gold.jsonl -v).

    \b
    Example:
      depeches corrections export --out desk-gold/gold.jsonl --db depeches.db
    """
    from pipelines.corrections import export_gold

    try:
        count = export_gold(db, out)
    except StoreError as error:
        _fail(str(error))
    click.echo(f"wrote {count} corrected articles to {out}")


@main.command()
@click.option("--watchlist", required=True, type=click.Path(exists=True, dir_okay=False),
              help="TOML file of [[rule]] tables (name, bodies, regions, people, keywords, min_amount).")
@click.option("--since-last", is_flag=True,
              help="Only the events that are new since the last run on this watchlist; prints nothing if none.")
@click.option("--out", "out_dir", default="alerts", show_default=True, type=click.Path(file_okay=False),
              help="Folder for <watchlist>.md, <watchlist>.json and the feed <watchlist>.atom.")
@click.option("--site-url", help="Address of 'depeches serve' (http://127.0.0.1:8001) for links to the sentence.")
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
def alerts(watchlist, since_last, out_dir, site_url, db) -> None:
    """Match the store against a watchlist's rules and report the matching events, as Markdown, JSON and Atom.

    What was reported is remembered in the store: with --since-last a second run with nothing new prints nothing.
    The Atom file lists every event the watchlist has matched, for a feed reader to subscribe to.

    \b
    Example:
      depeches alerts --watchlist corpus/watchlists/example.toml --since-last --out alerts
    """
    from pipelines.desk.alert_files import write_alerts
    from pipelines.desk.alerts import run_alerts
    from pipelines.desk.watchlist import WatchlistError, load_watchlist

    try:
        report = run_alerts(load_watchlist(watchlist), db)
    except (WatchlistError, StoreError) as error:
        _fail(str(error))
    output = write_alerts(report, out_dir, only_new=since_last, site_url=site_url)
    if output.text:
        click.echo(output.text, nl=False)


@main.command()
@click.option("--since", default="7d", show_default=True,
              help="Facts that arrived in the store since: 7d, 2w, 24h, or a date YYYY-MM-DD.")
@click.option("--out", default="digest.html", show_default=True, type=click.Path(dir_okay=False),
              help="HTML file to write.")
@click.option("--site-url", help="Address of 'depeches serve' (http://127.0.0.1:8001) for links to the sentence.")
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
def digest(since, out, site_url, db) -> None:
    """Write one self-contained HTML page of the new facts: events by region and by body, charts, sources.

    The page loads nothing and runs no script: it can be mailed as it is.

    \b
    Example:
      depeches digest --since 7d --out digest.html
    """
    from datetime import datetime, timezone
    from pathlib import Path

    from pipelines.desk.digest import build_digest
    from pipelines.desk.since import SinceError, parse_since

    try:
        start = parse_since(since, datetime.now(timezone.utc).replace(tzinfo=None))
        page = build_digest(start, db, site_url)
    except (SinceError, StoreError) as error:
        _fail(str(error))
    Path(out).write_text(page.html, "utf-8")
    click.echo(f"wrote {out}: {page.events} events ({page.mentions} mentions in {page.sources} articles) "
               f"since {start:%Y-%m-%d %H:%M} UTC")


@main.command()
@click.option("--format", "fmt", required=True, type=click.Choice(["csv", "jsonl", "xlsx", "parquet"]),
              help="csv and jsonl go to standard output without --out; xlsx and parquet need --out.")
@click.option("--out", type=click.Path(dir_okay=False), help="File to write.")
@click.option("--region", help="Official region name, e.g. Normandie.")
@click.option("--body", help="Part of a body's name, e.g. 'Caisse des dépôts'.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Facts dated (or published) on or after YYYY-MM-DD.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Facts dated (or published) on or before YYYY-MM-DD.")
@click.option("--min-amount", type=float, help="Smallest amount, in the fact's currency.")
@click.option("--limit", default=0, show_default=True, type=click.IntRange(0), help="Most rows; 0 for all.")
@click.option("--db", envvar="DEPECHES_DB", help=DB_HELP)
def export(fmt, out, region, body, since, until, min_amount, limit, db) -> None:
    """Export facts (one row per mention, with its event id) as CSV, JSON lines, Excel or Parquet.

    \b
    Example:
      depeches export --format xlsx --out normandie.xlsx --region Normandie --since 2020-01-01
    """
    from pipelines.desk.export import read_export, write_export
    from pipelines.query import FactFilter

    fact_filter = FactFilter(region, body, since.date() if since else None, until.date() if until else None,
                             min_amount, limit)
    try:
        table = read_export(fact_filter, db)
        write_export(table, fmt, out, stdout=sys.stdout)
    except (StoreError, ValueError) as error:
        _fail(str(error))
    if out:
        click.echo(f"wrote {len(table.rows)} facts to {out}", err=True)


if __name__ == "__main__":
    sys.exit(main())
