"""Hostile files refused in bounded memory and time: the zip check and the parsing budget.

Memory is measured as the growth of this process tree's PSS (the child parsers included)
while the file is read; the fork server is warmed first, its one-time start is not a file's.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from knowledge import untrusted
from knowledge.documents import FileTooLarge, OverBudget
from knowledge.loaders import load_bytes
from knowledge.untrusted import Budget, FileRefused, check_zip, run_bounded
from tests.knowledge import hostile
from tests.knowledge.files import make_docx, make_pdf

PEAK_MB = 300


@pytest.fixture(scope="module", autouse=True)
def warm_fork_server() -> None:
    run_bounded(len, b"")


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> Budget:
    """A budget of 2 CPU seconds, so the time bombs are cut short in a test."""
    budget = Budget(memory_mb=200, cpu_seconds=2, wall_seconds=60)
    monkeypatch.setattr(untrusted, "BUDGET", budget)
    return budget


# -- the zip check --------------------------------------------------------------------


def test_docx_unpacking_to_400_mb_is_refused_before_parsing() -> None:
    data = hostile.bomb_docx(400)
    assert len(data) < 2 * 1024 * 1024
    with hostile.peak_memory() as peak, pytest.raises(FileTooLarge) as refused:
        load_bytes(data, "plan.docx")
    assert refused.value.user_message == (
        "plan.docx unpacks to 401 MB, over the 100 MB I read; "
        "split it into smaller files and upload those."
    )
    assert peak.mb < 50, peak.mb


def test_a_zip_of_too_many_parts_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(2_500):
            archive.writestr(f"word/media/{number}.xml", b"")
    with pytest.raises(FileRefused) as refused:
        check_zip(buffer.getvalue())
    assert refused.value.code == "too_many_parts"


def test_a_part_packed_like_a_bomb_is_refused_though_small() -> None:
    data = hostile.build_zip({"word/document.xml": hostile.Part(b"", b"\0" * hostile.CHUNK, 1)})
    with pytest.raises(FileRefused) as refused:
        check_zip(data)  # 4 MB of zeros: far under the 100 MB limit, but packed ~1000:1
    assert refused.value.code == "zip_bomb"
    assert "zip bomb" in refused.value.detail


def test_ordinary_documents_and_non_zips_pass_the_check() -> None:
    check_zip(make_docx(title="Plan"))
    check_zip(b"PK\x03\x04 not really a zip")  # left to the parser to call damaged
    check_zip(make_pdf([["hello"]]))


# -- the budget -----------------------------------------------------------------------


def hog_memory(mb: int) -> int:
    chunks = [bytearray(1024 * 1024) for _ in range(mb)]
    return len(chunks)


def spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def nest(depth: int) -> int:
    return nest(depth + 1)


def fail(message: str) -> None:
    raise ValueError(message)


def test_the_child_returns_its_result_or_raises_its_error() -> None:
    assert run_bounded(hog_memory, 20) == 20
    with pytest.raises(ValueError, match="bad header") as raised:
        run_bounded(fail, "bad header")
    assert "in the parser's child process" in raised.value.__notes__[0]


@pytest.mark.parametrize(
    ("func", "arg", "code", "wall"),
    [
        (hog_memory, 1_000, "memory", 60),
        (spin, 60, "time", 60),  # cut at 1 s of CPU
        (time.sleep, 60, "time", 2),  # cut at 2 s of wall time
        (nest, 0, "nesting", 60),
        (os.abort, None, "crashed", 60),
        (bytes, 24 * 1024 * 1024, "too_much_text", 60),  # over result_mb, well under memory
    ],
)
def test_a_child_over_its_budget_is_refused(func, arg, code: str, wall: float) -> None:
    budget = Budget(memory_mb=100, cpu_seconds=1, wall_seconds=wall, result_mb=16)
    with hostile.peak_memory() as peak, pytest.raises(FileRefused) as refused:
        run_bounded(func, *([] if arg is None else [arg]), budget=budget)
    assert refused.value.code == code
    assert peak.mb < 200, peak.mb


def test_docx_that_fills_memory_within_the_zip_limits_is_refused() -> None:
    data = hostile.paragraphs_docx(60)  # ~12 MB, unpacks to 60 MB of short paragraphs
    check_zip(data)
    with hostile.peak_memory() as peak, pytest.raises(OverBudget) as refused:
        load_bytes(data, "minutes.docx")
    assert "needs more than the 200 MB of memory" in refused.value.user_message
    assert peak.mb < PEAK_MB, peak.mb


@pytest.mark.usefixtures("small_budget")
@pytest.mark.parametrize(
    ("name", "data"),
    [("slides.pdf", hostile.bomb_pdf(300_000)), ("wiki.html", hostile.deep_html(200_000))],
)
def test_pdf_and_html_bombs_are_cut_off(name: str, data: bytes) -> None:
    with hostile.peak_memory() as peak, pytest.raises(OverBudget) as refused:
        load_bytes(data, name)
    assert refused.value.user_message.startswith(name)
    assert refused.value.code == "over_budget"
    assert peak.mb < PEAK_MB, peak.mb


def test_ordinary_files_are_parsed_alike_in_the_child() -> None:
    assert "Readable" in load_bytes(make_pdf([["Readable text."]]), "a.pdf").text
    assert load_bytes(make_docx(title="Release plan"), "plan.docx").title == "Release plan"
    shallow = b"<html><body>" + b"<div>" * 50 + b"Shallow." + b"</div>" * 50 + b"</body></html>"
    assert load_bytes(shallow, "page.html").text == "Shallow."


@pytest.mark.parametrize("how", ["script", "module"])
def test_children_do_not_run_the_main_module_again(tmp_path, how: str) -> None:
    """The bot runs as a script (`livepmo`): the fork server loads it once, not each child
    (which cost over a second per file)."""
    runs = tmp_path / "runs.txt"
    (tmp_path / "parsing_main.py").write_text(
        "import os\n"
        "from knowledge.untrusted import run_bounded\n"
        f"with open({str(runs)!r}, 'a') as f:\n"
        "    f.write(f'{os.getpid()}\\n')\n"
        "if __name__ == '__main__':\n"
        "    pids = {run_bounded(os.getpid) for _ in range(3)}\n"
        "    assert len(pids) == 3 and os.getpid() not in pids\n"
    )
    command = [sys.executable, "parsing_main.py"] if how == "script" else [
        sys.executable, "-m", "parsing_main"]  # fmt: skip
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        command, cwd=tmp_path, env={**os.environ, "PYTHONPATH": root}, timeout=120,
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr
    assert len(runs.read_text().split()) == 2  # the program, and the fork server once
