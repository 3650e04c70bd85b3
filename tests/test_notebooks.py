"""Every notebook: committed clean, linked from the welcome page, and runs without errors."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from seci_lab.content.course import PAGES, page_of_kind
from voila_testing import isolated_env

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
WELCOME = NOTEBOOKS_DIR / "00_welcome.ipynb"
CELL_TIMEOUT = 120  # seconds per cell; a hang (docs/architecture.md: Output widgets filled at start) fails

# Markdown links [text](target) and <a href="target">.
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|href=[\"']([^\"']+)[\"']")


def _ids(paths):
    return [p.name for p in paths]


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _links(path: Path) -> list[str]:
    targets = []
    for cell in _read(path).cells:
        if cell.cell_type == "markdown":
            targets += [a or b for a, b in _LINK.findall(cell.source)]
    return targets


def _local_notebook_links(path: Path) -> list[str]:
    return [t.split("#")[0] for t in _links(path) if not re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", t)]


def test_notebooks_exist():
    assert WELCOME.is_file(), "notebooks/00_welcome.ipynb is the front door of `seci-lab serve`"
    assert len(NOTEBOOKS) >= 2


def test_package_ships_the_notebooks():
    # seci_lab/notebooks is a symlink to ../notebooks, so wheels carry the lessons.
    from seci_lab.server.config import default_notebooks_dir

    shipped = sorted(p.name for p in default_notebooks_dir().glob("*.ipynb"))
    assert shipped == [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_without_outputs(path):
    nb = _read(path)
    nbformat.validate(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [], f"{path.name} cell {index} has outputs: strip them before committing"
        assert cell.execution_count is None, f"{path.name} cell {index} has an execution count"
    assert "widgets" not in nb.metadata, f"{path.name} stores widget state in its metadata"


def _frame_links(name: str) -> list[str]:
    """The pages the course frame of ``name`` links to (its steps, Previous/Next, the welcome map)."""
    from seci_lab.store.progress import open_progress
    from seci_lab.ui.frame import course_frame

    html = course_frame(name, open_progress(url="sqlite://")).value
    return re.findall(r'href="([^"#]+\.ipynb)"', html)


def _welcome_links() -> set[str]:
    return set(_local_notebook_links(WELCOME)) | set(_frame_links(WELCOME.stem))


def test_welcome_links_every_notebook():
    linked = _welcome_links()
    missing = [p.name for p in NOTEBOOKS if p != WELCOME and p.name not in linked]
    assert not missing, f"00_welcome.ipynb does not link: {missing}"


def test_welcome_links_resolve():
    targets = sorted(_welcome_links())
    assert targets, "00_welcome.ipynb has no links to lessons"
    broken = [t for t in targets if not (NOTEBOOKS_DIR / t).is_file()]
    assert not broken, f"00_welcome.ipynb links to missing files: {broken}"
    # Relative links work in both JupyterLab and Voila (/voila/render/<name>); absolute ones
    # would only work in one of them.
    absolute = [t for t in _links(WELCOME) if t.startswith("/")]
    assert not absolute, f"use relative links, not {absolute}"


_LINK_TEXT = re.compile(r"\[([^\]]+)\]\(([^)\s#]+\.ipynb)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_links_and_headings_give_the_pages_their_step_in_the_course(path):
    # A page renamed when the course was reordered is never linked by its old name, and a link
    # or heading that numbers a lesson gives the number the course's order (content/course.py) gives it.
    from seci_lab.content.course import RENAMED, course_page

    for cell in _read(path).cells:
        if cell.cell_type != "markdown":
            continue
        for text, target in _LINK_TEXT.findall(cell.source):
            assert target.removesuffix(".ipynb") not in RENAMED, (path.name, target)
            assert (NOTEBOOKS_DIR / target).is_file(), (path.name, target)
            number = re.search(r"(?i)\b(?:lesson|notebook|step) 0?(\d+)\b", text)
            if number:
                assert int(number.group(1)) == course_page(target).step, (path.name, text, target)
        heading = re.match(r"# Lesson (\d+):", cell.source)
        if heading:
            assert int(heading.group(1)) == course_page(path.stem).step, (path.name, cell.source[:40])


LESSONS = [p for p in NOTEBOOKS if re.match(r"0[1-7]_", p.name)]
SOURCES_PAGE = page_of_kind("sources").href


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_every_lesson_links_to_the_sources_page(path):
    # in the course frame at the top, so a learner finds every full reference from any lesson
    assert SOURCES_PAGE in _frame_links(path.stem), path.name
    assert (NOTEBOOKS_DIR / SOURCES_PAGE).is_file()


def test_the_lessons_are_all_there():
    assert [p.name[:2] for p in LESSONS] == ["01", "02", "03", "04", "05", "06", "07"]
    # every page of the course is a notebook whose number is its step in the course
    assert [p.href for p in PAGES] == sorted(p.href for p in PAGES)
    for page in PAGES:
        assert (NOTEBOOKS_DIR / page.href).is_file(), page.href
        assert int(page.notebook[:2]) == page.step, page.notebook


def test_every_section_that_teaches_a_quiz_topic_is_on_a_page_linked_from_the_welcome_page():
    from seci_lab.content.topics import load_topics, lesson_notebook

    linked = _welcome_links()
    for topic in load_topics().values():
        for place in topic.teach:
            name = lesson_notebook(place.lesson)
            assert name in linked, (topic.id, name)
            code = " ".join(c.source for c in _read(NOTEBOOKS_DIR / name).cells if c.cell_type == "code")
            shows = "critiques_lesson()" if place.lesson == "critiques" else f'lesson_page("{place.lesson}")'
            assert shows in code, (topic.id, name)


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_executes(path, tmp_path):
    from nbclient import NotebookClient

    workdir = tmp_path / "notebooks"  # a copy, so a notebook that writes files cannot dirty the repo
    shutil.copytree(NOTEBOOKS_DIR, workdir)
    nb = _read(workdir / path.name)
    env = isolated_env(tmp_path / "env")
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
        allow_errors=False,
    )

    def run():
        # nbclient starts its own event loop; a worker thread keeps it apart from Playwright's.
        client.execute(env=env)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()

    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{path.name} cell {index}: {output.ename}: {output.evalue}"
            if output.output_type == "stream":
                assert output.name != "stderr", f"{path.name} cell {index} wrote to stderr:\n{output.text}"
