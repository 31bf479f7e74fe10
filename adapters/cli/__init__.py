"""The support CLI: what a support agent needs to answer "why is my Amazon account
not syncing?", plus the operator's commands, under one `sellerlink` entry point.

The package is an application factory; it imports no bootstrap, no dependency-injector and
no other adapter (import-linter). The composition root wires it::

    from adapters.cli import Operations, build_cli

    cli = build_cli(
        get_app=lambda: container.application(),   # called lazily, once per invocation
        operations=Operations(
            serve=lambda host, port: ...,           # run the web API (blocks)
            worker=lambda once: ...,                # run the worker; once = one pass
            sandbox=lambda host, port: ...,         # run the Amazon sandbox alone
            db_upgrade=lambda revision: ...,        # migrate; return a sentence for people
            keys_rotate=lambda batch_size, progress: rotate_keys(db, batch_size, progress),
            dev_token=lambda user, team: ...,       # a signed development JWT
        ),
    )

    def main() -> None:                             # pyproject: sellerlink = bootstrap.cli:main
        cli()

Any operation left as None is simply not offered. bootstrap/cli.py is the real wiring;
tests/integration/cli/conftest.py (`wire_cli`) is a runnable example on a SQLite file, and
test_cli_console_script.py runs the installed `sellerlink` against one.

Commands (all read commands take `--json`; shapes in shapes.py and docs/support.md):

- `connections list [--team T] [--health H]`, `connections show CONNECTION [--team T]`
- `marketplaces history CONNECTION MARKETPLACE`, `marketplaces retry CONNECTION MARKETPLACE
  --operator NAME` (MARKETPLACE: an Amazon marketplace id or a country code)
- `timeline CONNECTION [--since WHEN] [--until WHEN] [--limit N]` (WHEN: ISO, or 7d, 12h)
- `tokens forecast [--days 30] [--team T]`
- `serve`, `worker`, `sandbox`, `db upgrade`, `keys rotate`, `dev token` (when supplied)

Exit codes (exits.py): 0 ok, 1 not found, 2 bad input, 3 refused by a rule, 4 failed for a
reason outside the input (Amazon, internal). Failures print the catalogue's code, message
and remediation (domain/error_catalogue.py), never a traceback unless `--debug`."""

from adapters.cli.exits import ExitCode
from adapters.cli.main import build_cli
from adapters.cli.operations import Operations, RotationStep

__all__ = ["ExitCode", "Operations", "RotationStep", "build_cli"]
