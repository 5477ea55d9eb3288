"""The `entrepot` command.

entrepot demo [--port 8000] [--no-serve]    set up the embedded demo and serve it
entrepot serve [--workers N] [--port P]     production server (gunicorn)
entrepot seed [--sellers N] [--products N] [--buyers N] [--orders N] [--seed S]
entrepot rates import FILE [--source TEXT]  import ECB rates (CSV, XML or the hist zip)
entrepot rates refresh [--url URL]          fetch and import ECB rates now
entrepot rates show [--date YYYY-MM-DD]     the rate table used on a day
entrepot positive-list import FILE --edition YYYY-MM-DD   load China's CBEC positive list
entrepot catalog import FILE --seller ID [--report rejected.csv]   bulk-import listings (CSV/XLSX)
entrepot catalog export --seller ID [-o FILE]   a seller's listings as CSV, in the import format
entrepot ledger check                       check the escrow ledger balances (exit 1 if not)
entrepot backup [-o FILE]                   database, media and keys in one archive
entrepot restore FILE [--data-dir DIR] [--force]   restore a backup into an empty target
entrepot worker [--workers N]               background worker (huey consumer)
entrepot topology [--port P]                production topology from ./Procfile (web + workers)
entrepot bench [--products N] [--workers N] [--database sqlite|postgres] [--profile]
                                            the benchmark suite (from a source checkout)
entrepot manage ...                         Django's management commands
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from entrepot.pricing.services import RatesImportReport

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
    from django.utils import translation

    # the command line is the operators' tool: English first, like the back office
    translation.activate("en")


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
    # the demo drafts missing Chinese text with the labelled offline sandbox translator
    os.environ.setdefault("ENTREPOT_MT_FAKE", "1")
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
    from django.conf import settings
    from django.core.management import call_command

    if not settings.PRODUCTION:
        print(
            "entrepot serve: ENTREPOT_ENV is not 'production': the start-up checks (DEBUG, "
            "SECRET_KEY, ENTREPOT_PII_KEYS), secure cookies and HSTS are off "
            "(docs/operator-guide.md, Production settings)",
            file=sys.stderr,
        )

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


def _read_upto(path: Path, limit: int, command: str) -> bytes | None:
    """The file's bytes, read up to one byte over `limit` so the import can refuse it by
    its size; None (after saying why) when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        print(f"{command}: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return None


def _print_import(report: RatesImportReport) -> None:
    print(report.summary())
    if report.skipped_currencies:
        print("skipped unknown currency codes: " + ", ".join(sorted(report.skipped_currencies)))


def cmd_rates_import(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    from entrepot.domain.ecb import MAX_FILE_BYTES
    from entrepot.pricing.services import rates_import

    path = Path(args.file)
    data = _read_upto(path, MAX_FILE_BYTES, "entrepot rates import")
    if data is None:
        return 2
    call_command("migrate", interactive=False, verbosity=0)
    try:
        report = rates_import(data=data, name=path.name, source=args.source or f"ECB ({path.name})")
    except ValueError as exc:
        print(f"entrepot rates import: {path}: {exc}", file=sys.stderr)
        return 2
    _print_import(report)
    return 0


def cmd_positive_list_import(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    from entrepot.pricing.positive_list import PositiveListImportError, positive_list_import

    path = Path(args.file)
    if not path.is_file():
        print(f"entrepot positive-list import: no file at {path}", file=sys.stderr)
        return 2
    call_command("migrate", interactive=False, verbosity=0)
    try:
        count = positive_list_import(path=path, edition=args.edition, source=args.source)
    except PositiveListImportError as exc:
        print(f"entrepot positive-list import: {exc}", file=sys.stderr)
        return 2
    print(f"imported {count:,} tariff lines as the edition in force from {args.edition}")
    return 0


def _seller_named(text: str):
    from entrepot.sellers.models import Seller

    if text.isdigit():
        return Seller.objects.filter(pk=int(text)).first()
    return Seller.objects.filter(slug=text).first()


def cmd_catalog_import(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command
    from django.utils import translation
    from tqdm import tqdm

    from entrepot.catalog.bulk import MAX_FILE_BYTES, ImportFileError, catalog_import

    path = Path(args.file)
    data = _read_upto(path, MAX_FILE_BYTES, "entrepot catalog import")
    if data is None:
        return 2
    call_command("migrate", interactive=False, verbosity=0)
    seller = _seller_named(args.seller)
    if seller is None:
        print(
            f"entrepot catalog import: no seller with the id or shop address {args.seller!r}",
            file=sys.stderr,
        )
        return 2
    bars: list[tqdm] = []

    def progress(done: int, total: int) -> None:
        if not bars:  # the file is read: its rows are known
            bars.append(tqdm(total=total, unit="rows", file=sys.stderr, disable=args.quiet))
        bars[0].update(done - bars[0].n)

    with translation.override("en"):
        try:
            report = catalog_import(seller=seller, data=data, filename=path.name, progress=progress)
        except ImportFileError as exc:
            print(f"entrepot catalog import: {path}: {exc}", file=sys.stderr)
            return 2
        finally:
            for bar in bars:
                bar.close()
        print(f"{seller.business_name} (seller {seller.pk}): {report.summary()}")
        shown = 20
        for error in report.errors[:shown]:
            print(f"  line {error.line}, {error.field or 'row'}: {error.message}")
        if len(report.errors) > shown:
            more = len(report.errors) - shown
            hint = "" if args.report else " (--report FILE writes them all)"
            print(f"  ... and {more:,} more{hint}")
    if args.report:
        Path(args.report).write_text(report.rejected_csv(), encoding="utf-8-sig")
        print(f"wrote {report.rejected_rows:,} rejected rows to {args.report}")
    return 0


def cmd_catalog_export(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    from entrepot.catalog.bulk import catalog_export_rows

    call_command("migrate", interactive=False, verbosity=0)
    seller = _seller_named(args.seller)
    if seller is None:
        print(
            f"entrepot catalog export: no seller with the id or shop address {args.seller!r}",
            file=sys.stderr,
        )
        return 2
    # with a BOM, Excel opens the Chinese text correctly; the import accepts it
    with (
        open(args.output, "w", encoding="utf-8-sig", newline="")
        if args.output
        else contextlib.nullcontext(sys.stdout)
    ) as out:
        rows = -1  # the header is no row
        for line in catalog_export_rows(seller=seller):
            out.write(line)
            rows += 1
    print(f"exported {rows:,} variant rows of {seller.business_name}", file=sys.stderr)
    return 0


def cmd_rates_refresh(args: argparse.Namespace) -> int:
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    from entrepot.pricing.services import rates_refresh

    url = args.url or settings.ENTREPOT_FX_REFRESH_URL
    if not url:
        print(
            "entrepot rates refresh: no URL configured: pass --url or set "
            "ENTREPOT_FX_REFRESH_URL, e.g. "
            "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml",
            file=sys.stderr,
        )
        return 2
    call_command("migrate", interactive=False, verbosity=0)
    try:
        report = rates_refresh(url=url)
    except ValueError as exc:
        print(f"entrepot rates refresh: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"entrepot rates refresh: could not fetch {url}: {exc}", file=sys.stderr)
        return 1
    _print_import(report)
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from None


def cmd_rates_show(args: argparse.Namespace) -> int:
    _django_setup()
    from decimal import Decimal

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from entrepot.pricing.selectors import rate_table_on

    call_command("migrate", interactive=False, verbosity=0)
    day = args.date or timezone.now().date()
    table = rate_table_on(day)
    if set(table.per_eur) == {"EUR"}:
        print(
            f"entrepot rates show: no exchange rates on or before {day}: load some with "
            "`entrepot rates import FILE` or `entrepot rates refresh`",
            file=sys.stderr,
        )
        return 1
    display = settings.ENTREPOT_DISPLAY_CURRENCY
    print(f"Rates used on {day} (published {table.as_of}), {len(table.per_eur)} currencies")
    print(f"{'currency':<9}{'per EUR':>18}{'per ' + display:>18}")
    for currency in sorted(table.per_eur):
        per_eur = format(table.per_eur[currency].normalize(), "f")
        if display in table.per_eur:
            per_display = format(table.rate(display, currency).quantize(Decimal("1e-6")), "f")
        else:
            per_display = "-"
        print(f"{currency:<9}{per_eur:>18}{per_display:>18}")
    return 0


def cmd_ledger_check(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command

    from entrepot.ledger.selectors import ledger_check
    from entrepot.orders.selectors import escrow_expected

    call_command("migrate", interactive=False, verbosity=0)
    # escrow must hold exactly the money of orders paid and not yet released
    report = ledger_check(expected_escrow=escrow_expected())
    print(report.summary())
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    _django_setup()
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder
    from django.utils import timezone

    from entrepot.backups import BackupError, backup_create

    output = Path(args.output or f"entrepot-backup-{timezone.now():%Y%m%d-%H%M%S}.tar")
    recorder = MigrationRecorder(connection)
    migrations = {}
    if recorder.has_table():
        for app, name in recorder.migration_qs.values_list("app", "name").order_by("id"):
            migrations[app] = name
    connection.close()  # the copy is made by its own connection (or pg_dump)
    try:
        report = backup_create(
            output, database=connection.settings_dict, data_dir=Path(settings.DATA_DIR),
            media_root=Path(settings.MEDIA_ROOT), pii_keys=settings.ENTREPOT_PII_KEYS,
            app_migrations=migrations,
        )  # fmt: skip
    except BackupError as exc:
        print(f"entrepot backup: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    if args.data_dir:
        os.environ["ENTREPOT_DATA_DIR"] = str(Path(args.data_dir).resolve())
    _django_setup()
    from django.conf import settings
    from django.db import connection

    from entrepot.backups import BackupError, restore_from

    def pg_tables() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                "current_schema() AND table_type = 'BASE TABLE'"
            )
            return cursor.fetchone()[0]

    try:
        report = restore_from(
            Path(args.file), database=connection.settings_dict,
            data_dir=Path(settings.DATA_DIR), media_root=Path(settings.MEDIA_ROOT),
            force=args.force, pg_tables=pg_tables, pii_keys=settings.ENTREPOT_PII_KEYS,
            secret_key_from_env=bool(os.environ.get("SECRET_KEY")),
        )  # fmt: skip
    except BackupError as exc:
        print(f"entrepot restore: {exc}", file=sys.stderr)
        return 2
    finally:
        connection.close()
    print(report.summary())
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    if args.workers < 1:
        print(f"entrepot worker: --workers must be 1 or more, got {args.workers}", file=sys.stderr)
        return 2
    _django_setup()
    from django.core.management import call_command

    if args.migrate:
        call_command("migrate", interactive=False, verbosity=0)
    # run_huey finds every app's tasks.py and runs the periodic ones on schedule
    call_command("run_huey", workers=args.workers, periodic=not args.no_periodic)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    # the suite lives in the checkout's benchmarks/ (not installed with the package)
    root = Path(__file__).resolve().parent.parent
    if not (root / "benchmarks" / "suite.py").is_file():
        print("entrepot bench runs from a source checkout (no benchmarks/ here)", file=sys.stderr)
        return 2
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from benchmarks.suite import main as bench_main

    return bench_main(args.rest)


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

    rates = sub.add_parser("rates", help="exchange rates: import, refresh, show")
    rates_sub = rates.add_subparsers(dest="rates_command", required=True)
    rates_import = rates_sub.add_parser(
        "import", help="import ECB reference rates from a CSV, XML or eurofxref-hist.zip file"
    )
    rates_import.add_argument("file", metavar="FILE")
    rates_import.add_argument(
        "--source", metavar="TEXT", help="where the rates came from (default: ECB (FILE name))"
    )
    rates_import.set_defaults(func=cmd_rates_import)
    rates_refresh = rates_sub.add_parser(
        "refresh", help="fetch ECB reference rates and import them"
    )
    rates_refresh.add_argument(
        "--url", help="an http(s) URL of an ECB rate file (default: ENTREPOT_FX_REFRESH_URL)"
    )
    rates_refresh.set_defaults(func=cmd_rates_refresh)
    rates_show = rates_sub.add_parser("show", help="print the rate table used on a day")
    rates_show.add_argument(
        "--date", type=_iso_date, metavar="YYYY-MM-DD", help="the day (default: today, UTC)"
    )
    rates_show.set_defaults(func=cmd_rates_show)

    positive = sub.add_parser("positive-list", help="China's CBEC positive list")
    positive_sub = positive.add_subparsers(dest="positive_list_command", required=True)
    positive_import = positive_sub.add_parser(
        "import", help="load an edition from a CSV (see entrepot/pricing/data/README.md)"
    )
    positive_import.add_argument("file", metavar="FILE")
    positive_import.add_argument(
        "--edition", type=_iso_date, required=True, metavar="YYYY-MM-DD",
        help="the day this edition took effect, e.g. 2022-03-01",
    )  # fmt: skip
    positive_import.add_argument("--source", metavar="TEXT", help="default: the file name")
    positive_import.set_defaults(func=cmd_positive_list_import)

    catalog = sub.add_parser("catalog", help="bulk import and export of a seller's listings")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True)
    catalog_import = catalog_sub.add_parser(
        "import", help="import listings from a CSV or XLSX file (see docs/seller-guide.md)"
    )
    catalog_import.add_argument("file", metavar="FILE")
    catalog_import.add_argument(
        "--seller", required=True, metavar="ID", help="the seller's id (or shop address)"
    )
    catalog_import.add_argument(
        "--report", metavar="FILE", help="write the rejected rows, with the reasons, as CSV"
    )
    catalog_import.add_argument("--quiet", action="store_true", help="no progress bar")
    catalog_import.set_defaults(func=cmd_catalog_import)
    catalog_export = catalog_sub.add_parser(
        "export", help="write a seller's listings as CSV, in the import format"
    )
    catalog_export.add_argument(
        "--seller", required=True, metavar="ID", help="the seller's id (or shop address)"
    )
    catalog_export.add_argument("-o", "--output", metavar="FILE", help="default: stdout")
    catalog_export.set_defaults(func=cmd_catalog_export)

    ledger = sub.add_parser("ledger", help="the escrow ledger")
    ledger_sub = ledger.add_subparsers(dest="ledger_command", required=True)
    ledger_check = ledger_sub.add_parser(
        "check", help="check that every transaction balances; exit 1 and list the problems if not"
    )
    ledger_check.set_defaults(func=cmd_ledger_check)

    backup = sub.add_parser(
        "backup", help="write the database, uploaded media and generated keys to one archive"
    )
    backup.add_argument(
        "-o", "--output", metavar="FILE",
        help="the archive to write (default: entrepot-backup-YYYYMMDD-HHMMSS.tar)",
    )  # fmt: skip
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser(
        "restore", help="restore an `entrepot backup` archive into an empty data directory"
    )
    restore.add_argument("file", metavar="FILE")
    restore.add_argument(
        "--data-dir", metavar="DIR", help="the data directory to restore into (default: "
        "ENTREPOT_DATA_DIR); on PostgreSQL the database is DATABASE_URL's",
    )  # fmt: skip
    restore.add_argument(
        "--force", action="store_true", help="replace a database and media that are there"
    )
    restore.set_defaults(func=cmd_restore)

    worker = sub.add_parser("worker", help="run background tasks (huey consumer)")
    worker.add_argument("--workers", type=int, default=2, metavar="N", help="threads (default 2)")
    worker.add_argument("--migrate", action="store_true", help="apply migrations first")
    worker.add_argument(
        "--no-periodic",
        action="store_true",
        help="run queued tasks only; another worker schedules the periodic ones",
    )
    worker.set_defaults(func=cmd_worker)

    from entrepot.topology import add_parser as add_topology_parser

    add_topology_parser(sub)

    bench = sub.add_parser(  # its options are the suite's own (benchmarks/suite.py)
        "bench",
        help="the benchmark suite: one table (entrepot bench --help)",
        add_help=False,
        prefix_chars="+",
    )
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    bench.set_defaults(func=cmd_bench)

    manage = sub.add_parser("manage", help="Django management commands", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    from entrepot.audit.context import acting_as

    args = build_parser().parse_args(argv)
    # whatever the command writes is audited as "cli:rates-import", "cli:seed", ...
    verb = getattr(args.func, "__name__", args.command).removeprefix("cmd_").replace("_", "-")
    with acting_as(f"cli:{verb}"):
        return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
