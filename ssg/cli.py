"""The `ssg` command: argparse subcommands; the only place that prints or exits."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ssg import __version__
from ssg.errors import SsgError

if TYPE_CHECKING:
    from ssg.config import Config
    from ssg.serve import LivePreview
    from ssg.serve.preview import Rebuild
    from ssg.wordpress.crawl import CrawlOptions, CrawlReport
    from ssg.wordpress.write import ImportReport

log = logging.getLogger("ssg")
# An application password is read from here, never from the command line (where `ps` and shell
# history would show it), and is never written anywhere.
PASSWORD_VARIABLE = "SSG_APP_PASSWORD"
MAX_LISTED = 20  # problems listed one per line in a summary; the rest are counted


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; 0 on success, 1 on a user error, 2 on bad usage."""
    parser = make_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        return args.run(args)
    except SsgError as error:
        print(f"ssg: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"ssg: error: {where}{error.strerror or error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ssg", description="Turn a WordPress site into Markdown in git and a static, searchable archive.")
    parser.add_argument("--version", action="version", version=f"ssg {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="say more about what is happening")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    init = commands.add_parser("init", help="create a new archive site folder",
                               description="Create ssg.toml, content/, .gitignore and a GitHub Pages workflow.")
    init.add_argument("directory", nargs="?", default=".", type=Path, help="the folder to create (default: here)")
    init.set_defaults(run=run_init)

    importer = commands.add_parser(
        "import", help="import a WordPress site (its address, or REST JSON files or folders) into content/",
        description="Convert WordPress REST API records to Markdown with front matter under content/, keeping "
                    "each raw file in content/_sources/. SOURCE is a .json file, a folder of them, or the "
                    "address of a live site (https://example.com/), whose REST API is crawled.")
    importer.add_argument("sources", nargs="+", metavar="SOURCE", help="a .json file, a folder, or a site address")
    _add_site_option(importer)
    importer.add_argument("--force", action="store_true",
                          help="overwrite Markdown files that were edited since they were imported")
    live = importer.add_argument_group("importing from a site address")
    live.add_argument("--user", metavar="NAME",
                      help=f"also fetch drafts and private posts as this user; the application password "
                           f"is read from the environment variable {PASSWORD_VARIABLE}")
    live.add_argument("--since", type=_since, metavar="DATE",
                      help="fetch only what changed after DATE (2024-05-01 or 2024-05-01T12:00, site time)")
    live.add_argument("--media", choices=("remote", "download"), default="remote",
                      help="download: keep every referenced upload under content/media/ and point the "
                           "content at it (default: remote, links stay on the old site)")
    live.add_argument("--concurrency", type=_concurrency, default=4, metavar="N",
                      help="requests at once (default: 4)")
    live.add_argument("--timeout", type=_seconds, default=60.0, metavar="SECONDS",
                      help="give up on a request after this long without data, then retry (default: 60)")
    importer.set_defaults(run=run_import, parser=importer)

    build = commands.add_parser("build", help="build the static archive into public/",
                                description="Render content/ through the theme into a static site.")
    _add_site_option(build)
    build.add_argument("--out", type=Path, help="the output folder (default: SITE/public)")
    build.add_argument("--base-url", help="publish address, overriding base_url in ssg.toml")
    build.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    build.add_argument("--strict", action="store_true",
                       help="fail (and write nothing) if the build has any warning, such as a broken internal link")
    build.add_argument("--jobs", type=_jobs, metavar="N",
                       help="render in N processes (default: one per core; 1 renders in this process)")
    build.set_defaults(run=run_build)

    check = commands.add_parser(
        "check", help="list internal links that lead nowhere; exit 1 if there are any",
        description="Build the site in memory and list every link or image in content that points at "
                    "the site (or the original WordPress site) but leads to nothing in the archive. "
                    "Exits 1 when it finds any, so it can run in CI.")
    _add_site_option(check)
    check.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    check.set_defaults(run=run_check)

    serve = commands.add_parser(
        "serve", help="preview the archive on http://127.0.0.1:8000/, rebuilt and reloaded as you edit",
        description="Build the site and serve it on this computer only, under the same sub-path as "
                    "base_url. Saving a source file rebuilds the site and reloads the open pages.")
    _add_site_option(serve)
    serve.add_argument("--port", type=_port, help="port to listen on (default: 8000, or the next free one)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    serve.set_defaults(run=run_serve)

    new = commands.add_parser("new", help="create a draft post dated now",
                              description="Create content/posts/YYYY/MM/<slug>.md with front matter.")
    new.add_argument("title", help="the post's title")
    _add_site_option(new)
    new.set_defaults(run=run_new)
    return parser


def _add_site_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                        help="the site folder, holding ssg.toml (default: here)")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"port must be 1-65535, not {port}")
    return port


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time, so a replaced stderr (tests, serve) still works."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a number of processes, 1 or more, not {text!r}")
    return int(text)


