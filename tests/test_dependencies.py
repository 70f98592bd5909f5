"""The locks: every package pinned and hashed, in step with the direct pins, one version per package, and
installed with hash checking wherever the project installs them (dev.py and the GitHub workflows)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import dev

ROOT = Path(__file__).resolve().parent.parent
PROGRAM_LOCK = "requirements.txt"
PACK_LOCK = "policies/requirements.txt"
LOCK_SOURCES = {source: lock for source, lock, _ in dev.LOCKS}
LOCK_FILES = tuple(LOCK_SOURCES.values())
GITHUB_FILES = sorted((ROOT / ".github").rglob("*.yml"))

# `name==version`, then an environment marker for packages only some platforms or Pythons need.
LOCKED_REQUIREMENT = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)(?: ; [^\\]+)?")
SHA256_HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")
DIRECT_REQUIREMENT = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:==(?P<version>\S+))?")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class LockedPackage:
    requirement: str
    hashes: tuple[str, ...]


def locked_packages(lock: str) -> dict[str, LockedPackage]:
    """A lock's entries by normalized name, each `name==version [; marker]` with its `--hash` options."""
    text = (ROOT / lock).read_text()
    logical_lines = re.sub(r"\\\n", " ", text).splitlines()
    entries = [line.split() for line in logical_lines if line.strip() and not line.lstrip().startswith("#")]
    packages: dict[str, LockedPackage] = {}
    for words in entries:
        hashes = tuple(word for word in words if word.startswith("--hash="))
        requirement = " ".join(word for word in words if not word.startswith("--hash="))
        packages[normalized(re.split(r"[=; ]", requirement)[0])] = LockedPackage(requirement, hashes)
    return packages


def locked_versions(lock: str) -> dict[str, str]:
    versions: dict[str, str] = {}
    for name, package in locked_packages(lock).items():
        match = LOCKED_REQUIREMENT.fullmatch(package.requirement)
        assert match, f"{lock}: {package.requirement!r} is not pinned with =="
        versions[name] = match["version"]
    return versions


def direct_requirements(source: Path) -> dict[str, str | None]:
    """The requirements a `.in` file names, following `-r`, with their pinned version (None where unpinned)."""
    requirements: dict[str, str | None] = {}
    for line in source.read_text().splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry.startswith("-r "):
            requirements |= direct_requirements(source.parent / entry.removeprefix("-r ").strip())
        elif entry:
            match = DIRECT_REQUIREMENT.fullmatch(entry)
            assert match, f"{source.relative_to(ROOT)}: {entry!r} is neither `name==version` nor a bare name"
            requirements[normalized(match["name"])] = match["version"]
    return requirements


@pytest.mark.parametrize("lock", LOCK_FILES)
def test_every_locked_package_is_pinned_exactly_and_hashed(lock: str) -> None:
    packages = locked_packages(lock)
    assert packages, f"{lock} locks nothing"
    unpinned = [
        package.requirement for package in packages.values() if not LOCKED_REQUIREMENT.fullmatch(package.requirement)
    ]
    unhashed = [package.requirement for package in packages.values() if not package.hashes]
    malformed_hashes = [
        package.requirement
        for package in packages.values()
        if not all(SHA256_HASH.fullmatch(digest) for digest in package.hashes)
    ]
    assert (unpinned, unhashed, malformed_hashes) == ([], [], [])


@pytest.mark.parametrize(("source", "lock"), LOCK_SOURCES.items())
def test_each_lock_holds_its_direct_requirements_at_their_pins(source: str, lock: str) -> None:
    versions = locked_versions(lock)
    requirements = direct_requirements(ROOT / source)
    assert {name: versions.get(name) for name, pin in requirements.items() if pin is not None} == {
        name: pin for name, pin in requirements.items() if pin is not None
    }
    assert [name for name in requirements if name not in versions] == []


def test_the_locks_agree_on_every_shared_package() -> None:
    versions = {lock: locked_versions(lock) for lock in LOCK_FILES}
    disagreements = [
        f"{name}: {first} has {versions[first][name]}, {second} has {versions[second][name]}"
        for first, second in itertools.combinations(LOCK_FILES, 2)
        for name in versions[first].keys() & versions[second].keys()
        if versions[first][name] != versions[second][name]
    ]
    assert disagreements == []


