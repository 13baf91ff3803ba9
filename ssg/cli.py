"""The `ssg` command: argparse subcommands; the only place that prints or exits."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ssg import __version__
from ssg.errors import SsgError

log = logging.getLogger("ssg")


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
        "import", help="import WordPress REST JSON files or folders into content/",
        description="Convert WordPress REST API records (one record, a list, or folders of them) to "
                    "Markdown with front matter under content/, keeping each raw file in content/_sources/.")
    importer.add_argument("sources", nargs="+", type=Path, metavar="SOURCE", help="a .json file or a folder")
    _add_site_option(importer)
    importer.add_argument("--force", action="store_true",
                          help="overwrite Markdown files that were edited since they were imported")
    importer.set_defaults(run=run_import)

    build = commands.add_parser("build", help="build the static archive into public/",
                                description="Render content/ through the theme into a static site.")
    _add_site_option(build)
    build.add_argument("--out", type=Path, help="the output folder (default: SITE/public)")
    build.add_argument("--base-url", help="publish address, overriding base_url in ssg.toml")
    build.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    build.add_argument("--strict", action="store_true",
                       help="fail (and write nothing) if the build has any warning, such as a broken internal link")
    build.set_defaults(run=run_build)

    check = commands.add_parser(
        "check", help="list internal links that lead nowhere; exit 1 if there are any",
        description="Build the site in memory and list every link or image in content that points at "
                    "the site (or the original WordPress site) but leads to nothing in the archive. "
                    "Exits 1 when it finds any, so it can run in CI.")
    _add_site_option(check)
    check.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    check.set_defaults(run=run_check)

    serve = commands.add_parser("serve", help="build, then preview the archive on http://127.0.0.1:8000/",
                                description="Build the site, then serve it on this computer only.")
    _add_site_option(serve)
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default: 8000)")
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
    with _progress_bar() as progress:
        report = import_sources(config, args.sources, force=args.force, progress=progress)
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
    return 0


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
    report = build(args.site, out=args.out, base_url=args.base_url, drafts=args.drafts, strict=args.strict)
    warnings = f", {_count(report.warnings, 'warning')}" if report.warnings else ""
    print(f"Built {_count(report.posts, 'post')} and {_count(report.pages, 'page')} ({report.files} files) into "
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
    from ssg.build import build
    from ssg.config import load_config
    from ssg.serve import make_server

    config = load_config(args.site)
    report = build(args.site, drafts=args.drafts)
    server = make_server(report.output_dir, args.host, args.port, config.base_path)
    host, port = server.server_address[:2]
    print(f"Built {_count(report.posts, 'post')} and {_count(report.pages, 'page')}. Serving "
          f"http://{host}:{port}{config.base_path} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        server.server_close()
    return 0


def run_new(args: argparse.Namespace) -> int:
    from ssg.config import load_config
    from ssg.create import new_post

    path = new_post(load_config(args.site), args.title)
    print(f"Created {_shown(path)} (a draft: build with --drafts to see it, or set draft: false).")
    return 0
