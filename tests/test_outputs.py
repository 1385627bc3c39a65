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
