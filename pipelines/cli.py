"""The depeches command line: thin commands over the library functions."""

import json
import sys
from datetime import date

import click

from extract.nlp import DEFAULT_MODEL
from models import StoreError
from pipelines.readers import Reject

__all__ = ["main"]

DB_HELP = "Store: a SQLite file path or any SQLAlchemy URL (default: $DEPECHES_DB, else depeches.db)."
FORMAT_CHOICE = click.Choice(["table", "csv", "json"])


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
def ingest(paths, db, model, batch_size, quiet) -> None:
    """Read dumps (files or folders of .txt, .html, .jsonl, .jsonl.gz) and load their facts into the store.

    Re-ingesting the same dump adds nothing; an article whose text changed replaces its old rows.
    Whatever cannot be read is recorded as a reject with its reason and location.

    \b
    Example:
      depeches ingest corpus/samples --db depeches.db
    """
    from pipelines.ingest import ingest as run_ingest

    try:
        summary = run_ingest(paths, db, model, batch_size, progress=not quiet)
    except StoreError as error:
        _fail(str(error))
    for line in summary.lines():
        click.echo(line)
    if summary.counts.read == 0:
        _fail("no article could be read from " + ", ".join(paths))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--jsonl", "as_jsonl", is_flag=True, default=True, help="One JSON object per article (the default).")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="spaCy French model.")
def extract(paths, as_jsonl, model) -> None:
    """Print the facts and entities of dumps in the extract format, without touching a database.

    Rejects are reported on standard error.

    \b
    Example:
      depeches extract corpus/samples/txt --jsonl > facts.jsonl
    """
    from pipelines.records import extract_records

    count = 0
    for item in extract_records(paths, model):
        if isinstance(item, Reject):
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


@main.command(name="eval")
@click.argument("gold", nargs=-1, type=click.Path(exists=True))
@click.option("-v", "--verbose", is_flag=True, help="Also list every error: article, field, got, want.")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="spaCy French model.")
def evaluate(gold, verbose, model) -> None:
    """Measure extraction quality on gold annotations (default: corpus/gold).

    \b
    Example:
      depeches eval corpus/gold -v
    """
    from pipelines.evaluate import evaluate as run_eval
    from pipelines.report import report_lines

    report = run_eval(gold or ["corpus/gold"], model)
    for line in report_lines(report, verbose):
        click.echo(line)


if __name__ == "__main__":
    sys.exit(main())
