"""The documentation cannot drift from the code: the generated references (README's layout, docs/config.md,
docs/policies.md, docs/alarms.md) are what scripts/generate_docs.py writes from the code now, every config key has
a description, every design decision the code cites is in docs/design.md, and every repository path, module,
task and link the pages name exists."""

from __future__ import annotations

import ast
import functools
import os
import re
from pathlib import Path
from typing import get_args, get_origin

import pytest
from pydantic import BaseModel

from components.config.stack import StackConfig
from components.config.types import Section, section_type
from policies.pack import POLICIES
from scripts.docs import DocsError
from scripts.docs.config import config_keys, config_reference
from scripts.docs.pages import PAGES, disagreement, first_difference, render
from scripts.docs.policies import rule_modules
from tests.helpers import graph_of

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Where the repository's own text lives; virtualenvs, build output and caches are not the repository's.
SKIPPED_DIRECTORIES = {".git", ".venv", "build", "__pycache__", ".pytest_cache", ".ruff_cache"}


@pytest.mark.parametrize("page", PAGES)
def test_every_generated_page_agrees_with_the_code(page: str) -> None:
    problem = disagreement(page, (ROOT / page).read_text(), graph_of)
    assert problem is None, problem


def test_a_page_edited_by_hand_is_found_at_its_first_differing_line() -> None:
    committed = (ROOT / "README.md").read_text()
    lines = committed.splitlines()
    index = next(number for number, line in enumerate(lines) if line.startswith("| `components/base.py` |"))
    edited = "\n".join([*lines[:index], "| `components/base.py` | written by hand |", *lines[index + 1 :]]) + "\n"
    assert render("README.md", edited, graph_of) == committed
    assert disagreement("README.md", edited, graph_of) == (
        f"README.md:{index + 1} disagrees with the code: the generator writes\n    {lines[index]}\nbut the page has\n"
        "    | `components/base.py` | written by hand |\n"
        "run `.venv/bin/python scripts/generate_docs.py` and commit the result"
    )
    assert first_difference("a\nb\n", "a\n") == (2, "b", "<end of file>")


def test_a_page_without_its_markers_is_refused() -> None:
    with pytest.raises(DocsError, match=r"docs/config\.md has the generated parts \[\]; it needs exactly \['config'\]"):
        render("docs/config.md", "# Stack configuration\n", graph_of)


def _models(model: type[BaseModel]) -> set[type[BaseModel]]:
    """`model` and every section model below it, the values of a mapping of sections (`apps`) included."""
    found = {model}
    for field in model.model_fields.values():
        annotation = field.annotation
        if get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        section = section_type(annotation)
        if section is not None and section not in found:
            found |= _models(section)
    return found


def test_every_config_key_has_a_description() -> None:
    undescribed = sorted(
        f"{model.__module__}.{model.__name__}.{name}"
        for model in _models(StackConfig)
        for name, field in model.model_fields.items()
        if not field.description
    )
    assert undescribed == [], "give each of these fields a docstring: it is the key's description in docs/config.md"
    assert len(list(config_keys())) > 200


def test_the_config_reference_names_every_key_once() -> None:
    """A key in a row of its own, or as the heading of the section it opens (`sentinel:apps`)."""
    reference = config_reference()
    named = re.findall(r"^\| `(sentinel:[^`]+)` \|", reference, re.MULTILINE)
    named += re.findall(r"^### `(sentinel:[^`]+)`$", reference, re.MULTILINE)
    assert sorted(named) == sorted(key.key for key in config_keys())


def test_a_key_without_a_description_stops_the_generator() -> None:
    class Undescribed(Section):
        size: int = 1

    with pytest.raises(DocsError, match=r"Undescribed\.size \(x\.size\) has no description"):
        list(config_keys(Undescribed, "x."))


def test_every_policy_of_the_pack_is_listed_under_one_rule_module() -> None:
    modules = rule_modules()
    assert sorted(modules) == sorted(policy.name for policy in POLICIES)
    assert all(module.path.startswith("policies/rules/") and module.concern for module in modules.values())


# --- design decisions ----------------------------------------------------------------------------------------

_CITATION = re.compile(r"(?:\bdesign |\()D(\d+)\b")
_DECISION = re.compile(r"^\| D(\d+) \|", re.MULTILINE)


@functools.cache
def _repository_texts() -> list[Path]:
    found: list[Path] = []
    for directory, subdirectories, files in os.walk(ROOT):
        # Pruned, not filtered afterwards: .venv and the staged pack hold most of the tree's files.
        subdirectories[:] = sorted(name for name in subdirectories if name not in SKIPPED_DIRECTORIES)
        found += [Path(directory, name) for name in sorted(files)]
    return [path for path in found if path.suffix in {".py", ".md", ".yml", ".yaml", ".json"}]


