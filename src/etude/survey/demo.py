"""Simulated demo exports: the 2017 and 2018 waves of both surveys, in the raw formats real exports come in.

The raw answers of the 2017 surveys are not public. :func:`write_demo` fabricates, deterministically (same seed →
same bytes), exports that look like what survey tools write, so the demo runs through the real loaders:

============================  ======  =========================================  =====================
file                          format  layout of the multi-select questions       encoding / separator
============================  ======  =========================================  =====================
acheteurs_2017_simule.csv     CSV     wide (``Question [Item]``, ``Oui``/empty)  cp1252, ``;``
entreprises_2017_simule.csv   CSV     packed (labels joined by ``, ``)           UTF-8, ``,``
acheteurs_2018_simule.xlsx    XLSX    packed (labels joined by ``;``)            title rows, ``Année``
entreprises_2018_simule.xlsx  XLSX    wide (``X``/empty)                         title rows, ``Année``
============================  ======  =========================================  =====================

Only the 2017 sizes are published (27 buyers of which 17 State and 4 local authorities; 90 companies); every
other number — item prevalences, 2018 sizes, type/size/segment/département mixes — is a stated hypothesis in
``data/demo/hypotheses.yaml``, the one place they live. Identifiers are fake (``prenom.nom@example.org``,
phone numbers from the ranges ARCEP reserves for fiction, SIRET starting ``000``) and some comments carry a
fake e-mail or phone so that privacy is exercised. The file names say ``simule``, the XLSX document
properties say « Données simulées », and the study file written beside them says ``simulated: true``.

Examples
--------
>>> t = simulate("buyers", 2017, seed=1)
>>> len(t), int((t["buyer_type"] == "etat").sum()), int((t["buyer_type"] == "collectivite").sum())
(27, 17, 4)
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from etude import paths
from etude.errors import InputError, printable, problem
from etude.files import check_out_dir
from etude.survey import codebook as cbk
from etude.survey.readers import FORMATS

__all__ = ["DEFAULT_SEED", "FILES", "simulate", "write_demo", "hypotheses", "allocate", "ExportLayout", "to_export",
           "write_export", "export_bytes"]

#: Default seed of ``etude demo`` (the committed files in ``data/demo/`` use it).
DEFAULT_SEED = 20171120

#: The demo exports: (population, wave) → file name and how it is written.
FILES: dict[tuple[str, int], dict[str, Any]] = {
    ("buyers", 2017): {"file": "acheteurs_2017_simule.csv", "layout": "wide", "true_value": "Oui",
                       "encoding": "cp1252", "sep": ";"},
    ("companies", 2017): {"file": "entreprises_2017_simule.csv", "layout": "packed", "packed_sep": ", ",
                          "encoding": "utf-8", "sep": ",",
                          "labels": {"seg_intellectuelles": "Prestations intellectuelles (études, conseil)",
                                     "seg_immobilier": "Immobilier (travaux, maintenance des bâtiments)"}},
    ("buyers", 2018): {"file": "acheteurs_2018_simule.xlsx", "layout": "packed", "packed_sep": ";",
                       "include_wave": True,
                       "title_rows": ["Recensement des besoins innovants des acheteurs publics — vague 2018",
                                      "DONNÉES SIMULÉES — ne pas citer"]},
    ("companies", 2018): {"file": "entreprises_2018_simule.xlsx", "layout": "wide", "true_value": "X",
                          "include_wave": True,
                          "title_rows": ["AMI entreprises innovantes — vague 2018",
                                         "DONNÉES SIMULÉES — ne pas citer"]},
}

_TIMESTAMP = _dt.datetime(2018, 12, 31, 12, 0, 0)

_FIRST = ["Camille", "Julien", "Sophie", "Thomas", "Claire", "Nicolas", "Élodie", "Mathieu", "Aurélie", "Pierre",
          "Isabelle", "Antoine", "Céline", "Hugo", "Nathalie", "Benoît", "Laure", "Maxime", "Hélène", "François",
          "Émilie", "Romain", "Virginie", "Sébastien", "Lucie", "Olivier", "Manon", "Damien", "Pauline", "Grégory"]
_LAST = ["Martin", "Bernard", "Dubois", "Lefebvre", "Leroy", "Moreau", "Lambert", "Dupont", "Lemaire", "Delattre",
         "Lefèvre", "Vasseur", "Caron", "Delcroix", "Dumont", "Deprez", "Wattez", "Lecomte", "Masson", "Fontaine",
         "Hennebelle", "Carpentier", "Roussel", "Duhamel", "Petit", "Lemoine", "Dufour", "Boulanger", "Leclercq",
         "Delannoy"]
_COMPANY_A = ["Nord", "Opale", "Flandre", "Picardie", "Artois", "Hainaut", "Scarpe", "Somme", "Avesnois", "Lys",
              "Canche", "Authie", "Deûle", "Escaut", "Thiérache"]
_COMPANY_B = ["Tech", "Lab", "Data", "Santé", "Conseil", "Habitat", "Numérique", "Innov", "Services", "Ingénierie"]
_FORMS = ["SAS", "SARL", "SAS", "SASU", "SA"]

_DESCRIPTIONS = {
    "buyers": {
        "sante": ["Suivi à distance des patients chroniques après hospitalisation.",
                  "Solution de traçabilité des dispositifs médicaux au bloc opératoire.",
                  "Outil de planification des équipes soignantes de nuit."],
        "intellectuelles": ["Étude sur la mesure de l'impact social de nos achats.",
                            "Accompagnement au sourcing et à la rédaction de cahiers des charges fonctionnels.",
                            "Conseil en conception de services publics avec les usagers."],
        "numerique": ["Plateforme de dématérialisation des demandes des usagers.",
                      "Outil d'analyse des données d'achat pour repérer les marchés à renouveler.",
                      "Application mobile de signalement sur la voirie."],
        "immobilier": ["Capteurs de suivi des consommations d'énergie des bâtiments scolaires.",
                       "Matériaux biosourcés pour la rénovation de bâtiments administratifs.",
                       "Maintenance prédictive des ascenseurs et chaufferies."],
    },
    "companies": {
        "sante": ["Dispositif connecté de télésurveillance des patients à domicile.",
                  "Logiciel d'aide à la gestion des stocks de pharmacie hospitalière.",
                  "Capteurs portables de prévention des chutes en EHPAD."],
        "intellectuelles": ["Cabinet d'études spécialisé dans l'évaluation des politiques d'innovation.",
                            "Méthodes de design de services pour les administrations.",
                            "Formation des acheteurs au sourcing et aux achats innovants."],
        "numerique": ["Plateforme d'open data clé en main pour les collectivités.",
                      "Outil d'intelligence artificielle d'analyse des courriers entrants.",
                      "Solution de prise de rendez-vous en ligne pour les services publics."],
        "immobilier": ["Béton bas carbone issu de matériaux recyclés.",
                       "Jumeau numérique de bâtiments pour la maintenance.",
                       "Isolation thermique par l'extérieur à base de fibres végétales."],
    },
}
_COMMENTS = {
    "buyers": ["Nous manquons de visibilité sur l'offre innovante régionale.",
               "Un accompagnement juridique nous aiderait à sécuriser une première procédure.",
               "Intéressés par un sourcing commun avec d'autres acheteurs du territoire.",
               "La notion d'achat innovant reste floue pour nos services prescripteurs."],
    "companies": ["Les délais de paiement nous ont déjà mis en difficulté de trésorerie.",
                  "Nous aimerions rencontrer des acheteurs hospitaliers.",
                  "Premier marché public en préparation, les pièces demandées sont nombreuses.",
                  "Nous ne savons pas où trouver les besoins à venir des acheteurs."],
}
_CONTACTS = ["Je reste disponible au {phone}.", "Contact pour la suite : {email}",
             "Me joindre au {phone} ou par courriel ({email}).", "Écrire à {email} pour un rendez-vous."]


def hypotheses(path: str | Path | None = None) -> dict[str, Any]:
    """The demo hypotheses (``data/demo/hypotheses.yaml``) as a dict ``{population: {wave: spec}}``, and under
    ``margins`` the population margins the demo study declares."""
    p = Path(path) if path is not None else paths.demo_dir() / "hypotheses.yaml"
    return cbk.read_yaml(p.read_text(encoding="utf-8"))


def allocate(shares: dict[str, float], n: int) -> dict[str, int]:
    """Whole counts summing to ``n`` from shares (largest remainders; ties in the given order).

    >>> allocate({"a": 0.5, "b": 0.3, "c": 0.2}, 7)
    {'a': 4, 'b': 2, 'c': 1}
    """
    total = sum(shares.values())
    exact = {k: v / total * n for k, v in shares.items()}
    counts = {k: int(np.floor(v)) for k, v in exact.items()}
    rest = n - sum(counts.values())
    order = sorted(shares, key=lambda k: -(exact[k] - counts[k]))  # stable: ties keep the given order
    for k in order[:rest]:
        counts[k] += 1
    return counts


def _spread(counts: dict[str, int], rng: np.random.Generator) -> list[str]:
    values = [k for k, c in counts.items() for _ in range(c)]
    return [values[i] for i in rng.permutation(len(values))]


def _phone(rng: np.random.Generator) -> str:
    block = ["03 53 01", "06 39 98"][int(rng.integers(2))]  # ARCEP ranges reserved for fiction
    a, b = (int(x) for x in rng.integers(0, 100, size=2))
    style = int(rng.integers(3))
    if style == 0:
        return f"{block} {a:02d} {b:02d}"
    if style == 1:
        return f"{block.replace(' ', '.')}.{a:02d}.{b:02d}"
    return f"+33 {block[1:]} {a:02d} {b:02d}"


def _tick(t: pd.DataFrame, items: list[str], prevalence: dict[str, float], n_skip: int, key: list[int]) -> None:
    """Add one multi-select question to ``t``: each item ticked with its prevalence, ``n_skip`` rows left NA.

    Each item draws from its own random stream (``key`` + a checksum of its code), so adding an item leaves the
    other items' draws unchanged; who skips, and the one tick of a respondent who answers but drew no item (drawn
    by prevalence), come from the question's stream (``key``): answering means one tick or more.
    """
    n = len(t)
    rng = np.random.default_rng(key)
    prev = np.array([float(prevalence.get(c, 0.0)) for c in items])
    draws = np.column_stack([np.random.default_rng([*key, zlib.crc32(c.encode("utf-8"))]).random(n) < p
                             for c, p in zip(items, prev)]) if items else np.zeros((n, 0), dtype=bool)
    skip = set(int(k) for k in rng.choice(n, size=n_skip, replace=False))
    for k in range(n):
        if k not in skip and not draws[k].any():
            draws[k, int(rng.choice(len(items), p=prev / prev.sum()))] = True
    for j, code in enumerate(items):
        t[code] = pd.array([pd.NA if k in skip else bool(draws[k, j]) for k in range(n)], dtype="boolean")


def _identity(t: pd.DataFrame, rng: np.random.Generator) -> None:
    """Fake name, e-mail and phone of each respondent (the loaders must pseudonymise or drop them)."""
    n = len(t)
    pairs = rng.choice(len(_FIRST) * len(_LAST), size=n, replace=False)
    names = [(_FIRST[p // len(_LAST)], _LAST[p % len(_LAST)]) for p in pairs]
    t["name"] = [f"{first} {last.upper()}" for first, last in names]
    t["email"] = [f"{cbk.normalise(first)}.{cbk.normalise(last)}@example.org".replace(" ", "")
                  for first, last in names]
    t["phone"] = [_phone(rng) for _ in range(n)]


def _attributes(t: pd.DataFrame, population: str, wave: int, spec: dict, rng: np.random.Generator) -> None:
    """Buyer type and organisation, or company name, SIRET and size; then each respondent's département."""
    n = len(t)
    fixed_dep: list[str | None] = [None] * n
    if population == "buyers":
        t["buyer_type"] = _spread({k: int(v) for k, v in spec["buyer_type"].items()}, rng)
        spellings = (["MEL", "CD 80", "Conseil départemental du Pas-de-Calais"] if wave == 2017
                     else ["Métropole Européenne de Lille", "CD80", "CD 62"])
        deps = ["59", "80", "62"]
        org = [""] * n
        for j, k in enumerate([k for k in range(n) if t.at[k, "buyer_type"] == "collectivite"][:3]):
            org[k], fixed_dep[k] = spellings[j], deps[j]
        t["organisation"] = org
    else:
        t["company"] = [f"{_COMPANY_A[int(a)]} {_COMPANY_B[int(b)]} Démo {_FORMS[int(c)]}" for a, b, c in
                        zip(rng.integers(0, len(_COMPANY_A), n), rng.integers(0, len(_COMPANY_B), n),
                            rng.integers(0, len(_FORMS), n))]
        t["siret"] = [f"000{int(x):011d}" for x in rng.integers(0, 10**11, n)]
        t["size_class"] = _spread(allocate(spec["size_class"], n), rng)
    free = [k for k in range(n) if fixed_dep[k] is None]
    deps_free = _spread(allocate(spec["departement"], len(free)), rng)
    dep = list(fixed_dep)
    for k, d in zip(free, deps_free):
        dep[k] = d
    t["departement"] = dep


