"""pyproject.toml and environment.yml list the same packages with the same version ranges."""
import re
import tomllib

import yaml

from etude import paths


def _pyproject_specs():
    data = tomllib.loads((paths.root() / "pyproject.toml").read_text(encoding="utf-8"))
    deps = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]
    out = {}
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)~=(\d+)\.(\d+)\.(\d+)", dep.strip())
        assert m, f"pyproject dependency {dep!r} is not pinned as name~=X.Y.Z"
        name, major, minor, patch = m.groups()
        out[name.lower().replace("_", "-")] = f">={major}.{minor}.{patch},<{major}.{int(minor) + 1}"
    return out


def _conda_specs():
    env = yaml.safe_load((paths.root() / "environment.yml").read_text(encoding="utf-8"))
    out = {}
    for dep in env["dependencies"]:
        if not isinstance(dep, str) or re.match(r"(python|pip)([<>=!~ ]|$)", dep):  # the tools, not python-pptx
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)(.*)", dep.strip())
        out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_environment_yml_agrees_with_pyproject():
    assert _conda_specs() == _pyproject_specs()


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((paths.root() / "environment.yml").read_text(encoding="utf-8"))
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in pip_section