def test_every_design_decision_cited_is_in_docs_design() -> None:
    decisions = [int(number) for number in _DECISION.findall((ROOT / "docs" / "design.md").read_text())]
    assert len(decisions) == len(set(decisions)) > 0
    cited = {
        f"{path.relative_to(ROOT)}: D{number}"
        for path in _repository_texts()
        for number in _CITATION.findall(path.read_text())
        if int(number) not in decisions
    }
    assert not cited, f"cited but not decided in docs/design.md: {sorted(cited)}"


def test_a_citation_is_found_in_code_and_prose() -> None:
    text = "# The deploy path (design D16) added it.\nfacts both sides need (D19); not DD3 nor D4x"
    assert _CITATION.findall(text) == ["16", "19"]


# --- paths, modules, tasks and links the pages name -------------------------------------------------------------

_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_MODULE = re.compile(r"python3? -m ([\w.]+)")
_TASK = re.compile(r"python3 dev\.py (\w+)")


def _repository_roots() -> set[str]:
    return {path.name for path in ROOT.iterdir() if path.is_dir() and path.name not in SKIPPED_DIRECTORIES}


def missing_references(text: str, roots: set[str], tasks: str) -> list[str]:
    """What a page's code spans and code blocks name that the repository lacks: a path under one of its top-level
    directories, a module of its packages run with `python -m`, or a task of dev.py."""
    missing: list[str] = []
    for span in _CODE.findall(text):
        for word in re.split(r"[\s\"'=(),;]+", span.strip("`")):
            path = word.rstrip(".:")
            named = "/" in path and path.split("/")[0] in roots and not re.search(r"[<>*{}$]", path)
            if named and not (ROOT / path).exists():
                missing.append(path)
        for module in _MODULE.findall(span):
            if module.split(".")[0] in roots:
                base = ROOT / module.replace(".", "/")
                if not (base.with_suffix(".py").is_file() or (base / "__main__.py").is_file()):
                    missing.append(f"python -m {module}")
        missing += [f"python3 dev.py {task}" for task in _TASK.findall(span) if f"python3 dev.py {task}" not in tasks]
    return missing


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def broken_links(page: Path, text: str) -> list[str]:
    """The page's relative links whose file, or whose heading in it, does not exist."""
    broken: list[str] = []
    for target in _LINK.findall(_CODE.sub("", text)):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        destination = (page.parent / file).resolve() if file else page
        if not destination.exists():
            broken.append(target)
        elif anchor and destination.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", _CODE.sub("", destination.read_text()), re.MULTILINE)
            if anchor not in {_slug(heading) for heading in headings}:
                broken.append(target)
    return broken


_PAGE_REFERENCE = re.compile(r"\b(README\.md|docs/[\w-]+\.md)(?:#([\w-]+))?")


def test_every_page_the_code_points_to_exists() -> None:
    """Code, stack files and workflows point readers at `docs/<page>.md#<heading>` or `README.md#<heading>`."""
    pointers = [
        f"{path.relative_to(ROOT)}: {page}{f'#{anchor}' if anchor else ''}"
        for path in _repository_texts()
        if path.parent != ROOT / "docs" and path.name != "README.md"
        for page, anchor in _PAGE_REFERENCE.findall(path.read_text())
        if broken_links(ROOT / "README.md", f"[]({page}{f'#{anchor}' if anchor else ''})")
    ]
    assert pointers == []


@pytest.mark.parametrize("page", DOCS, ids=lambda page: str(page.relative_to(ROOT)))
def test_what_a_page_names_exists(page: Path) -> None:
    text = page.read_text()
    tasks = ast.get_docstring(ast.parse((ROOT / "dev.py").read_text())) or ""
    assert missing_references(text, _repository_roots(), tasks) == []
    assert broken_links(page, text) == []


def test_a_missing_path_module_task_or_link_is_found() -> None:
    text = (
        "See `components/network.py`, `components/gone.py`, `policies/config/<environment>.json` and "
        "`build/policy-pack`; run `python -m offline.targets prod`, `python -m offline.gone` and "
        "`python3 dev.py vanish`.\n\n```bash\n.venv/bin/python scripts/missing.py --check\n```\n"
        "[design](design.md#decisions), [nowhere](nowhere.md), [no heading](design.md#no-such-heading)\n"
    )
    assert missing_references(text, {"components", "offline", "policies", "scripts"}, "python3 dev.py test") == [
        "components/gone.py",
        "python -m offline.gone",
        "python3 dev.py vanish",
        "scripts/missing.py",
    ]
    assert broken_links(ROOT / "docs" / "glossary.md", text) == ["nowhere.md", "design.md#no-such-heading"]