def _segments(t: pd.DataFrame, population: str, spec: dict, rng: np.random.Generator, codebook) -> list[str]:
    """Main segment of each respondent and the segment items ticked; returns the main segments."""
    main = _spread(allocate(spec["segment"], len(t)), rng)
    t["segment"] = main
    for code in cbk.items(population, "segments", codebook=codebook)["code"]:
        seg = code.removeprefix("seg_")
        t[code] = [m == seg or bool(rng.random() < spec["segment_extra"]) for m in main]
    return main


def _free_texts(t: pd.DataFrame, population: str, main: list[str], spec: dict, rng: np.random.Generator) -> None:
    """Descriptions and comments; some comments carry the respondent's contact details, as real ones do."""
    desc, comm = [], []
    for k in range(len(t)):
        pool = _DESCRIPTIONS[population][main[k]]
        desc.append(pool[int(rng.integers(len(pool)))] if rng.random() < spec["description_rate"] else "")
        c = ""
        if rng.random() < spec["comment_rate"]:
            c = _COMMENTS[population][int(rng.integers(len(_COMMENTS[population])))]
            if rng.random() < spec["contact_in_comment_rate"]:
                c += " " + _CONTACTS[int(rng.integers(len(_CONTACTS)))].format(phone=t.at[k, "phone"],
                                                                                email=t.at[k, "email"])
        comm.append(c)
    t["description"] = desc
    t["comment"] = comm


