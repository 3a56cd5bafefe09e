import click


@click.command()
@click.argument("path")
def main(path):
    print(sum(1 for _ in open(path)))
