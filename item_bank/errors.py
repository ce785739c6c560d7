"""The item bank's exceptions: one for the master files, one for exchange formats."""

from __future__ import annotations

from collections.abc import Sequence


class ItemBankError(ValueError):
    """Base class of the item bank's errors."""


class SchemaError(ItemBankError):
    """A bad value in an item: names the file, the item id and the field.

    ``errors`` holds every error found in the same pass (this one first), so that a writer
    fixes a whole item at once.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str = "",
        item: str = "",
        field: str = "",
        errors: Sequence[SchemaError] = (),
    ) -> None:
        self.message = message
        self.file = file
        self.item = item
        self.field = field
        self.errors: tuple[SchemaError, ...] = tuple(errors) or (self,)
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.file or '-'}: {self.item or '-'}: {self.field or '-'}: {self.message}"


class BankLoadError(ItemBankError):
    """The master files hold errors; ``errors`` lists them all."""

    def __init__(self, errors: Sequence[SchemaError]) -> None:
        self.errors = tuple(errors)
        lines = "\n".join(str(error) for error in self.errors)
        super().__init__(f"{len(self.errors)} error(s) in the item bank:\n{lines}")


class FormatError(ItemBankError):
    """A file in an exchange format could not be read.

    Names the LINE (GIFT, JSON) or the ELEMENT (Moodle XML, QTI) where reading stopped; an
    import that raises it has imported nothing.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        element: str | None = None,
        source: str = "",
    ) -> None:
        self.message = message
        self.line = line
        self.element = element
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.element:
            where.append(self.element)
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def located(self, source: str) -> FormatError:
        """The same error, naming the file it came from."""
        return FormatError(self.message, line=self.line, element=self.element, source=source)