def simulate(population: str, wave: int, *, seed: int = DEFAULT_SEED, hypotheses_file: str | Path | None = None,
             codebook=None) -> pd.DataFrame:
    """One simulated wave: a respondent-like table with raw (fake) identifiers, ready for :func:`to_export`.

    Parameters
    ----------
    population : {"buyers", "companies"}
    wave : int
        A wave listed in the hypotheses file.
    seed : int
        Same seed, same table.
    """
    h = hypotheses(hypotheses_file)
    if population not in h or wave not in h[population]:
        raise ValueError(f"no hypotheses for {population} {wave}: expected one of "
                         f"{[(k, w) for k in h for w in h[k]]}")
    spec = h[population][wave]
    population_index = sorted(h).index(population)
    rng = np.random.default_rng([seed, population_index, wave])
    n = int(spec["n"])
    t = pd.DataFrame(index=range(n))
    t["respondent_id"] = [f"{k + 1}" if wave == 2017 else f"R{wave}-{k + 1:03d}" for k in range(n)]
    # the draws below happen in a fixed order (same seed, same files): identity, attributes, segments, ticks, texts
    _identity(t, rng)
    _attributes(t, population, wave, spec, rng)
    main = _segments(t, population, spec, rng, codebook)
    # only items with a stated prevalence are simulated: an item added to the codebook without one is absent
    # from the demo (not asked), and every other answer stays the same
    barriers = [c for c in cbk.items(population, "barriers", codebook=codebook)["code"] if c in spec["barriers"]]
    # each question has its own random streams: adding a question or an item changes no other question's answers
    _tick(t, barriers, spec["barriers"], int(spec["skip_barriers"]), [seed, population_index, wave, 0])
    if "remedies" in spec:
        remedies = [c for c in cbk.items(population, "remedies", codebook=codebook)["code"] if c in spec["remedies"]]
        _tick(t, remedies, spec["remedies"], int(spec.get("skip_remedies", 0)), [seed, population_index, wave, 1])
    _free_texts(t, population, main, spec, rng)
    t["wave"] = wave
    return t


