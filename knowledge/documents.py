"""Plain data types shared by loaders and the chunker, and the load errors users see."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """One unit of document text: a heading (``level`` 1-6) or a body paragraph (0)."""

    text: str
    level: int = 0
    page: int | None = None

    @property
    def is_heading(self) -> bool:
        return self.level > 0


@dataclass(frozen=True)
class LoadedDocument:
    """A document's text as ordered blocks, with its title and kind."""

    title: str
    blocks: tuple[Block, ...]
    file_type: str
    source: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """All block text, one block per paragraph."""
        return "\n\n".join(block.text for block in self.blocks)


class DocumentLoadError(Exception):
    """A file we cannot index; ``user_message`` is safe to show in Slack.

    Attributes:
        code: Stable machine-readable reason, e.g. ``"too_large"``.
        filename: The file's name as the user knows it.
        detail: What is wrong and what to do, as a predicate ("is password-protected; ...").
        user_message: One friendly sentence: the file name followed by ``detail``.
    """

    code = "unreadable"

    def __init__(self, filename: str, detail: str) -> None:
        self.filename = filename
        self.detail = detail
        self.user_message = f"{filename} {detail}"
        super().__init__(self.user_message)

    def __reduce__(self) -> tuple[object, ...]:  # rebuilt from (filename, detail) when pickled
        return type(self), (self.filename, self.detail)


class UnsupportedFileType(DocumentLoadError):
    code = "unsupported_type"


class BinaryFile(DocumentLoadError):
    code = "binary_file"


class FileTooLarge(DocumentLoadError):
    code = "too_large"


class OverBudget(DocumentLoadError):
    """Reading it would take more memory, time or nesting than one file may use, or it
    makes more passages or sentences than one document may have."""

    code = "over_budget"


class CorruptDocument(DocumentLoadError):
    code = "corrupt"


class PasswordProtected(DocumentLoadError):
    code = "password_protected"


class EmptyDocument(DocumentLoadError):
    code = "empty"
