"""Safe XML reading (defusedxml: no DTD, no entity expansion, no external references) and the
bits of XML writing the Moodle and QTI formats share."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only Element/TreeBuilder; parsing is defused
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from item_bank.errors import FormatError

__all__ = ["ET", "attr", "cdata", "escape", "is_comment", "local", "parse"]


def parse(data: str | bytes, *, source: str = "") -> ET.Element:
    """Parse untrusted XML, keeping comments (they carry ``boussole-meta``)."""
    parser = DefusedXMLParser(
        target=ET.TreeBuilder(insert_comments=True), forbid_dtd=True, forbid_entities=True
    )
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except ParseError as error:
        line, _column = error.position
        raise FormatError(f"not well-formed XML: {error}", line=line, source=source) from None
    except DefusedXmlException as error:
        raise FormatError(f"refused: {error}", source=source) from None
    return root


def is_comment(element: ET.Element) -> bool:
    """Comments (and processing instructions) have a factory, not a name, as tag."""
    return not isinstance(element.tag, str)


def local(tag: object) -> str:
    """An element's name without its namespace (``{ns}name`` → ``name``)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def escape(text: str) -> str:
    return _escape(text)


def attr(value: str) -> str:
    return quoteattr(value)


def cdata(text: str) -> str:
    """``qformat_xml::xml_escape``: raw when ``htmlspecialchars`` would not change the text,
    else a CDATA section (split around any ``]]>``)."""
    if not text or not any(char in text for char in '&<>"'):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