def _margins_yaml(margins: dict | None) -> list[str]:
    """The demo's population margins (hypotheses), as the study file's ``margins:`` block."""
    if not margins:
        return []
    import yaml
    block = yaml.safe_dump({"margins": margins}, allow_unicode=True, sort_keys=False, default_flow_style=None,
                           width=120)
    return ["# Marges de population : HYPOTHÈSES de démonstration (data/demo/hypotheses.yaml), aucune n'est publiée.",
            *block.rstrip("\n").split("\n")]


def _study_yaml(seed: int, margins: dict | None = None) -> str:
    lines = [
        "# Étude de démonstration : DONNÉES SIMULÉES, ne pas citer.",
        f"# Écrit par `etude demo` (graine {seed}) d'après les hypothèses de data/demo/hypotheses.yaml ;",
        "# seuls les effectifs 2017 (27 acheteurs dont 17 de l'État et 4 collectivités, 90 entreprises) sont publiés.",
        "# Même format pour des données réelles : voir le README, « Utiliser vos propres données ».",
        "# Chemins relatifs au dossier de ce fichier ; encodage, séparateur et disposition sont détectés.",
        "title: Démonstration — données simulées",
        "title_en: Demonstration — simulated data",
        "simulated: true",
    ]
    for population in ("buyers", "companies"):
        lines.append(f"{population}:")
        for (k, wave), spec in FILES.items():
            if k != population:
                continue
            lines.append(f"  - wave: {wave}")
            lines.append(f"    file: {spec['file']}")
            if spec["file"].endswith(".xlsx"):
                lines.append("    sheet: Réponses")
    lines += _margins_yaml(margins)
    return "\n".join(lines) + "\n"


