"""The program as another git revision has it, run in this process beside the working tree's.

`tree_at(ref)` writes the revision's files (`git archive`) into a temporary directory. `run_tree(root, stack)` runs that
tree's `__main__.py` with that tree's stack file, importing that tree's project packages: the working tree's own
modules (`components`, `facts`, ...) are set aside for the run and the tree's root goes first on `sys.path`, so each
side imports its own code. The SDKs (pulumi, pulumi_aws, ...) stay imported: both sides
share the installed versions, which is what makes a second run cost the program and not the imports again.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from offline import engine, stackfiles
from offline.graph import Graph

# The offline engine is the tool that compares, not a side of the comparison: it stays the working tree's.
_TOOL_PACKAGES = ("offline",)


class RevisionError(Exception):
    """A git revision that cannot be read."""


@contextmanager
def tree_at(ref: str, repository: Path = stackfiles.PROJECT_DIR) -> Iterator[Path]:
    """The files of `ref` (a commit, branch or tag) in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="sentinel-diff-") as directory:
        archive = Path(directory) / "revision.tar"
        result = subprocess.run(
            ["git", "-C", str(repository), "archive", "--format=tar", f"--output={archive}", f"{ref}^{{commit}}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RevisionError(f"cannot read git revision {ref!r}: {result.stderr.strip() or 'git archive failed'}")
        root = Path(directory) / "tree"
        with tarfile.open(archive) as tar:
            tar.extractall(root, filter="data")
        yield root


def _project_packages(root: Path) -> set[str]:
    """The top-level packages and modules of the project at `root` (`components`, `facts`, ...), other than the tool's
    own. Found by name, not by file location: the virtualenv may live inside the project, and its SDKs must stay
    imported (a second copy of protobuf's extension crashes the process)."""
    packages = {path.name for path in root.iterdir() if (path / "__init__.py").is_file()}
    modules = {path.stem for path in root.glob("*.py") if path.stem != "__main__"}
    return (packages | modules) - set(_TOOL_PACKAGES)


def _project_modules(roots: tuple[Path, ...]) -> list[str]:
    """The imported modules of the projects at `roots`."""
    packages = set().union(*map(_project_packages, roots))
    return [name for name in list(sys.modules) if name.split(".")[0] in packages]


@contextmanager
def _imports_from(root: Path) -> Iterator[None]:
    """Project imports resolve under `root` for the duration. The working tree's modules already imported (a test's,
    or the tool's caller's) are set aside and put back afterwards, so no one outside the run meets a second copy of a
    class; the run's own modules do not outlive it."""
    roots = (root.resolve(), stackfiles.PROJECT_DIR)
    set_aside = {name: sys.modules.pop(name) for name in _project_modules(roots)}
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))
        for name in _project_modules(roots):
            del sys.modules[name]
        sys.modules.update(set_aside)


def run_tree(root: Path, stack: str) -> Graph | None:
    """The graph of `stack` as the tree at `root` builds it; None when that tree has no file for the stack (a stack
    the change adds)."""
    path = stackfiles.stack_file(stack, root)
    if not path.is_file():
        return None
    if root.resolve() == stackfiles.PROJECT_DIR:
        return engine.run(stack, stack_path=path)
    with _imports_from(root):
        return engine.run(stack, stack_path=path, program=root / "__main__.py")
