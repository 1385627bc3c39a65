"""Issue 27 item 2 (text part) and items 3, 5: the privacy scan reads text, not drawing instructions; it finds
names, disguised e-mails and the machine's paths."""
import base64
import io
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from etude.safety import audit  # noqa: E402

IDS = [str(i) for i in range(1001, 1028)]  # LimeSurvey's numeric response ids


def _chart_svg() -> str:
    """A real chart (bars at 1001…1027 points) whose SVG path data holds the ids' numbers, plus a drawn path."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.barh(["Désintérêt", "Craintes juridiques"], [1003, 1016])
    ax.set_title("Freins cités")
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    return buf.getvalue().replace("</svg>", '<path d="M 1003 2900 Q 2900 1003 2900 1516 L 1027 1001 z"/></svg>')


def _real_shaped_run(folder, *, caption: str = "Freins cités par les acheteurs (n = 27)"):
    """A small run folder as a real-shaped LimeSurvey study leaves it: charts as SVG files, as data URIs and
    inline in the pages, a notebook with an SVG output, tables whose decimals hold the ids' digits."""
    svg = _chart_svg()
    assert any(i in svg for i in IDS)  # the drawing holds the numbers the 284 alarms came from
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    (folder / "figures").mkdir()
    (folder / "tables").mkdir()
    (folder / "notebooks").mkdir()
    (folder / "figures" / "freins.svg").write_text(svg, encoding="utf-8")
    (folder / "report.html").write_text(f'<figure><img src="{uri}"><figcaption>{caption}</figcaption></figure>'
                                        f"<div>{svg}</div>", encoding="utf-8")
    nb = {"cells": [{"cell_type": "code", "source": "plots.show()", "metadata": {}, "execution_count": 1,
                     "outputs": [{"output_type": "display_data", "metadata": {},
                                  "data": {"image/svg+xml": svg, "text/plain": "<Figure>"}}]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / "notebooks" / "02_freins.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    (folder / "tables" / "freins.csv").write_text('"item","pct"\n"b_desinteret",0.1003\n"b_juridique",12.1016\n',
                                                  encoding="utf-8")
    return folder


def test_a_real_shaped_run_with_numeric_ids_gives_no_false_alarm(tmp_path):
    found = audit.scan_run(_real_shaped_run(tmp_path), forbidden=IDS)
    assert found.empty, found.to_dict("records")


def test_an_id_planted_in_a_caption_is_still_found(tmp_path):
    found = audit.scan_run(_real_shaped_run(tmp_path, caption="Réponse 1013 : désintérêt"), forbidden=IDS)
    assert found[["file", "kind", "match"]].to_dict("records") == [
        {"file": "report.html", "kind": "identifier", "match": "1013"}]


def test_svg_text_keeps_labels_and_drops_drawing():
    text = audit.svg_text(_chart_svg())
    assert "Freins cités" in text and "Désintérêt" in text
    assert "2900" not in text and "1027" not in text


def test_names_disguised_emails_and_machine_paths_are_found(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "report.html").write_text(
        "<p>Organisme : Mme Françoise Lefèvre-Martin (DAF)</p><p>jean.dupont @ ville-lille . fr</p>"
        f"<pre>{run / 'tables' / 'freins.csv'}</pre><p>/home/quelquun/etude est un autre dossier</p>",
        encoding="utf-8")
    found = audit.scan_run(run, machine=[tmp_path])
    assert sorted(found["kind"]) == ["email", "name", "path"]
    lines = audit.scan_lines(found)
    assert any("nom de personne « Mme Françoise Lefèvre-Martin »" in line for line in lines)
    assert any("chemin de la machine" in line and "freins.csv" in line for line in lines)
    assert any("person's name" in line for line in audit.scan_lines(found, lang="en"))


def test_public_sources_names_are_not_findings(tmp_path):
    (tmp_path / "report.html").write_text("<p>Sénat, rapport n° 82, M. Bourquin, 2015</p>", encoding="utf-8")
    assert audit.scan_run(tmp_path).empty