def write_demo(out: str | Path | None = None, *, seed: int = DEFAULT_SEED,
               hypotheses_file: str | Path | None = None, force: bool = False) -> list[Path]:
    """Write the simulated exports and their study file ``etude.yaml``.

    Parameters
    ----------
    out : str or Path, optional
        Folder to write into (created if needed); default ``data/demo/``.
    seed : int
        Same seed, same bytes.
    hypotheses_file : str or Path, optional
        Default ``data/demo/hypotheses.yaml``.
    force : bool, default False
        Overwrite files of ``out`` whose bytes differ. Without it such a file is an error and nothing is written
        (a file already holding the same bytes is left as it is).

    Returns
    -------
    list of Path
        The files (four exports, then ``etude.yaml``).

    Raises
    ------
    InputError
        A file of ``out`` would be overwritten and ``force`` is false.
    ParameterError
        ``out`` is a file, goes through a file, or cannot be written to.
    """
    out = Path(out) if out else paths.demo_dir()
    check_out_dir(out, allow_data=True)  # a file, or a read-only folder: one clean message, nothing written
    content: dict[Path, bytes] = {}
    for (population, wave), spec in FILES.items():
        t = simulate(population, wave, seed=seed, hypotheses_file=hypotheses_file)
        table = to_export(t, population, layout=ExportLayout.of(spec), include_wave=spec.get("include_wave", False),
                          labels=spec.get("labels"))
        label = cbk.label(population)
        props = {"title": f"{label} {wave} — données simulées (ne pas citer)",
                 "subject": "Données simulées — ne pas citer",
                 "creator": "etude demo", "keywords": "simulé; démonstration; données fictives",
                 "description": ("Export SIMULÉ par `etude demo` (graine "
                                 f"{seed}) ; hypothèses : data/demo/hypotheses.yaml. Aucune réponse réelle.")}
        content[out / spec["file"]] = export_bytes(table, Path(spec["file"]).suffix,
                                                   encoding=spec.get("encoding", "utf-8"), sep=spec.get("sep", ","),
                                                   title_rows=spec.get("title_rows", ()), properties=props,
                                                   timestamp=_TIMESTAMP)
    content[out / "etude.yaml"] = _study_yaml(seed, hypotheses(hypotheses_file).get("margins")).encode("utf-8")
    clash = [p for p, b in content.items() if p.exists() and (not p.is_file() or p.read_bytes() != b)]
    if clash and not force:
        raise InputError([problem(printable(p), message="fichier existant, non écrasé",
                                  expected="un dossier --out vide, ou relancer avec --force pour l'écraser")
                          for p in clash])
    out.mkdir(parents=True, exist_ok=True)
    for p, b in content.items():
        if not p.is_file() or p.read_bytes() != b:
            p.write_bytes(b)
    return list(content)


