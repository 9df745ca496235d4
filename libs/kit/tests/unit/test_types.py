import re
from typing import Annotated

import pytest
from pydantic import TypeAdapter, ValidationError

from inburgering_kit import strict
from inburgering_kit.types import LINE_PATTERN, TEXT_PATTERN, tekst

MEERDERE_REGELS = TypeAdapter(Annotated[str, tekst(100)])
EEN_REGEL = TypeAdapter(Annotated[str, tekst(100, regels=False)])
STRIKT_MEERDERE_REGELS = TypeAdapter(Annotated[str, strict.tekst(100)])
STRIKT_EEN_REGEL = TypeAdapter(Annotated[str, strict.tekst(100, regels=False)])


@pytest.mark.parametrize("waarde", ["Jan\x1b[31m", "Ja\x07n", "\x00", "a\x7fb", "a\x85b", "a\x9bb", "a\x0bb", "a\x0cb"])
def test_control_characters_are_refused(waarde: str) -> None:
    for adapter in (MEERDERE_REGELS, EEN_REGEL, STRIKT_MEERDERE_REGELS, STRIKT_EEN_REGEL):
        with pytest.raises(ValidationError):
            adapter.validate_python(waarde)


@pytest.mark.parametrize("waarde", ["regel 1\nregel 2", "kolom\tkolom", "regel 1\r\nregel 2"])
def test_line_breaks_and_tabs_only_in_multi_line_text(waarde: str) -> None:
    for meerdere, een in ((MEERDERE_REGELS, EEN_REGEL), (STRIKT_MEERDERE_REGELS, STRIKT_EEN_REGEL)):
        assert meerdere.validate_python(waarde) == waarde
        with pytest.raises(ValidationError):
            een.validate_python(waarde)


def test_strict_one_line_text_publishes_the_line_pattern() -> None:
    assert STRIKT_EEN_REGEL.json_schema()["pattern"] == LINE_PATTERN
    assert STRIKT_MEERDERE_REGELS.json_schema()["pattern"] == TEXT_PATTERN


@pytest.mark.parametrize("waarde", ["Jan", "Ülkü Şahin", "  rand  ", "d'Artagnan – ‘t Hooft"])
def test_ordinary_text_passes(waarde: str) -> None:
    assert MEERDERE_REGELS.validate_python(waarde) == waarde.strip()
    assert EEN_REGEL.validate_python(waarde) == waarde.strip()


@pytest.mark.parametrize("pattern", [TEXT_PATTERN, LINE_PATTERN])
def test_patterns_read_the_same_in_python(pattern: str) -> None:
    # The contract publishes the pattern; a client validating with it must refuse what the server refuses.
    assert re.fullmatch(pattern, "Jan") and not re.fullmatch(pattern, "J\x1ban") and not re.fullmatch(pattern, " ")
