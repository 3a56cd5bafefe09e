import csv
from importlib import resources
from pathlib import Path

import click
from jinja2 import Environment, PackageLoader, select_autoescape

ENV = Environment(loader=PackageLoader("inventory"), autoescape=select_autoescape(), trim_blocks=True)


def load(path: Path | None) -> list[dict[str, str]]:
    text = path.read_text() if path else resources.files("inventory").joinpath("sample.csv").read_text()
    return list(csv.DictReader(text.splitlines()))


@click.group()
def main() -> None:
    """Stock reports from CSV files (columns: sku, name, quantity, reorder_at)."""


@main.command()
@click.argument("csv_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def report(csv_file: Path | None) -> None:
    """Print the stock report; without a file, for the bundled sample."""
    rows = load(csv_file)
    low = [r for r in rows if int(r["quantity"]) <= int(r["reorder_at"])]
    click.echo(ENV.get_template("report.txt").render(rows=rows, low=low))