# ------------------------------------------------------------------------------------------- export writer

_CP1252_FALLBACK = str.maketrans({"→": "->", "\u202f": " ", "\u2009": " ", "≥": ">=", "≤": "<="})


@dataclass(frozen=True)
class ExportLayout:
    """How a survey tool writes the multi-select questions of an export.

    Parameters
    ----------
    columns : {"wide", "packed"}
        One column per item, or one column of joined labels.
    true_value, false_value : str
        Wide cells for ticked / not ticked items (a respondent with all items NA gets empty cells).
    packed_sep : str
        Separator between labels in packed cells (``", "`` or ``";"``).

    >>> ExportLayout.of({"layout": "packed", "packed_sep": ";"})
    ExportLayout(columns='packed', true_value='Oui', false_value='', packed_sep=';')
    """

    columns: str = "wide"
    true_value: str = "Oui"
    false_value: str = ""
    packed_sep: str = ", "

    def __post_init__(self):
        if self.columns not in ("wide", "packed"):
            raise ValueError(f"layout must be one of ['packed', 'wide'], not {self.columns!r}")

    @classmethod
    def of(cls, spec: dict[str, Any]) -> ExportLayout:
        """The layout of one entry of :data:`FILES` (``layout``, ``true_value``, ``packed_sep``)."""
        return cls(spec["layout"], true_value=spec.get("true_value", "Oui"), packed_sep=spec.get("packed_sep", ", "))


def to_export(df: pd.DataFrame, population: str, *, layout: ExportLayout = ExportLayout(), include_wave: bool = False,
              labels: dict[str, str] | None = None, codebook=None) -> pd.DataFrame:
    """Shape a respondent-like table as a survey tool exports it (French headers and labels, all strings).

    ``df`` has the respondent-table columns; it may also hold raw identifier columns (``respondent_id``, ``email``,
    ``name``, ``phone``, ``company``, ``siret``), which are written as they are (use it for test fixtures and the
    simulated demo, never for real data).

    Parameters
    ----------
    layout : ExportLayout
        How multi-select questions are written (default: one column per item, « Oui » when ticked).
    include_wave : bool
        Write an ``Année`` column.
    labels : dict, optional
        Item code → label to write instead of the codebook's ``label_fr`` (e.g. a synonym).

    >>> t = pd.DataFrame({"buyer_type": ["etat"], "b_temps": [True], "b_financier": [False]})
    >>> list(to_export(t, "buyers", layout=ExportLayout("packed")).iloc[0])
    ["Services de l'État", 'Pas de temps à y consacrer']
    """
    cb = cbk.load(codebook) if not isinstance(codebook, dict) else codebook
    labels = labels or {}
    q = cb["questionnaires"][population]
    out: dict[str, list[str]] = {}
    n = len(df)
    s = lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)  # noqa: E731
    for name, spec in cbk.identifiers(population, codebook=cb).items():
        if name in df:
            out[spec.get("text_fr", name)] = [s(v) for v in df[name]]
    if include_wave:
        out[cbk.attributes(population, codebook=cb)["wave"].get("text_fr", "Année")] = [s(v) for v in df["wave"]]
    for name, spec in cbk.attributes(population, codebook=cb).items():
        if name == "wave" or name not in df:
            continue
        lab = {str(v["code"]): v["label_fr"] for v in spec.get("values", [])}
        out[spec.get("text_fr", name)] = [lab.get(s(v), s(v)) for v in df[name]]
    for qn, spec in q["questions"].items():
        out.update(_multi_columns(df, population, qn, spec.get("text_fr", qn), layout=layout, labels=labels,
                                  codebook=cb))
    for name, spec in cbk.text_fields(population, codebook=cb).items():
        if name in df:
            out[spec.get("text_fr", name)] = [s(v) for v in df[name]]
    return pd.DataFrame(out, index=range(n), dtype=object)


