"""Command line: the only code that reads argv, prints, or sets exit codes."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from datetime import date
from pathlib import Path

from .data.columns import id_lists, workbook_rows, workbook_sheets
from .data.diff import RENDERERS, diff_handbooks, render_text
from .data.errors import DataError, HandbookError, Problem, WorkbookError
from .data.gaps import NEEDED, department_names, find_gaps
from .data.gaps import RENDERERS as GAP_RENDERERS
from .data.load import SERVICES_FILE, load_config, load_project, load_services
from .data.model import SiteConfig
from .data.yamledit import load_document
from .opendata.export import render_csv, render_json
from .opendata.hsds import render_hsds_languages


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """argv → options."""
    parser = argparse.ArgumentParser(prog="handbook", description="Build the Yanbian County public-service handbook.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project directory (default: current directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate services.yaml and site_config.yml")
    export = commands.add_parser("export", help="write the validated data as JSON or CSV")
    export.add_argument("--format", choices=("json", "csv", "hsds", "xlsx"), required=True,
                        help="hsds: an HSDS 3.0 Tabular Data Package per language, written under --output DIR/<lang>/; "
                             "xlsx: the workbook office staff fill in (handbook import reads it back)")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: standard output); for hsds, a folder")
    build = commands.add_parser("build", help="build the website into site/")
    build.add_argument("--site-dir", type=Path, help="where to write the site (default: ROOT/site)")
    build.add_argument("--site-url", help="the published site's address for this build, e.g. https://example.org/handbook/ "
                                          "(default: site_url in site_config.yml)")
    build.add_argument("--fresh", action="store_true",
                       help="compile every booklet again instead of reusing unchanged ones from the previous site")
    diff = commands.add_parser("diff", help="show what changed between two versions of services.yaml")
    diff.add_argument("old", type=Path, help="the older services file")
    diff.add_argument("new", type=Path, help="the newer services file")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    imports = commands.add_parser("import", help="write the changes of a workbook (handbook export --format xlsx) into "
                                                 "services.yaml, after showing them and checking the result")
    imports.add_argument("file", type=Path, help="the .xlsx workbook, as saved by Excel, WPS or LibreOffice")
    imports.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    gaps = commands.add_parser("gaps", help="list what residents would need that the handbook lacks, per department")
    gaps.add_argument("--department", help="only this department's list (its id)")
    gaps.add_argument("--format", choices=("text", "markdown", "csv"), default="text")
    gaps.add_argument("--lang", help="the language of the list (default: the first in site_config.yml)")
    serve = commands.add_parser("serve", help="preview on http://127.0.0.1:8000, rebuilding on changes")
    serve.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    return parser.parse_args(argv)


def run_check(args: argparse.Namespace) -> None:
    """Validate the project and say so."""
    config, handbook = load_project(args.root)
    counts = [(len(handbook.services), "service"), (len(handbook.chapters), "chapter"), (len(handbook.departments), "department"),
              (len(handbook.audiences), "audience"), (len(handbook.glossary), "glossary term")]
    summary = ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts)
    for warning in handbook.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"ok: {summary}; languages {', '.join(config.codes)}")


def run_export(args: argparse.Namespace) -> None:
    """Validate the project and write its data."""
    config, handbook = load_project(args.root)
    if args.format == "xlsx":
        if not args.output:
            raise HandbookError("--format xlsx writes a workbook: give its file with --output FILE")
        args.output.write_bytes(export_workbook(args.root, config))
        return
    if args.format == "hsds":
        if not args.output:
            raise HandbookError("--format hsds writes a folder: give it with --output DIR")
        for path, text in render_hsds_languages(handbook, config).items():  # an earlier export's files are replaced
            target = args.output / path.removeprefix("data/hsds/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return
    text = render_json(handbook) if args.format == "json" else render_csv(handbook, config)
    if args.output:
        args.output.write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))


def export_workbook(root: Path, config: SiteConfig) -> bytes:
    """The project's services.yaml (already validated) → the workbook's bytes."""
    from .opendata.xlsx import render_workbook  # (openpyxl: imported only by the commands that read or write workbooks)
    document = load_document((root / SERVICES_FILE).read_text(encoding="utf-8"))
    sheets = workbook_sheets(config.codes)
    return render_workbook(sheets, workbook_rows(sheets, document), id_lists(document), NEEDED, config)


def run_diff(args: argparse.Namespace) -> None:
    """Validate both files (with the project's site_config.yml) and print their differences; differences are not errors."""
    config = load_config(args.root)
    problems: list[Problem] = []
    handbooks = []
    for path in (args.old, args.new):
        try:
            handbooks.append(load_services(path, str(path), config))
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems)
    sys.stdout.buffer.write(RENDERERS[args.format](diff_handbooks(*handbooks)).encode("utf-8"))


def run_import(args: argparse.Namespace) -> None:
    """Show what a workbook changes, check the result in full, and write it into services.yaml (unless --dry-run)."""
    from .data.sheetimport import plan_import  # (openpyxl: see export_workbook)
    imported = plan_import(args.root, args.file)
    if imported.new_text == imported.old_text:
        print("no changes: services.yaml already says what the workbook says")
        return
    sys.stdout.write(render_text(imported.diffs))
    if args.dry_run:
        print("dry run: services.yaml was not changed")
        return
    target = args.root / SERVICES_FILE
    temporary = target.with_name(f".{target.name}.import")
    temporary.write_text(imported.new_text, encoding="utf-8", newline="")
    os.replace(temporary, target)  # whole or not at all
    print("services.yaml updated; run `handbook build` to publish the change")


