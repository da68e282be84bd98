"""Command line: `python -m bot [run|worker|console|analyze|backup|export|import|chart|migrate|copy]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings, require_token, require_webhook
from bot.logsetup import setup_logging
from storage.errors import StorageError

EXIT_CONFIG = 2
#: The database could not be opened (unreachable after every retry, a bad migration, a newer schema).
EXIT_DATABASE = 3

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Dossier: a Telegram bot that files Russian news articles into a shared, searchable dossier.",
    )
    parser.set_defaults(func=_run)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="start the bot (long polling, or a webhook replica); the default")
    run.add_argument("--webhook", action="store_true",
                     help="receive updates over HTTPS at WEBHOOK_URL (listening on WEBHOOK_LISTEN, checked "
                          "with WEBHOOK_SECRET) instead of polling; any number of replicas share one database")
    run.set_defaults(func=_run)
    sub.add_parser("worker", help="analyse queued articles (ANALYSIS_MODE=queue); run any number of them"
                   ).set_defaults(func=_worker)
    console = sub.add_parser("console", help="chat with the bot in this terminal, without Telegram")
    console.add_argument("--lang", choices=["ru", "en"], default=None,
                         help="interface language (default: CONSOLE_LANG, else the system language)")
    console.add_argument("--database", metavar="URL", default=None,
                         help="use this database instead of DATABASE_URL, e.g. sqlite:///tmp/try.db")
    console.set_defaults(func=_console)
    analyze = sub.add_parser("analyze", help="analyse article files and print the card or JSON Lines")
    analyze.add_argument("paths", nargs="+", metavar="PATH", help="text or HTML files; - reads stdin")
    analyze.add_argument("--json", action="store_true", help="one JSON object per input, in input order")
    analyze.set_defaults(func=_analyze)
    backup = sub.add_parser("backup", help="write a consistent copy of the database (safe while the bot runs); "
                                           "PostgreSQL: pg_dump custom format")
    backup.add_argument("path", metavar="PATH")
    backup.set_defaults(func=_backup)
    sub.add_parser("migrate", help="apply pending migrations to DATABASE_URL and exit (for deploy pipelines)"
                   ).set_defaults(func=_migrate)
    copy = sub.add_parser("copy", help="copy a whole library between databases (SQLite, PostgreSQL); resumable, "
                                       "verified by per-table counts and checksums")
    copy.add_argument("source", metavar="SOURCE_URL", help="e.g. sqlite:///data/dossier.db")
    copy.add_argument("target", metavar="TARGET_URL", help="an empty database, e.g. postgresql://user@host/dossier")
    copy.add_argument("--batch", type=int, default=500, metavar="ROWS", help="rows per transaction (default 500)")
    copy.set_defaults(func=_copy)
    export = sub.add_parser("export", help="export articles with their actors, claims and tags")
    export.add_argument("path", metavar="PATH", help="output file; - for stdout")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.set_defaults(func=_export)
    imp = sub.add_parser("import", help="import a backlog: Telegram export, folder of .txt/.html, or JSON Lines")
    imp.add_argument("path", metavar="PATH",
                     help="result.json of a Telegram Desktop export (or its folder), a folder of files, or .jsonl")
    imp.add_argument("--alert", action="store_true", help="queue alerts for subscribers (off: backlog is silent)")
    imp.add_argument("--workers", type=int, default=None, metavar="N",
                     help="analysis processes (default ANALYSIS_WORKERS; 0 analyses in this process)")
    imp.set_defaults(func=_import)
    chart = sub.add_parser("chart", help="draw /graph or /trend into a PNG file (for scripts)")
    chart.add_argument("kind", choices=["graph", "trend"])
    chart.add_argument("words", nargs="*", metavar="TARGET",
                       help="graph: a name (none: the whole library); trend: up to four tags or names, "
                            "comma-separated if a name has several words; a period may end it (30d, 2017)")
    chart.add_argument("--out", type=Path, default=None, metavar="FILE.png",
                       help="where to write the picture (default: charts/ beside the database)")
    chart.add_argument("--full-size", action="store_true", help="2048 px wide instead of 1280")
    chart.add_argument("--lang", choices=["ru", "en"], default="ru" if os.environ.get("LANG", "").startswith("ru")
                       else "en", help="language of the titles")
    chart.set_defaults(func=_chart)
    return parser


Command = Callable[[Settings, argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    func: Command = args.func
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return func(settings, args)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StorageError as exc:
        # One line, no traceback: a supervisor restarting the bot sees why, not a wall of frames.
        print(f"Database error: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    except KeyboardInterrupt:
        return 130


def _run(settings: Settings, args: argparse.Namespace) -> int:
    token = require_token(settings)
    webhook = bool(getattr(args, "webhook", False))
    if webhook:
        require_webhook(settings)
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret is not None else ""
    setup_logging(settings.log_level, token, (secret,))
    path = settings.database_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if webhook:
        from bot.webhook import serve_webhook

        return asyncio.run(serve_webhook(settings, token))
    # Imported here, not at the top: `analyze`, `backup` and `--help` need no Telegram stack.
    from bot.app import build_application

    application = build_application(settings, token)
    log.info("starting long polling against %s", settings.telegram_api_base_url)
    application.run_polling(allowed_updates=None, drop_pending_updates=False)
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging(settings.log_level, settings.token)
    from bot.worker import main as worker_main

    path = settings.database_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return worker_main(settings)


def _chart(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging("WARNING")
    from bot.chart_cli import run_chart

    return asyncio.run(run_chart(settings, args.kind, args.words, args.out, args.lang, full_size=args.full_size))


def _console(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging("WARNING")
    from bot.console import run_console

    if args.database:
        settings = load_settings(DATABASE_URL=args.database)
    path = settings.database_path
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(run_console(settings, language=args.lang or console_language(os.environ)))
    return 0


def console_language(env: Mapping[str, str]) -> str:
    """CONSOLE_LANG if set, else the system's language (LC_ALL, LC_MESSAGES, LANG, as POSIX
    orders them): Russian for ru*, English otherwise."""
    for name in ("CONSOLE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip().lower()
        if value:
            return "ru" if value.startswith("ru") else "en"
    return "en"


def _analyze(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging("WARNING")
    from bot.analyze_cli import analyze_paths

    return analyze_paths(args.paths, as_json=args.json)


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging(settings.log_level)
    from bot.maintenance import backup

    return asyncio.run(backup(settings, Path(args.path)))


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    from bot.migrate_cli import migrate

    return asyncio.run(migrate(settings.database_url))


def _copy(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    from bot.copy_cli import run_copy

    if args.batch < 1:
        print("--batch must be 1 or more", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return asyncio.run(run_copy(args.source, args.target, batch=args.batch))
    except KeyboardInterrupt:
        print("\ninterrupted: run the same command again to continue where it stopped", file=sys.stderr)
        return 130


def _export(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging(settings.log_level)
    from bot.maintenance import export

    asyncio.run(export(settings, args.path, args.format))
    return 0


def _import(settings: Settings, args: argparse.Namespace) -> int:
    setup_logging("WARNING" if settings.log_level == "INFO" else settings.log_level)
    from bot.importer import ImportSourceError, exit_code, import_path

    path, workers = Path(args.path), args.workers
    if workers is not None and workers < 0:
        print("--workers must be 0 or more", file=sys.stderr)
        return EXIT_CONFIG
    try:
        report = asyncio.run(import_path(
            settings.database_url, path, alert=args.alert,
            workers=settings.analysis_workers if workers is None else workers,
            max_chars=settings.max_article_chars,
        ))
    except ImportSourceError as exc:
        print(f"Import failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: run the same command again to continue where it stopped", file=sys.stderr)
        return 130
    print(report.summary())
    return exit_code(report)