def _multi_columns(df: pd.DataFrame, population: str, qn: str, text: str, *, layout: ExportLayout,
                   labels: dict[str, str], codebook) -> dict[str, list[str]]:
    """The export columns of one multi-select question (wide: one per item; packed: one)."""
    its = cbk.items(population, qn, codebook=codebook)
    codes = [c for c in its["code"] if c in df]
    if not codes:
        return {}
    lab = {c: labels.get(c, lbl) for c, lbl in zip(its["code"], its["label_fr"])}
    n = len(df)
    ticked = {c: [not pd.isna(v) and bool(v) for v in df[c]] for c in codes}
    answered = [any(ticked[c][k] for c in codes) for k in range(n)]
    if layout.columns == "wide":
        yes, no = layout.true_value, layout.false_value
        return {f"{text} [{lab[c]}]": [(yes if ticked[c][k] else no) if answered[k] else "" for k in range(n)]
                for c in codes}
    return {text: [layout.packed_sep.join(lab[c] for c in codes if ticked[c][k]) for k in range(n)]}


def write_export(table: pd.DataFrame, path: str | Path, *, encoding: str = "utf-8", sep: str = ",",
                 sheet: str = "Réponses", title_rows: Iterable[str] = (), properties: dict[str, Any] | None = None,
                 timestamp: _dt.datetime = _dt.datetime(2018, 1, 1)) -> Path:
    """Write an export-shaped table (from :func:`to_export`) as CSV or XLSX, byte-for-byte reproducibly.

    Parameters
    ----------
    table : DataFrame
        All-string table; its columns are the header row.
    path : str or Path
        ``.csv`` or ``.xlsx``.
    encoding, sep : str
        CSV only. With ``cp1252``, characters it lacks are folded (``→`` → ``->``), as Excel would need.
    sheet, title_rows, properties : XLSX only
        Sheet name; lines written above the header (a report title, an export date); document properties
        (``title``, ``subject``, ``creator``, ``keywords``, ``description``…).
    timestamp : datetime
        XLSX creation/modification dates and zip entry dates (fixed so the bytes are stable).
    """
    path = Path(path)
    path.write_bytes(export_bytes(table, path.suffix, encoding=encoding, sep=sep, sheet=sheet, title_rows=title_rows,
                                  properties=properties, timestamp=timestamp))
    return path


def export_bytes(table: pd.DataFrame, suffix: str, *, encoding: str = "utf-8", sep: str = ",",
                 sheet: str = "Réponses", title_rows: Iterable[str] = (), properties: dict[str, Any] | None = None,
                 timestamp: _dt.datetime = _dt.datetime(2018, 1, 1)) -> bytes:
    r"""The bytes :func:`write_export` writes for a file with this suffix (``.csv`` or ``.xlsx``).

    >>> export_bytes(pd.DataFrame({"Année": ["2017"]}), ".csv")
    b'Ann\xc3\xa9e\r\n2017\r\n'
    """
    fmt = FORMATS.get(suffix.lower())
    header = [str(c) for c in table.columns]
    body = [["" if v is None else str(v) for v in r] for r in table.itertuples(index=False)]
    if fmt == "csv":
        buf = io.StringIO(newline="")
        w = csv.writer(buf, delimiter=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        for t in title_rows:
            w.writerow([t])
        w.writerow(header)
        w.writerows(body)
        text = buf.getvalue()
        if encoding.lower().replace("-", "") in ("cp1252", "windows1252"):
            text = text.translate(_CP1252_FALLBACK)
        return text.encode(encoding)
    if fmt == "xlsx":
        return _xlsx_bytes(header, body, sheet=sheet, title_rows=list(title_rows), properties=properties or {},
                           timestamp=timestamp)
    raise ValueError(f"unsupported suffix {suffix!r}: expected one of {sorted(FORMATS)}")


def _xlsx_bytes(header, body, *, sheet, title_rows, properties, timestamp) -> bytes:
    import openpyxl
    from openpyxl.writer.excel import ExcelWriter
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for t in title_rows:
        ws.append([t])
    if title_rows:
        ws.append([])
    ws.append(header)
    for r in body:
        ws.append([v if v != "" else None for v in r])
    for k, v in properties.items():
        setattr(wb.properties, k, v)
    wb.properties.created = timestamp
    wb.properties.modified = timestamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    # re-pack with fixed entry dates: zipfile stamps entries with the current time
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=timestamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()
