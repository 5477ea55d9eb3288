"""The `entrepot` command.

entrepot demo [--port 8000] [--no-serve]   set up the embedded demo and serve it
entrepot serve [--workers N] [--port P]    production server (gunicorn)
entrepot seed [--sellers N] [--products N] [--buyers N] [--orders N] [--seed S]
entrepot manage ...                        Django's management commands
"""

from __future__ import annotations

import argparse
import os
import sys
import time

DEMO_URLS = (
    ("Storefront (zh-Hans)", "/"),
    ("Seller central", "/seller/"),
    ("Back office", "/backoffice/"),
    ("API docs", "/api/docs"),
    ("Health", "/healthz"),
)


def _django_setup(*, manifest_static: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepot.config.settings")
    if manifest_static:
        os.environ["ENTREPOT_STATIC_MANIFEST"] = "1"
    import django

    django.setup()


def _migrate_and_collect() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _gunicorn(*, host: str, port: int, workers: int, threads: int) -> int:
    from django.conf import settings

    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "entrepot.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--worker-tmp-dir",
        str(settings.DATA_DIR),
        "--graceful-timeout",
        "5",
    ]
    import gunicorn

    if gunicorn.version_info >= (27,):
        # one control socket per data directory, not one shared in $HOME
        argv += ["--control-socket", str(settings.DATA_DIR / "gunicorn.ctl")]
    os.environ["ENTREPOT_DATA_DIR"] = str(settings.DATA_DIR)
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover - execv does not return


def cmd_demo(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    _django_setup(manifest_static=True)
    from django.conf import settings
    from django.db import connection

    from entrepot.seeding.defaults import DEMO_PASSWORD, OPERATOR_USERNAME
    from entrepot.seeding.seed import seed
    from entrepot.sellers.models import Seller

    _migrate_and_collect()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
        print(f"Database: {settings.DATABASES['default']['NAME']} (SQLite, journal_mode={mode})")
    if not Seller.objects.exists():
        print("Loading the demo marketplace (first run only)...")
        report = seed(progress=sys.stderr.isatty())
        print(report.summary())
    else:
        print("Demo data already loaded; keeping it.")
    base = f"http://127.0.0.1:{args.port}"
    print(f"\nReady in {time.perf_counter() - started:.1f} s.\n")
    for label, path in DEMO_URLS:
        print(f"  {label:<22} {base}{path}")
    print(f"\nDemo logins (password: {DEMO_PASSWORD})")
    print("  buyer     buyer@example.com")
    print("  seller    seller@example.com")
    print(f"  operator  {OPERATOR_USERNAME}\n")
    sys.stdout.flush()
    if args.no_serve:
        return 0
    return _gunicorn(host="127.0.0.1", port=args.port, workers=args.workers, threads=4)


def cmd_serve(args: argparse.Namespace) -> int:
    _django_setup(manifest_static=True)
    from django.core.management import call_command

    if args.migrate:
        call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return _gunicorn(host=args.host, port=args.port, workers=args.workers, threads=args.threads)


def cmd_seed(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    from entrepot.seeding.seed import seed

    call_command("migrate", interactive=False, verbosity=0)
    try:
        report = seed(
            sellers=args.sellers,
            products=args.products,
            buyers=args.buyers,
            orders=args.orders,
            seed=args.seed,
            progress=not args.quiet,
        )
    except ValueError as exc:
        print(f"entrepot seed: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepot.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["entrepot manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    from entrepot.seeding.defaults import DEMO_SIZES

    parser = argparse.ArgumentParser(
        prog="entrepot", description="Entrepôt cross-border marketplace"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo", help="set up the embedded demo (SQLite) and serve it on 127.0.0.1"
    )
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--workers", type=int, default=2)
    demo.add_argument("--no-serve", action="store_true", help="set up, print the URLs, and exit")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="run the production server (gunicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    serve.add_argument("--threads", type=int, default=2)
    serve.add_argument("--migrate", action="store_true", help="apply migrations first")
    serve.set_defaults(func=cmd_serve)

    seed = sub.add_parser("seed", help="add deterministic synthetic marketplace data")
    for name, default in DEMO_SIZES.items():
        seed.add_argument(
            f"--{name}",
            type=int,
            default=default,
            metavar="N",
            help=f"how many {name} to add (default {default})",
        )
    seed.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    seed.add_argument("--quiet", action="store_true", help="no progress bar")
    seed.set_defaults(func=cmd_seed)

    manage = sub.add_parser("manage", help="Django management commands", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
