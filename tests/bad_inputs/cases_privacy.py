"""Bad-input cases of issue 27 (no person, no machine in an output): a weak salt, people's names and disguised
e-mails in the answers, a name, a disguised e-mail or a path of the machine in a run's files."""
from __future__ import annotations

from pathlib import Path

from bad_inputs import cases_text as ct
from bad_inputs import make_cases as mc

_RECIPE = "secrets.token_hex(32)"
_NAMES = ["M. Jean Dupont, acheteur", "Mme Françoise Lefèvre-Martin (DAF)", "Docteur Paul Martin",
          "acheteuse : Claire Petit"]
_MAILS = ["jean point dupont arobase ville-lille point fr", "jean.dupont @ ville-lille . fr",
          "claire [at] hopital-lens (point) fr", "tél. zéro six douze trente-quatre cinquante-six soixante-dix-huit"]


def _weak_salt(content: bytes | None):
    """``etude validate`` on a valid export, the salt given weak: in ``ETUDE_SALT`` (``content`` None) or in
    ``depot/.etude-salt``."""
    def make(folder: Path) -> list[str]:
        root = ct._tiny(folder)
        if content is not None:
            (root / ".etude-salt").write_bytes(content)
        export = mc.write_csv(folder / "acheteurs.csv", mc.buyers_rows())
        return ["validate", str(export), "--population", "buyers"]
    return make


def _env_salt(value: str):
    def env(folder: Path) -> dict:
        return {**ct._tiny_env(folder), "ETUDE_SALT": value}
    return env


def _scrubbed(name: str, column: str, gone: list[str]):
    """``after``: the export loads with none of ``gone`` in ``column``, and its « Organisme » values that name a
    person are not published (grouped into « autre » even when 5 buyers gave the same)."""
    def after(folder: Path) -> bool:
        from etude import survey
        from etude.survey.study import group_rare_open_values
        table = survey.load_export(folder / name, "buyers", wave=2017)
        text = " ".join(str(v) for v in table[column].dropna())
        grouped = group_rare_open_values(table, "buyers")["organisation"].dropna().astype(str)
        return not any(g in text for g in gone) and set(grouped) <= {"autre", "mel", "cd80", "cd62"}
    return after


def _audited(leak: str, *, path: bool = False):
    """``etude audit`` on a run folder whose slides hold ``leak`` (with ``path``: the run folder's own path)."""
    def make(folder: Path) -> list[str]:
        run = folder / "run"
        run.mkdir()
        (run / "report.html").write_text("<p>48,1 % des 27 acheteurs</p>", encoding="utf-8")
        shown = f"{leak} {run / 'tables' / 'freins.csv'}" if path else leak
        (run / "slides.html").write_text(f"<section>{shown}</section>", encoding="utf-8")
        return ["audit", str(run)]
    return make


def cases() -> list[dict]:
    """The cases, each asserting what the user gets."""
    fix_salt = f"Générer un sel : python -c \"import secrets; print({_RECIPE})\", le mettre dans ETUDE_SALT (ou "
    five = ["M. Jean Dupont, acheteur"] * 5
    return [
        ct._checked(
            ct._case("salt_env_weak", "study", "ETUDE_SALT trop court et devinable (lille2017)", _weak_salt(None), 1,
                     ["ETUDE_SALT", "sel sûr", "9 caractères (au moins 32)", _RECIPE],
                     fix_salt + "le fichier .etude-salt).", env=_env_salt("lille2017")),
            absent=["Traceback"]),
        ct._checked(
            ct._case("salt_env_sequence", "study", "ETUDE_SALT long mais fait de suites (0123…abcdef…)",
                     _weak_salt(None), 1, ["ETUDE_SALT", "sel sûr", "se suivent", _RECIPE],
                     fix_salt + "le fichier .etude-salt).",
                     env=_env_salt("0123456789abcdef0123456789abcdef0123456789")),
            absent=["Traceback"]),
        ct._checked(
            ct._case("salt_file_weak", "study", "fichier .etude-salt qui tient un mot de passe répété",
                     _weak_salt(b"passwordpasswordpasswordpassword\n"), 1, [".etude-salt", "sel sûr", _RECIPE],
                     fix_salt + "le fichier .etude-salt).", env=_env_salt("")),
            absent=["Traceback"]),
        ct._checked(
            ct._case("ok_csv_names_in_organisation", "csv", "noms de personnes dans « Organisme » (civilité, rôle)",
                     ct._export("acheteurs_noms.csv", ct._with_organisations(_NAMES)), 0,
                     ["valide (buyers, 4 répondants)"]),
            after=_scrubbed("acheteurs_noms.csv", "organisation", ["Dupont", "Lefèvre", "Martin", "Petit"])),
        ct._checked(
            ct._case("ok_csv_one_name_by_5_buyers", "csv", "le même nom de personne donné par 5 acheteurs (Organisme)",
                     ct._export("acheteurs_nom5.csv", ct._with_organisations(five, rows=ct._five_buyers())), 0,
                     ["valide (buyers, 5 répondants)"]),
            after=_scrubbed("acheteurs_nom5.csv", "organisation", ["Dupont"])),
        ct._checked(
            ct._case("ok_csv_disguised_emails", "csv",
                     "e-mails déguisés (arobase, point, [at], espaces) et téléphone en lettres dans les commentaires",
                     ct._export("acheteurs_courriels.csv", ct._with_organisations(["MEL"] * 4, _MAILS)), 0,
                     ["valide (buyers, 4 répondants)"]),
            after=_scrubbed("acheteurs_courriels.csv", "comment", ["dupont", "claire", "hopital", "trente"])),
        ct._case("audit_finds_a_name", "study", "etude audit : un nom de personne dans les diapositives",
                 _audited("Réponse de Mme Françoise Lefèvre-Martin (DAF)"), 1,
                 ["slides.html", "nom de personne « Mme Françoise Lefèvre-Martin »", "donnée(s) personnelle(s)"],
                 "Retirer le nom de la réponse ou du notebook qui l'affiche, puis relancer etude reproduce."),
        ct._case("audit_finds_a_disguised_email", "study", "etude audit : un e-mail déguisé dans les diapositives",
                 _audited("Écrire à jean point dupont arobase ville-lille point fr"), 1,
                 ["slides.html", "adresse e-mail « jean point dupont arobase ville-lille point fr »"],
                 "Retirer l'adresse de la réponse ou du notebook qui l'affiche, puis relancer etude reproduce."),
        ct._case("audit_finds_a_machine_path", "study", "etude audit : un chemin absolu de la machine dans les "
                 "diapositives", _audited("Table écrite dans", path=True), 1,
                 ["slides.html", "chemin de la machine", "tables/freins.csv"],
                 "Ne pas afficher de chemin (outputs.save_table le montre relatif au dossier du run), puis relancer "
                 "etude reproduce."),
    ]
