"""The ``etude`` command. Parses arguments and calls the Python API; no logic of its own.

Each subcommand has one handler ``_cmd_<name>(args) -> int`` below. Errors the package raises on purpose
(:class:`etude.errors.EtudeError`) become a short French message on stderr and exit code 1; a traceback is
shown only with ``--verbose``. Modules are imported inside handlers so that ``etude --help`` stays fast.

Examples
--------
.. code-block:: console

    $ etude notebooks
    $ etude reproduce --jobs 2 -p min_cell 5
    $ etude validate export.csv --kind buyers
"""
from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from etude import __version__
from etude.errors import EtudeError

__all__ = ["main", "build_parser"]


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--study", metavar="FILE", help="fichier d'étude (YAML) ; défaut : l'étude de démonstration")
    p.add_argument("--out", metavar="DIR", help="dossier où créer le dossier de l'exécution ; défaut : outputs/")
    p.add_argument("--lang", choices=["fr", "en"], default=None, help="langue des graphiques et rapports (fr)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="paramètre de notebook, typé d'après sa valeur par défaut (répétable)")
    p.add_argument("--timeout", type=float, default=None, metavar="S",
                   help="délai maximal par cellule, en secondes (défaut : 600)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``etude`` command."""
    parser = argparse.ArgumentParser(
        prog="etude",
        description="Reproduire et étendre l'étude « L'innovation dans la commande publique » (Hauts-de-France).")
    parser.add_argument("--version", action="version", version=f"etude {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="afficher les traces complètes des erreurs")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True)

    sub.add_parser("notebooks", help="lister les notebooks de l'étude et leurs paramètres")

    p = sub.add_parser("reproduce", help="exécuter toute l'étude et produire rapport, diapositives et tables")
    _add_run_options(p)
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="notebooks indépendants exécutés en parallèle (défaut : nombre de cœurs)")

    p = sub.add_parser("run", help="exécuter un seul notebook")
    p.add_argument("notebook", metavar="NOTEBOOK", help="chemin ou nom du notebook (ex. 02_freins)")
    _add_run_options(p)

    p = sub.add_parser("validate", help="valider un export d'enquête (CSV ou XLSX), ou tous ceux d'une étude")
    p.add_argument("file", metavar="FILE", nargs="?", help="l'export à valider (ou --study)")
    p.add_argument("--study", metavar="ETUDE", help="valider d'un coup tous les exports de ce fichier d'étude")
    p.add_argument("--kind", choices=["buyers", "companies"], help="questionnaire de l'export (avec FILE)")
    p.add_argument("--mapping", metavar="M", help="fichier de correspondance (YAML) pour d'autres en-têtes")
    p.add_argument("--wave", type=int, default=None, help="vague attendue (année)")
    p.add_argument("--sheet", default=None, help="feuille XLSX à lire (défaut : la première)")

    p = sub.add_parser("demo", help="écrire les exports simulés de démonstration")
    p.add_argument("--out", metavar="DIR", help="dossier de sortie (défaut : data/demo/)")
    p.add_argument("--seed", type=int, default=None, help="graine du générateur (défaut : celle de la démo)")
    p.add_argument("--force", action="store_true", help="écraser les fichiers existants du dossier de sortie")

    p = sub.add_parser("decp", help="indicateurs annuels à partir de fichiers DECP (JSON, ZIP, CSV, Parquet)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--region", default="hauts-de-france", help="région à retenir, ou 'none' (défaut : hauts-de-france)")
    p.add_argument("--out", metavar="CSV", help="écrire la table annuelle dans ce fichier CSV")
    return parser


def _cmd_notebooks(args) -> int:
    from etude import pipeline
    print(pipeline.format_notebook_list(pipeline.list_notebooks()))
    return 0


def _cmd_reproduce(args) -> int:
    from etude import pipeline
    result = pipeline.reproduce(study=args.study, out=args.out, lang=args.lang, jobs=args.jobs,
                                parameters=args.parameter, timeout=args.timeout, verbose=args.verbose)
    return 0 if result.ok else 1


def _cmd_run(args) -> int:
    from etude import pipeline
    result = pipeline.reproduce(study=args.study, out=args.out, lang=args.lang, jobs=1,
                                parameters=args.parameter, timeout=args.timeout, verbose=args.verbose,
                                notebooks=[args.notebook])
    return 0 if result.ok else 1


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _respondents(n: int) -> str:
    return _number(n) + (" répondants" if n > 1 else " répondant")


def _cmd_validate(args) -> int:
    from etude import survey
    from etude.errors import ParameterError, format_problems, printable
    if args.study:
        if args.file:
            raise ParameterError("donner soit un export (FILE --kind …), soit --study ETUDE, pas les deux")
        return _validate_study(args.study)
    if not args.file or not args.kind:
        raise ParameterError("indiquer l'export et son questionnaire (FILE --kind buyers|companies) ou --study ETUDE")
    table, problems = survey.parse_export(args.file, args.kind, mapping=args.mapping, wave=args.wave,
                                          sheet=args.sheet, require_wave=False)
    for line in format_problems(problems):
        print(line)
    name = printable(args.file)
    errors = [p for p in problems if p["severity"] == "error"]
    if not errors and table is not None:
        print(f"{name} : valide ({args.kind}, {_respondents(len(table))}).")
        return 0
    print(f"{name} : {_number(len(errors))} problème(s) à corriger.")
    return 1


def _validate_study(study: str) -> int:
    from etude import survey
    from etude.errors import InputError, format_problems, printable
    problems = survey.validate_study(study)
    for line in format_problems(problems):
        print(line)
    errors = [p for p in problems if p["severity"] == "error"]
    if errors:
        print(f"{printable(study)} : {_number(len(errors))} problème(s) à corriger.")
        return 1
    try:
        tables = survey.load_study(study)
    except InputError:  # pragma: no cover - validate_study found no error
        return 1
    counts = ", ".join(f"{kind} {_respondents(len(t))}" for kind, t in tables.items() if len(t))
    print(f"{printable(study)} : étude valide ({counts}).")
    return 0


def _cmd_demo(args) -> int:
    from etude import demo
    kwargs = {} if args.seed is None else {"seed": args.seed}
    for path in demo.write_demo(args.out, force=args.force, **kwargs):
        print(path)
    return 0


def _cmd_decp(args) -> int:
    from etude import decp
    return decp.cli(args.files, region=args.region, out=args.out)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``etude`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    handler = globals()[f"_cmd_{args.command}"]
    try:
        return handler(args)
    except EtudeError as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