def _since(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (write 2024-05-01 or 2024-05-01T12:00)") from None


def _concurrency(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 16:
        raise argparse.ArgumentTypeError(f"must be a number from 1 to 16, not {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}")
    return seconds


def _configure_logging(verbose: bool) -> None:
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("ssg: %(levelname)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if verbose else logging.WARNING)
    log.propagate = False
    logging.addLevelName(logging.WARNING, "warning")


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def run_init(args: argparse.Namespace) -> int:
    from ssg.create import init_site

    site = init_site(args.directory)
    print(f"Created a new archive in {_shown(site.root)}:")
    for path in site.files:
        print(f"  {_shown(path)}")
    print(f"  {_shown(site.root / 'content')}{os.sep}")
    if not site.install_spec_known:
        print(f"Check SSG_PACKAGE in {_shown(site.files[-1])}: this ssg was not installed from a "
              "Git URL, so the workflow cannot know where to install it from.")
    print(f"Next: ssg import <wordpress-json> --site {_shown(site.root)}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from ssg.config import load_config
    from ssg.wordpress.write import import_sources

    config = load_config(args.site)
    addresses = [source for source in args.sources if "://" in source]
    if addresses:
        if len(args.sources) > 1:
            args.parser.error("give one site address, or files and folders, not both")
        return _import_site(args, config, addresses[0])
    live_options = [name for name in ("user", "since") if getattr(args, name) is not None]
    if live_options or args.media != "remote":
        args.parser.error(f"--{(live_options or ['media'])[0]} works with a site address, not with files")
    with _progress_bar() as progress:
        report = import_sources(config, [Path(source) for source in args.sources], force=args.force,
                                progress=progress)
    _print_import_report(report, config)
    return 0


def _import_site(args: argparse.Namespace, config: Config, address: str) -> int:
    from ssg.wordpress.crawl import CrawlOptions, crawl_site
    from ssg.wordpress.fetch import FetchSettings
    from ssg.wordpress.write import SOURCES_DIR, import_sources

    options = CrawlOptions(url=address, user=args.user, password=_app_password(args.user),
                           since=args.since, concurrency=args.concurrency,
                           fetch=FetchSettings(timeout=args.timeout))
    with _progress_bar() as progress:
        crawl = crawl_site(options, config.content_dir / SOURCES_DIR, progress)
    arrived = ", ".join(f"{name} {number}" for name, number in crawl.items.items())
    print(f"Crawled {crawl.api_root} into {_shown(crawl.folder)}: {arrived or 'nothing'} "
          f"({_count(crawl.pages_fetched, 'request')}"
          + (f"; {crawl.pages_reused} pages kept from the interrupted crawl" if crawl.pages_reused else "") + ").")
    for name, total in crawl.totals.items():
        if total != crawl.items.get(name, 0):
            print(f"  {name}: the site announced {total}, {crawl.items.get(name, 0)} arrived")
    for name, why in crawl.unavailable:
        print(f"  {name}: not readable ({why}); --user may help")
    if args.media == "download":
        _download_media(crawl, config, options)
    with _progress_bar() as progress:
        report = import_sources(config, [crawl.folder], force=args.force, progress=progress)
    _print_import_report(report, config)
    return 0


def _app_password(user: str | None) -> str | None:
    if user is None:
        return None
    password = os.environ.get(PASSWORD_VARIABLE, "")
    if not password:
        raise SsgError(f"--user {user} needs the application password in the environment variable "
                       f"{PASSWORD_VARIABLE} (create one in wp-admin under Users → Profile → Application Passwords)")
    return password


def _download_media(crawl: CrawlReport, config: Config, options: CrawlOptions) -> None:
    from ssg.wordpress.fetch import open_client
    from ssg.wordpress.media import MANIFEST, download_media

    site_urls = [options.url, *(crawl.site.get(key) for key in ("url", "home") if isinstance(crawl.site.get(key), str))]
    with _progress_bar() as progress, open_client(options.fetch, connections=options.concurrency) as client:
        manifest = download_media(client, crawl.folder, config.content_dir, site_urls, options.fetch,
                                  options.concurrency, progress)
    print(f"Media: {len(manifest.downloaded)} downloaded into {_shown(config.content_dir / 'media')}, "
          f"{len(manifest.missing)} missing, {len(manifest.external)} external (kept remote); "
          f"listed in {_shown(config.content_dir / MANIFEST)}.")
    for url, why in list(manifest.missing.items())[:MAX_LISTED]:
        print(f"  missing {url}: {why}")
    if len(manifest.missing) > MAX_LISTED:
        print(f"  ... and {len(manifest.missing) - MAX_LISTED} more")


def _print_import_report(report: ImportReport, config: Config) -> None:
    written = report.written
    print(f"Imported {_count(report.files_read, 'file')} into {_shown(config.content_dir)}: "
          f"{_count(written['post'], 'post')}, {_count(written['page'], 'page')} and {written['other']} other written; "
          f"{len(report.unchanged)} unchanged, {len(report.kept_edited)} kept because edited, "
          f"{len(report.salvaged)} salvaged, {_count(len(report.skipped_files), 'file')} skipped.")
    if report.registry:
        read = ", ".join(f"{number} {kind}" for kind, number in sorted(report.registry.items()))
        print(f"  also read: {read}")
    if report.duplicates:
        print(f"  {_count(report.duplicates, 'record')} found in more than one file, imported once")
    for path, problems in report.salvaged:
        print(f"  salvaged {_shown(path)}: {'; '.join(problems)}")
    for path, notes in report.notes:
        print(f"  note {_shown(path)}: {'; '.join(notes)}")
    for path, why in report.renamed:
        print(f"  renamed {_shown(path)}: {why}")
    for path in report.kept_edited:
        print(f"  kept {_shown(path)}: edited since it was imported (use --force to overwrite)")
    for path, why in report.skipped_files:
        print(f"  skipped {_shown(path)}: {why}")
    if report.unresolved:
        ids = ", ".join(f"{name} ({_count(number, 'post')})" for name, number in sorted(report.unresolved.items()))
        print(f"  unresolved IDs, kept as numbers: {ids}")


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr while import runs (when stderr is a terminal); yields its callback."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    tasks: dict[str, int] = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def run_build(args: argparse.Namespace) -> int:
    from ssg.build import build

    started = time.perf_counter()
    report = build(args.site, out=args.out, base_url=args.base_url, drafts=args.drafts, strict=args.strict,
                   jobs=args.jobs)
    warnings = f", {_count(report.warnings, 'warning')}" if report.warnings else ""
    if report.written == report.files:
        done = f"({report.files} files)"
    elif report.written or report.removed:
        done = f"({report.written} of {report.files} files written, {report.removed} removed)"
    else:
        done = f"(all {report.files} files up to date)"
    print(f"Built {_count(report.posts, 'post')} and {_count(report.pages, 'page')} {done} into "
          f"{_shown(report.output_dir)} in {time.perf_counter() - started:.2f}s{warnings}.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from urllib.parse import unquote

    from ssg.build import check

    problems = check(args.site, drafts=args.drafts)
    for problem in problems:
        print(f"{_shown(problem.source)}: {unquote(problem.url)}")
    if problems:
        files = len({problem.source for problem in problems})
        print(f"{_count(len(problems), 'internal link')} in {_count(files, 'file')} lead to nothing in the archive.")
        return 1
    print("Every internal link leads to a page or file of the archive.")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from ssg.serve import serve_site

    shown: set[str] = set()

    def new_warnings(rebuild: Rebuild) -> list[str]:
        """Warnings of this build not shown before: each broken link is reported once, not on every save."""
        site = rebuild.snapshot.site
        fresh = [warning for warning in site.warnings if warning not in shown] if site and not rebuild.failure else []
        shown.update(fresh)
        return fresh

    def ready(live: LivePreview) -> None:
        if live.first.failure:
            print(_rebuild_line(live.first, live.root))
        else:
            print(f"Built the site in {live.first.seconds:.2f}s.")
        for warning in new_warnings(live.first):
            print(f"  warning: {warning}")
        if args.host not in ("127.0.0.1", "::1", "localhost"):
            print(f"Listening on {args.host}: other computers on the network can see this preview.")
        print(f"Serving {live.url} (Ctrl-C to stop). Watching for changes.", flush=True)

    def rebuilt(rebuild: Rebuild) -> None:
        fresh = new_warnings(rebuild)
        print(_rebuild_line(rebuild, args.site, len(fresh)), *(f"  warning: {warning}" for warning in fresh),
              sep="\n", flush=True)

    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the preview as cleanly as Ctrl-C
    try:
        serve_site(args.site, args.host, args.port, args.drafts, ready, rebuilt)
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _rebuild_line(rebuild: Rebuild, root: Path, new_warnings: int = 0) -> str:
    """One terminal line per rebuild: when, what changed, how long, and how it ended."""
    from ssg.serve.preview import shown_path

    names = sorted(shown_path(path, root) for path in rebuild.changed)
    changed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    when = time.strftime("%H:%M:%S")
    if rebuild.failure:
        after = f" after {changed} changed" if changed else ""
        return (f"{when} Build failed{after} ({rebuild.seconds:.2f}s): {rebuild.failure} "
                "(still serving the last good build)")
    swapped = "; open pages swap their stylesheets" if rebuild.snapshot.css_only else ""
    warnings = len(rebuild.snapshot.site.warnings)
    counted = f"; {_count(warnings, 'warning')} ({new_warnings} new)" if warnings else ""
    return f"{when} Rebuilt in {rebuild.seconds:.2f}s: {changed} changed{swapped}{counted}"


def run_new(args: argparse.Namespace) -> int:
    from ssg.config import load_config
    from ssg.create import new_post

    path = new_post(load_config(args.site), args.title)
    print(f"Created {_shown(path)} (a draft: build with --drafts to see it, or set draft: false).")
    return 0
