"""The `ftz` console script: the indexer's commands plus `ftz serve` for the site."""

from __future__ import annotations

from pathlib import Path

import click

from indexer.cli import cli, fail, index_option, measures_option
from indexer.errors import FtzError

# The site (Flask, its templates and catalogs) and the indexer are imported by `serve` only:
# the other commands start faster without them (`ftz index` of one changed record is mostly
# interpreter start-up).


def _gunicorn(factory, options: dict) -> None:
    """Run gunicorn in this process; each worker calls ``factory`` and opens its own index."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return factory()

    Server().run()


def _flask(app, host: str, port: int, debug: bool) -> None:
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep the default unless behind a proxy.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True,
              help="Port to listen on.")
@measures_option
@index_option
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Gunicorn worker processes; 1 runs Flask's own server.")
@click.option("--debug", is_flag=True,
              help="Flask debug mode with reloader: development only, never on a public host.")
def serve(host: str, port: int, measures_dir: Path, index_dir: Path, workers: int, debug: bool):
    """Serve the search site and JSON API, building the index first if it is missing or stale.

    Example: ftz serve --port 8000 --workers 4
    """
    from indexer.engine.build import build_index, index_is_stale

    from . import create_app

    if debug and workers > 1:
        raise click.UsageError("--debug runs Flask's development server; drop --workers.")
    try:
        if index_is_stale(measures_dir, index_dir):
            click.echo("The index is missing or older than the records; building it...", err=True)
            click.echo(build_index(measures_dir, index_dir).summary(), err=True)
    except FtzError as error:
        fail(error)
    config = {"MEASURES_DIR": measures_dir, "INDEX_DIR": index_dir}
    if workers > 1:
        _gunicorn(lambda: create_app(config),
                  {"bind": f"{host}:{port}", "workers": workers, "accesslog": "-"})
    else:
        _flask(create_app(config), host, port, debug)


main = cli


if __name__ == "__main__":  # python -m webapp.cli, as the tests run it
    main()
