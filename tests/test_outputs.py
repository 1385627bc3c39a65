"""Tables and figures land complete in the run folder, with formulas neutralised."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from etude import outputs


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


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    def boom(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        outputs.atomic_write(tmp_path / "x.csv", boom)
    assert list(tmp_path.iterdir()) == []


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
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["freins.png", "freins.svg", "freins_slide.png"]
    assert not plt.fignum_exists(fig.number)


def test_slides_show_the_slide_image_a_chart_names_and_nothing_else(tmp_path):
    import base64

    import nbformat

    from etude import report
    (tmp_path / "figures").mkdir()
    slide_png = b"\x89PNG\r\n\x1a\n" + b"slide"
    (tmp_path / "figures" / "freins_slide.png").write_bytes(slide_png)
    (tmp_path / "secret_slide.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"hors de figures")
    (tmp_path / "figures" / "faux_slide.png").write_bytes(b"pas une image")

    def image(name):
        return nbformat.v4.new_output("display_data", data={"image/png": "cGFnZQ=="},
                                      metadata={outputs.FIGURE_KEY: name, "image/png": {"width": 600}})
    cell = nbformat.v4.new_code_cell("x", outputs=[image("freins"), image("../secret"), image("faux"),
                                                   image("absent")])
    nb = nbformat.v4.new_notebook(cells=[cell])
    shown = [o["data"]["image/png"] for o in report.slide_notebook(nb, [tmp_path]).cells[0].outputs]
    assert shown == [base64.b64encode(slide_png).decode("ascii"), "cGFnZQ==", "cGFnZQ==", "cGFnZQ=="]
    assert nb.cells[0].outputs[0]["data"]["image/png"] == "cGFnZQ=="  # the notebook itself is left alone