def run_gaps(args: argparse.Namespace) -> None:
    """Print each department's to-do list: what residents need that the handbook lacks."""
    config, handbook = load_project(args.root)
    lang = args.lang or config.codes[0]
    if lang not in config.codes:
        raise HandbookError(f"--lang: expected one of {', '.join(config.codes)}, got '{lang}'")
    names = department_names(handbook, lang)
    if args.department is not None and args.department not in names:
        raise HandbookError(f"--department: unknown department '{args.department}'; expected one of {', '.join(names)}")
    found = find_gaps(handbook, config.strings[lang], date.today(), lang, args.department)
    sys.stdout.buffer.write(GAP_RENDERERS[args.format](found, names).encode("utf-8"))


def run_build(args: argparse.Namespace) -> None:
    """Build the site and report each stage."""
    from .build import build  # imported here: `check` and `export` start faster without MkDocs, Typst and pypinyin
    site_dir = args.site_dir or args.root / "site"

    timings = build(args.root, site_dir, stage_done, progress_bar if sys.stderr.isatty() else None, fresh=args.fresh,
                    site_url=args.site_url, then_exit=args.then_exit)
    for warning in timings.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{'total':<24} {timings.wall:6.2f} s -> {site_dir}")
    if timings.booklets_reused:
        print(f"{timings.booklets_reused} unchanged booklets were reused from the previous build (--fresh compiles them all)")


_last_draw = [0.0]
_drawing = threading.Lock()  # the booklets and leaflets report from a thread of their own
_active: dict[str, tuple[int, int]] = {}  # stages in progress → (done, total)


def stage_done(stage: str, seconds: float) -> None:
    """A stage's time, on a line of its own: on a terminal, the progress bar's line is cleared first. Under the bar's
    lock, so that the booklets' thread cannot draw its bar between the clearing and the line (the line would then
    follow the bar)."""
    with _drawing:
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
        print(f"{stage:<24} {seconds:6.2f} s", flush=True)


def progress_bar(stage: str, done: int, total: int) -> None:
    """A one-line progress bar on the terminal, redrawn in place (at most ten times a second): one bar per stage in
    progress (the PDFs are made while the web stages run)."""
    with _drawing:
        now = time.monotonic()
        shown = {**_active, stage: (done, total)}
        if done < total:
            _active[stage] = (done, total)
        else:
            _active.pop(stage, None)
        if done < total and now - _last_draw[0] < 0.1:
            return
        _last_draw[0] = now
        if len(shown) == 1:
            line = f"{stage:<24} [{'#' * (30 * done // max(total, 1)):<30}] {done}/{total}"
        else:
            line = " · ".join(f"{name} [{'#' * (12 * d // max(t, 1)):<12}] {d}/{t}" for name, (d, t) in shown.items())
        sys.stderr.write(f"\r\033[K{line}")
        sys.stderr.flush()


def run_serve(args: argparse.Namespace) -> None:
    """Build, serve on 127.0.0.1, rebuild on changes; errors are printed and the last good site stays up.

    The preview typesets no booklets (it keeps the last build's booklets that are still current) and leaves out the
    offline copy, the slow parts of a build: `make build` makes them. An edit of services' entries alone shows on their
    pages at once, from the warm renderer, while the full rebuild runs in the background."""
    from .output.serve import start_server, watch
    from .preview import Preview

    def say(text: str) -> None:
        print(text, flush=True)

    def error(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    preview = Preview(args.root, args.root / "site", say, print_problems, error)
    preview.rebuild()
    server = start_server(args.root / "site", "127.0.0.1", args.port)
    stop = threading.Event()
    builder = threading.Thread(target=preview.run, args=(stop,), daemon=True)
    builder.start()
    try:  # announced once the watcher has read the sources' state: a save after the announcement is always seen
        watch(args.root, preview.changed, stop=stop,
              ready=lambda: print(f"serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True))
    except KeyboardInterrupt:
        stop.set()
        server.shutdown()
        builder.join()
        preview.close()


def print_problems(exc: DataError | WorkbookError) -> None:
    """Every data problem, one per line, then a count."""
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    count = len(exc.problems)
    print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr, flush=True)


COMMANDS = {"check": run_check, "export": run_export, "diff": run_diff, "import": run_import, "gaps": run_gaps,
            "build": run_build, "serve": run_serve}


def stop_on_sigterm() -> None:
    """SIGTERM → KeyboardInterrupt, so an interrupted build cleans up like one stopped with Ctrl+C."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str] | None = None, then_exit: bool = False) -> int:
    """Entry point of the `handbook` command; returns the exit code. `then_exit`: the process ends with the command
    (launch.py ends it after `build`)."""
    args = parse_args(argv)
    args.then_exit = then_exit
    stop_on_sigterm()
    try:
        COMMANDS[args.command](args)
    except (DataError, WorkbookError) as exc:
        print_problems(exc)
        return 1
    except HandbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; site/ was left as it was.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
