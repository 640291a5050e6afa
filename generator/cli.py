"""Command line: the only code that reads argv, prints, or sets exit codes."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DataError, HandbookError
from .export import render_csv, render_json
from .load import load_project


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """argv → options."""
    parser = argparse.ArgumentParser(prog="handbook", description="Build the Yanbian County public-service handbook.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project directory (default: current directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate services.yaml and site_config.yml")
    export = commands.add_parser("export", help="write the validated data as JSON or CSV")
    export.add_argument("--format", choices=("json", "csv"), required=True)
    export.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")
    return parser.parse_args(argv)


def run_check(args: argparse.Namespace) -> None:
    """Validate the project and say so."""
    config, handbook = load_project(args.root)
    print(f"ok: {len(handbook.services)} services in {len(handbook.chapters)} chapters, "
          f"{len(handbook.departments)} departments, {len(handbook.audiences)} audiences, "
          f"{len(handbook.glossary)} glossary terms; languages {', '.join(config.codes)}")


def run_export(args: argparse.Namespace) -> None:
    """Validate the project and write its data."""
    config, handbook = load_project(args.root)
    text = render_json(handbook) if args.format == "json" else render_csv(handbook, config)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


COMMANDS = {"check": run_check, "export": run_export}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `handbook` command; returns the exit code."""
    args = parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=sys.stderr)
        return 1
    except HandbookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"error: {exc.filename}: file not found", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
