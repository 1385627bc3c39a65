"""Tables and figures land complete in the run folder, with formulas neutralised."""
import matplotlib

matplotlib.use("Agg")
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from etude.publish import outputs


def test_save_table_neutralises_formulas_but_not_numbers(tmp_path):
    df = pd.DataFrame({"label": ["=HYPERLINK(\"http://x\")", "+33 1", "-x", "@a", "ok"], "value": [-1, 2, 3, 4, 5]})
    path = outputs.save_table(df, "t", tmp_path)
    back = pd.read_csv(path)
    assert list(back["label"]) == ["'=HYPERLINK(\"http://x\")", "'+33 1", "'-x", "'@a", "ok"]
    assert list(back["value"]) == [-1, 2, 3, 4, 5]
    assert path == tmp_path / "tables" / "t.csv"
    assert not list((tmp_path / "tables").glob("*.part"))


def test_save_figure_writes_png_and_svg(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    written = outputs.save_figure(fig, "f", tmp_path)
    plt.close(fig)
    assert [p.name for p in written] == ["f.png", "f.svg"]
    assert all(p.stat().st_size > 0 for p in written)


def test_save_figure_writes_only_the_formats_asked_and_the_same_svg_for_the_same_chart(tmp_path):
    from etude.publish.plots import house
    with house.style():
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        first = outputs.save_figure(fig, "f", tmp_path / "a", formats=("svg",))
        second = outputs.save_figure(fig, "f", tmp_path / "b", formats=("svg",))
    plt.close(fig)
    assert [p.name for p in first] == ["f.svg"] and not (tmp_path / "a" / "figures" / "f.png").exists()
    assert first[0].read_bytes() == second[0].read_bytes()  # no date, fixed ids: a re-run writes the same file
    assert b"<dc:date>" not in first[0].read_bytes()
    with pytest.raises(ValueError, match="pdf"):
        outputs.save_figure(fig, "f", tmp_path, formats=("pdf",))


def test_standalone_run_dir_is_under_outputs(monkeypatch, tmp_path):
    monkeypatch.setenv("ETUDE_ROOT", str(tmp_path))
    assert outputs.run_dir("") == tmp_path / "outputs" / "_standalone"


def test_written_files_get_the_usual_permissions_not_private_tempfile_ones(tmp_path):
    import os
    path = outputs.save_table(pd.DataFrame({"a": [1]}), "perm", tmp_path)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_show_figure_saves_the_slide_image_and_closes_the_figure(tmp_path):
    fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
    ax.barh(["Freins"], [3])
    ax.tick_params(labelsize=16)
    assert outputs.show_figure(fig, "freins", tmp_path) is None  # outside a kernel: saved, not shown
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["freins.svg", "freins_slide.png"]
    assert not plt.fignum_exists(fig.number)


def test_in_a_kernel_show_figure_shows_the_svg_as_an_image_named_after_its_chart(tmp_path, monkeypatch):
    import base64
    import types

    import IPython
    import IPython.display
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(kernel=object()))
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append((a, k)))
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.barh(["Freins"], [3])
    ax.set_title("Freins <cités> & « leviers »", loc="left")
    outputs.show_figure(fig, "freins", tmp_path)
    (bundle,), options = shown[0]
    from etude.publish.native_charts import CHART_KEY
    assert options["raw"] and options["metadata"][outputs.FIGURE_KEY] == "freins"
    assert options["metadata"][CHART_KEY]["bars"]["categories"] == ["Freins"]  # the deck's native chart
    page = bundle["text/html"]
    assert page.startswith('<img src="data:image/svg+xml;base64,')
    assert 'alt="Freins &lt;cités&gt; &amp; « leviers ». Freins"' in page  # the title, escaped, then a summary
    svg = (tmp_path / "figures" / "freins.svg").read_bytes()
    assert base64.b64encode(svg).decode("ascii") in page  # the file just written, not a second drawing
    width_pt = float(re.search(rb'width="([0-9.]+)pt"', svg).group(1))
    assert f' width="{round(width_pt / 72 * 100)}"' in page  # matplotlib's 100 px per inch, as a PNG showed


def test_slides_show_the_slide_image_a_chart_names_and_nothing_else(tmp_path):
    import base64

    import nbformat

    from etude.publish import report
    (tmp_path / "figures").mkdir()
    slide_png = b"\x89PNG\r\n\x1a\n" + b"slide"
    (tmp_path / "figures" / "freins_slide.png").write_bytes(slide_png)
    (tmp_path / "secret_slide.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"hors de figures")
    (tmp_path / "figures" / "faux_slide.png").write_bytes(b"pas une image")

    def image(name):
        return nbformat.v4.new_output("display_data", data={"image/png": "cGFnZQ=="},
                                      metadata={outputs.FIGURE_KEY: name, "image/png": {"width": 600}})
    chart = nbformat.v4.new_output("display_data", metadata={outputs.FIGURE_KEY: "freins"}, data={
        "text/html": outputs.figure_html(b'<svg width="72pt" height="36pt"></svg>'), "text/plain": "<graphique>"})
    cell = nbformat.v4.new_code_cell("x", outputs=[image("freins"), image("../secret"), image("faux"),
                                                   image("absent"), chart])
    nb = nbformat.v4.new_notebook(cells=[cell])
    shown = [o["data"].get("image/png") for o in report.slide_notebook(nb, [tmp_path]).cells[0].outputs]
    slide = base64.b64encode(slide_png).decode("ascii")
    assert shown == [slide, "cGFnZQ==", "cGFnZQ==", "cGFnZQ==", slide]
    assert report.slide_notebook(nb, [tmp_path]).cells[0].outputs[4]["data"] == {"image/png": slide}  # SVG gone
    assert nb.cells[0].outputs[0]["data"]["image/png"] == "cGFnZQ=="  # the notebook itself is left alone
    assert "text/html" in nb.cells[0].outputs[4]["data"]
