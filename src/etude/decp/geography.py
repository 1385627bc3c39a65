"""French regions as the DECP name them: INSEE codes (since 2016), former codes, départements, NUTS codes.

These are facts of the official geographic code (INSEE, code officiel géographique; Eurostat NUTS 2016 for
France), used to place a contract in a region from whatever its record gives: the buyer's region or
département code, the département in a local public body's SIREN, or the place of performance.

Examples
--------
>>> region_of_departement("59"), region_of_departement("2A"), region_of_departement("974")
('32', '94', '04')
>>> region_of_code("31"), region_of_code("32"), region_of_code("99")
('32', '32', None)
>>> region_of_nuts("FRE11"), region_of_nuts("FR22"), region_of_nuts("FR")
('32', '32', None)
"""
from __future__ import annotations

from typing import Any

__all__ = ["REGION_NAMES", "REGION_DEPARTEMENTS", "FORMER_REGIONS", "NUTS_REGIONS", "region_of_departement",
           "region_of_code", "region_of_nuts"]

#: Current regions (INSEE code → name), mainland then overseas.
REGION_NAMES = {
    "84": "Auvergne-Rhône-Alpes", "27": "Bourgogne-Franche-Comté", "53": "Bretagne", "24": "Centre-Val de Loire",
    "94": "Corse", "44": "Grand Est", "32": "Hauts-de-France", "11": "Île-de-France", "28": "Normandie",
    "75": "Nouvelle-Aquitaine", "76": "Occitanie", "52": "Pays de la Loire", "93": "Provence-Alpes-Côte d'Azur",
    "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
}
#: Départements of each current region.
REGION_DEPARTEMENTS = {
    "84": ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"),
    "27": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "53": ("22", "29", "35", "56"),
    "24": ("18", "28", "36", "37", "41", "45"),
    "94": ("2A", "2B", "20"),
    "44": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "32": ("02", "59", "60", "62", "80"),
    "11": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "28": ("14", "27", "50", "61", "76"),
    "75": ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"),
    "76": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "52": ("44", "49", "53", "72", "85"),
    "93": ("04", "05", "06", "13", "83", "84"),
    "01": ("971",), "02": ("972",), "03": ("973",), "04": ("974",), "06": ("976",),
}
#: Region codes before the 2016 merger → the current region that holds them.
FORMER_REGIONS = {
    "21": "44", "22": "32", "23": "28", "25": "28", "26": "27", "31": "32", "41": "44", "42": "44", "43": "27",
    "54": "75", "72": "75", "73": "76", "74": "75", "82": "84", "83": "84", "91": "76",
}
#: NUTS prefixes (2016 level 1, and the former level-1/2 codes of Hauts-de-France) → current region.
NUTS_REGIONS = {
    "FR1": "11", "FRB": "24", "FRC": "27", "FRD": "28", "FRE": "32", "FRF": "44", "FRG": "52", "FRH": "53",
    "FRI": "75", "FRJ": "76", "FRK": "84", "FRL": "93", "FRM": "94", "FRY1": "01", "FRY2": "02", "FRY3": "03",
    "FRY4": "04", "FRY5": "06", "FR3": "32", "FR22": "32",
}
_DEPARTEMENT_REGION = {d: r for r, deps in REGION_DEPARTEMENTS.items() for d in deps}


def region_of_departement(code: Any) -> str | None:
    """The current region of a département code (``"59"``, ``"2A"``, ``"974"``); ``None`` if unknown."""
    return _DEPARTEMENT_REGION.get(str(code)) if code is not None else None


def region_of_code(code: Any) -> str | None:
    """A region code, current or former (before 2016), as the current region's code; ``None`` if unknown."""
    if code is None:
        return None
    code = str(code)
    return code if code in REGION_NAMES else FORMER_REGIONS.get(code)


def region_of_nuts(code: Any) -> str | None:
    """The current region of a NUTS code by its longest known prefix; ``None`` when too broad or unknown."""
    if code is None:
        return None
    code = str(code).upper()
    for size in (4, 3):
        if code[:size] in NUTS_REGIONS and len(code) >= size:
            return NUTS_REGIONS[code[:size]]
    return None