def test_each_installed_lock_holds_the_tree_of_the_locks_it_stands_for() -> None:
    """The deploy jobs install only the program's lock into the .venv the policy pack runs in, and dev.py only
    the dev lock into the .venv `pulumi up` uses, so each must hold the whole tree of the other."""
    program, pack, dev_tools = (locked_versions(lock).keys() for lock in (PROGRAM_LOCK, PACK_LOCK, dev.DEV_LOCK))
    assert (pack - program, program - dev_tools) == (set(), set())


def test_the_lock_task_compiles_one_hashed_tree_for_every_platform() -> None:
    assert {"--universal", "--generate-hashes", "--python-version=3.11"} <= set(dev.UV_COMPILE)
    assert set(LOCK_FILES) == {PROGRAM_LOCK, PACK_LOCK, dev.DEV_LOCK}
    assert dev.LOCKS[0] == ("requirements.in", PROGRAM_LOCK, ())
    assert all(constraints == (PROGRAM_LOCK,) for _, _, constraints in dev.LOCKS[1:])
    assert "uv" in locked_versions(dev.DEV_LOCK)


def test_dev_py_installs_every_lock_with_hash_checking() -> None:
    assert dev.PIP_INSTALL_FROM[-1] == "-r"
    assert "--require-hashes" in dev.PIP_INSTALL_FROM


def test_dev_py_rebuilds_the_venv_from_the_lock_only_when_the_lock_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    actions: list[object] = []

    def create(path: Path, **options: object) -> None:
        actions.append(("create", options))
        (path / "bin").mkdir(parents=True, exist_ok=True)
        (path / "bin" / "python").touch()

    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev, "VENV", tmp_path / ".venv")
    monkeypatch.setattr(dev.venv, "create", create)
    monkeypatch.setattr(dev, "_run", lambda *command: actions.append(command[1:]))
    rebuild = [("create", {"clear": True, "with_pip": True}), (*dev.PIP_INSTALL_FROM, dev.DEV_LOCK)]

    (tmp_path / dev.DEV_LOCK).write_text("pulumi==1 --hash=sha256:aa\n")
    dev.ensure_environment()
    assert actions == rebuild
    dev.ensure_environment()
    assert actions == rebuild
    (tmp_path / dev.DEV_LOCK).write_text("pulumi==2 --hash=sha256:bb\n")
    dev.ensure_environment()
    assert actions == rebuild * 2


def pip_install_lines() -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in GITHUB_FILES
        for line in path.read_text().splitlines()
        if "pip install" in line and not line.lstrip().startswith("#")
    ]


def test_every_pip_install_in_the_workflows_checks_hashes() -> None:
    lines = pip_install_lines()
    assert lines, "the install-dependencies action installs the program's lock"
    assert [line for line in lines if "--require-hashes" not in line] == []


def setup_python_steps(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if str(node.get("uses", "")).startswith("actions/setup-python@") else []
        return found + [step for value in node.values() for step in setup_python_steps(value)]
    if isinstance(node, list):
        return [step for value in node for step in setup_python_steps(value)]
    return []


def test_pip_caches_are_keyed_on_the_locks() -> None:
    steps = [step for path in GITHUB_FILES for step in setup_python_steps(yaml.safe_load(path.read_text()))]
    cached = [step["with"] for step in steps if step.get("with", {}).get("cache") == "pip"]
    assert cached
    assert [
        inputs.get("cache-dependency-path")
        for inputs in cached
        if inputs.get("cache-dependency-path") not in LOCK_FILES
    ] == []


def test_the_pulumi_cli_the_workflows_install_matches_the_locked_sdk() -> None:
    pulumi = locked_versions(PROGRAM_LOCK)["pulumi"]
    cli_versions = {
        path.name: version
        for path in GITHUB_FILES
        for version in re.findall(r"^\s*PULUMI_VERSION:\s*(\S+)", path.read_text(), re.MULTILINE)
    }
    assert cli_versions
    assert {name: version for name, version in cli_versions.items() if version != pulumi} == {}
