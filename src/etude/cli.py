"""The ``etude`` command. Parses arguments and calls the Python API; no logic of its own.

Each subcommand has one handler ``_cmd_<name>(args) -> int`` below, named in :data:`COMMANDS`. Errors the
package raises on purpose (:class:`etude.errors.EtudeError`) become a short French message on stderr and exit
code 1; a traceback is shown only with ``--verbose``.
Modules are imported inside handlers so that ``etude --help`` stays fast.

Examples
--------
.. code-block:: console

    $ etude notebooks
    $ etude reproduce --jobs 2 -p min_cell 5
    $ etude validate export.csv --population buyers
    $ etude verify outputs/latest --rerun
    $ etude audit outputs/latest
"""
from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from etude import __version__
from etude.errors import EtudeError, InputError, format_problem

__all__ = ["main", "build_parser", "print_run", "COMMANDS"]


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--study", metavar="FILE", help="fichier d'étude (YAML) ; défaut : l'étude de démonstration")
    p.add_argument("--out", metavar="DIR", help="dossier où créer le dossier de l'exécution ; défaut : outputs/")
    p.add_argument("--lang", choices=["fr", "en"], default=None, help="langue des graphiques et rapports (fr)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="paramètre de notebook, typé d'après sa valeur par défaut (répétable)")
    p.add_argument("--timeout", default=None, metavar="S",
                   help="délai maximal par cellule, en secondes, ex. 2.5 (défaut : 600)")
    p.add_argument("--no-cache", action="store_true",
                   help="tout réexécuter, sans reprendre les notebooks inchangés des exécutions précédentes")
    for key, what in (("name", "nom de la réunion (titre des diapositives)"),
                      ("date", "date de la réunion (AAAA-MM-JJ)"),
                      ("place", "lieu de la réunion"), ("presenter", "qui présente"),
                      ("organisations", "organisations qui présentent (séparées par « ; »)")):
        p.add_argument(f"--meeting-{key}", default=None, metavar="TEXTE",
                       help=f"{what} ; remplace la clé meeting.{key} du fichier d'étude")
    p.add_argument("--odf", action="store_true",
                   help="écrire aussi slides.odp et tables.ods (format OpenDocument, avec LibreOffice)")
    p.add_argument("--fresh-kernels", action="store_true",
                   help="un nouveau noyau Python par notebook (défaut : un noyau par tâche, réutilisé "
                        "avec un espace de noms vidé)")


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

    p = sub.add_parser("verify", help="vérifier un dossier d'exécution (empreintes, et avec --rerun les tables)")
    p.add_argument("run", metavar="RUN", help="dossier d'exécution (ex. outputs/latest)")
    p.add_argument("--rerun", action="store_true",
                   help="réexécuter l'étude avec les paramètres du manifeste et comparer chaque table")
    p.add_argument("--study", metavar="FILE", default=None,
                   help="avec --rerun : le fichier d'étude de l'exécution, s'il n'est pas dans le dépôt ou a bougé")

    p = sub.add_parser("validate", help="valider un export d'enquête (CSV ou XLSX), ou tous ceux d'une étude")
    p.add_argument("file", metavar="FILE", nargs="?", help="l'export à valider (ou --study)")
    p.add_argument("--study", metavar="ETUDE", help="valider d'un coup tous les exports de ce fichier d'étude")
    p.add_argument("--population", choices=["buyers", "companies"], help="questionnaire de l'export (avec FILE)")
    p.add_argument("--kind", choices=["buyers", "companies"], dest="population", help=argparse.SUPPRESS)  # deprecated
    p.add_argument("--mapping", metavar="M", help="fichier de correspondance (YAML) pour d'autres en-têtes")
    p.add_argument("--wave", type=int, default=None, help="vague attendue (année)")
    p.add_argument("--sheet", default=None, help="feuille XLSX à lire (défaut : la première)")

    p = sub.add_parser("demo", help="écrire les exports simulés de démonstration et l'extrait DECP simulé")
    p.add_argument("--out", metavar="DIR", help="dossier de sortie (défaut : data/demo/)")
    p.add_argument("--seed", type=int, default=None, help="graine du générateur (défaut : celle de la démo)")
    p.add_argument("--force", action="store_true", help="écraser les fichiers existants du dossier de sortie")

    p = sub.add_parser("decp", help="indicateurs annuels à partir de fichiers DECP (JSON, ZIP, CSV, Parquet)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--region", default="hauts-de-france", help="région à retenir, ou 'none' (défaut : hauts-de-france)")
    p.add_argument("--out", metavar="CSV", help="écrire la table annuelle dans ce fichier CSV")
    p.add_argument("--max-unzipped", type=float, default=None, metavar="MO",
                   help="taille maximale d'une archive ZIP une fois décompressée, en Mo (défaut : 4295, soit 4 Gio)")

    p = sub.add_parser("audit", help="vérifier une exécution : aucune cellule masquée retrouvable par calcul, "
                                     "aucune donnée personnelle dans les fichiers produits")
    p.add_argument("run", metavar="RUN", help="dossier d'une exécution (outputs/<exécution>/)")
    p.add_argument("--min-cell", type=int, default=5, metavar="N", help="seuil du secret statistique (défaut : 5)")
    p.add_argument("--study", metavar="FILE", default=None,
                   help="le fichier d'étude de l'exécution, s'il n'est pas dans le dépôt ou a bougé")
    _add_next_wave_commands(sub)
    return parser


# --------------------------------------------------------------------------------------- the next wave (issue 31)

def _add_next_wave_commands(sub) -> None:
    """``etude questionnaire`` and ``etude sample-size``: preparing the next wave."""
    p = sub.add_parser("questionnaire", help="écrire le questionnaire de la prochaine vague d'après le codebook "
                                             "(XLSForm pour KoboToolbox/ODK, ou texte LimeSurvey)")
    p.add_argument("--population", choices=["buyers", "companies"], required=True, help="questionnaire à écrire")
    p.add_argument("--format", choices=["xlsform", "limesurvey"], required=True,
                   help="xlsform (.xlsx) ou limesurvey (.txt, import « fichier texte »)")
    p.add_argument("--out", metavar="FILE", required=True, help="fichier à écrire (.xlsx ou .txt)")
    p.add_argument("--lang", choices=["fr", "en"], default="fr", help="langue des libellés (fr)")
    p.add_argument("--min-cell", type=int, default=5, metavar="N",
                   help="seuil du secret statistique annoncé aux répondants (défaut : 5)")
    p = sub.add_parser("sample-size", help="répondants nécessaires pour une précision donnée, et précision de la "
                                           "dernière vague")
    p.add_argument("--half-width", type=float, required=True, metavar="H",
                   help="demi-largeur voulue de l'intervalle de Wilson, en fraction (0.10 pour ± 10 points)")
    p.add_argument("--proportion", type=float, default=0.5, metavar="P", help="part attendue (défaut : 0.5)")
    p.add_argument("--population", type=int, default=None, metavar="N",
                   help="taille de la population interrogée (correction de population finie)")
    p.add_argument("--confidence", type=float, default=0.95, metavar="C", help="niveau de confiance (0.95)")
    p.add_argument("--study", metavar="FILE", help="fichier d'étude dont lire la dernière vague (défaut : la démo)")
    p.add_argument("--lang", choices=["fr", "en"], default="fr", help="langue de la sortie (fr)")


def _cmd_questionnaire(args) -> int:
    from etude.survey import questionnaire
    path = questionnaire.write_questionnaire(args.population, args.format, args.out, lang=args.lang,
                                             min_cell=args.min_cell)
    print(path)
    return 0


def _cmd_sample_size(args) -> int:
    from etude import survey
    from etude.analysis import precision
    from etude.publish.present import weights
    spec = survey.read_study(args.study)
    sizes = {population: sum(next(iter(m.values()))["counts"].values())
             for population, m in spec["margins"].items() if m}
    table = precision.wave_precision(survey.load_study(args.study), proportion=args.proportion,
                                     confidence=args.confidence, populations=sizes)
    for line in weights.sample_size_lines(args.half_width, proportion=args.proportion, confidence=args.confidence,
                                          population=args.population, precision=table, lang=args.lang):
        print(line)
    return 0


def _study_opted_in(run) -> bool:
    """The study's ``publish_small_groups`` as the run's manifest records it (False when absent or unreadable)."""
    import json
    from pathlib import Path
    try:
        manifest = json.loads((Path(run) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and bool((manifest.get("study") or {}).get("publish_small_groups"))


def _cmd_audit(args) -> int:
    from etude import words
    from etude.publish.present.confidentiality import audit_lines
    from etude.safety import audit, disclosure
    protect = disclosure.protected_populations(_study_opted_in(args.run))  # the study's choice, as the run did
    found = disclosure.audit_run(args.run, min_cell=args.min_cell, protect=protect)
    for line in audit_lines(found):
        print(line)
    checked = found.attrs.get("checked", 0)
    print(words.text("cli.audit_recoverable", found=len(found), run=args.run, checked=checked) if len(found) else
          words.text("cli.audit_safe", run=args.run, min_cell=args.min_cell, checked=checked))
    leaks = audit.privacy_scan(args.run, min_cell=args.min_cell, study=args.study)
    for line in audit.scan_lines(leaks):
        print(line)
    print(words.text("cli.audit_leaks", run=args.run, found=len(leaks)) if len(leaks) else
          words.text("cli.audit_no_leak", run=args.run))
    return 1 if len(found) or len(leaks) else 0


def _cmd_notebooks(args) -> int:
    from etude import engine
    print(engine.format_notebook_list(engine.list_notebooks()))
    return 0


def print_run(result) -> int:
    """Print what the user needs after a run (problems and warnings on stderr; the report and the run folder
    last on stdout) and return the exit code: 0, 1 (failed) or 130 (interrupted)."""
    for line in result.problems:
        print(f"✗ {line}", file=sys.stderr)
    for line in result.warnings:
        print(f"avertissement — {line}", file=sys.stderr)
    failed = [(name, status) for name, status in result.statuses.items() if status != "ok"]
    if failed:
        print(f"Échec : {len(failed)} notebook(s) sur {len(result.statuses)} — " + ", ".join(
            f"{name} ({'ignoré' if status == 'skipped' else 'échec'})" for name, status in failed), file=sys.stderr)
    if not result.ok:
        print("Les résultats précédents (outputs/latest) sont intacts : ce dossier d'exécution est gardé, "
              "marqué en échec.", file=sys.stderr)
    print(f"Rapport : {result.run_dir / 'report.html'}", flush=True)
    print(result.run_dir, flush=True)
    if result.interrupted:
        return 130
    return 0 if result.ok else 1


def _run_options(args, **options):
    """The run's options (:class:`etude.engine.RunOptions`) from the command line's flags, plus ``options``."""
    from etude import engine
    return engine.RunOptions(study=args.study, out=args.out, lang=args.lang, parameters=args.parameter,
                             timeout=args.timeout, verbose=args.verbose, use_cache=not args.no_cache,
                             fresh_kernels=args.fresh_kernels, meeting=_meeting(args), odf=args.odf,
                             **options)


def _meeting(args) -> dict:
    """The meeting keys given on the command line (``--meeting-name …``); organisations split on « ; »."""
    given = {k: getattr(args, f"meeting_{k}", None) for k in ("name", "date", "place", "presenter", "organisations")}
    if given["organisations"]:
        given["organisations"] = [x.strip() for x in given["organisations"].split(";") if x.strip()]
    return {k: v for k, v in given.items() if v}


def _cmd_reproduce(args) -> int:
    from etude import engine
    return print_run(engine.reproduce(_run_options(args, jobs=args.jobs), progress=engine.Progress()))


def _cmd_run(args) -> int:
    from etude import engine
    return print_run(engine.reproduce(_run_options(args, jobs=1, notebooks=[args.notebook], move_latest=False),
                                      progress=engine.Progress()))


def _cmd_verify(args) -> int:
    from etude import engine
    from etude.engine.verify import describe_problem, format_difference
    found = engine.verify_run(args.run)
    for row in found.to_dict("records"):
        print(f"✗ {describe_problem(row)}")
    if not found.empty:
        print(f"{args.run} : {len(found)} fichier(s) différent(s) du manifeste ou de leur copie dans le cache.")
        return 1
    print(f"{args.run} : fichiers conformes au manifeste (sha256).")
    if not args.rerun:
        return 0
    result = engine.rerun_and_compare(args.run, progress=engine.Progress(), study=args.study)
    lines = result.inputs + [f"réexécution en échec : {m}" for m in result.rerun_errors.values()]
    lines += [format_difference(d) for d in result.differences[:200]]
    if len(result.differences) > 200:
        lines.append(f"… et {len(result.differences) - 200} autres différences")
    lines += [result.salt_note] if result.salt_note else []
    for line in lines:
        print(f"✗ {line}")
    if result.ok:
        print(f"{args.run} : la réexécution redonne chaque table (nombres à 1e-9 près, textes à l'identique) "
              "et le texte de chaque notebook.")
        return 0
    print(f"{args.run} : {len(result.inputs) + len(result.differences)} différence(s) ; "
          + ("entrées modifiées, rien n'a été réexécuté." if result.inputs else "voir ci-dessus."))
    return 1


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def _respondents(n: int) -> str:
    return _number(n) + (" répondants" if n > 1 else " répondant")


def _cmd_validate(args) -> int:
    from etude import survey
    from etude.errors import ParameterError, format_problems, printable
    if args.study:
        if args.file:
            raise ParameterError("donner soit un export (FILE --population …), soit --study ETUDE, pas les deux")
        return _validate_study(args.study)
    if not args.file or not args.population:
        raise ParameterError("indiquer l'export et son questionnaire (FILE --population buyers|companies) "
                             "ou --study ETUDE")
    export = survey.ExportEntry(args.file, args.population, mapping=args.mapping, wave=args.wave, sheet=args.sheet)
    table, problems = survey.parse_export(export, require_wave=False)
    for line in format_problems(problems):
        print(line)
    name = printable(args.file)
    errors = [p for p in problems if p["severity"] == "error"]
    if not errors and table is not None:
        print(f"{name} : valide ({args.population}, {_respondents(len(table))}).")
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
    counts = ", ".join(f"{population} {_respondents(len(t))}" for population, t in tables.items() if len(t))
    print(f"{printable(study)} : étude valide ({counts}).")
    return 0


def _cmd_demo(args) -> int:
    from etude.decp import demo as decp_demo
    from etude.survey import demo
    kwargs = {} if args.seed is None else {"seed": args.seed}
    for path in demo.write_demo(args.out, force=args.force, **kwargs):
        print(path)
    print(decp_demo.write_demo_decp(args.out, force=args.force, **kwargs))  # the simulated DECP extract (notebook 07)
    return 0


def _cmd_decp(args) -> int:
    from etude import decp
    from etude.errors import ParameterError
    if args.max_unzipped is not None and not args.max_unzipped > 0:
        raise ParameterError(f"--max-unzipped doit être un nombre de Mo positif, pas « {args.max_unzipped:g} »")
    kwargs = {} if args.max_unzipped is None else {"max_unzipped": max(1, int(args.max_unzipped * 1e6))}
    from etude.publish.present.decp import format_report
    print(format_report(decp.decp_report(args.files, region=args.region, out=args.out, **kwargs)))
    return 0


#: Subcommand name -> handler.
COMMANDS = {"notebooks": _cmd_notebooks, "reproduce": _cmd_reproduce, "run": _cmd_run, "verify": _cmd_verify,
            "validate": _cmd_validate, "demo": _cmd_demo, "decp": _cmd_decp, "audit": _cmd_audit}
COMMANDS.update({"questionnaire": _cmd_questionnaire, "sample-size": _cmd_sample_size})


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``etude`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    handler = COMMANDS[args.command]
    try:
        return handler(args)
    except InputError as exc:  # every problem at once, as ``etude validate`` prints them
        if args.verbose:
            traceback.print_exc()
        for p in exc.problems:
            print(format_problem(p), file=sys.stderr)
        print(f"erreur : {sum(p.get('severity') != 'warning' for p in exc.problems)} problème(s) à corriger ; "
              "aucun notebook n'a été lancé." if args.command in ("reproduce", "run") else
              f"erreur : {len(exc.problems)} problème(s).", file=sys.stderr)
        return 1
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
