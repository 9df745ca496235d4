import copy
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from inburgering_kit.bsn import INVALID_BSN_MESSAGE, Bsn, BsnField, InvalidBsn, is_valid_bsn, pseudonymise

VALID = ["999993653", "111222333", "123456782"]
INVALID = [
    "999993654",  # checksum off by one
    "123456789",  # checksum
    "12345678",  # 8 digits
    "1234567820",  # 10 digits
    "12345678a",
    "abcdefghi",
    "000000000",
    " 999993653",
    "999993653 ",
    "999993653\n",
    "99999 3653",
    "",
    "٩٩٩٩٩٣٦٥٣",  # Arabic-Indic digits: isdigit() says yes, DUO says no
]


def eleven_test(digits: str) -> bool:
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11 == 0


class Person(BaseModel):
    bsn: BsnField


@pytest.mark.parametrize("value", VALID)
def test_valid_bsn(value: str) -> None:
    assert is_valid_bsn(value)
    assert str(Bsn(value)) == value


@pytest.mark.parametrize("value", INVALID)
def test_invalid_bsn_raises_without_echoing_value(value: str) -> None:
    assert not is_valid_bsn(value)
    with pytest.raises(InvalidBsn) as info:
        Bsn(value)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == INVALID_BSN_MESSAGE
    if value.strip():
        assert value.strip() not in str(info.value)


def test_non_string_is_rejected() -> None:
    with pytest.raises(InvalidBsn):
        Bsn(999993653)  # type: ignore[arg-type]


def test_repr_is_masked() -> None:
    bsn = Bsn("123456782")
    assert repr(bsn) == "Bsn('*******82')"
    assert "1234567" not in repr(bsn)
    assert "1234567" not in repr([bsn, {"bsn": bsn}])


def test_value_semantics() -> None:
    assert Bsn("999993653") == Bsn("999993653")
    assert Bsn("999993653") != Bsn("111222333")
    assert Bsn("999993653") != "999993653"
    assert len({Bsn("999993653"), Bsn("999993653"), Bsn("111222333")}) == 2


def test_frozen() -> None:
    bsn = Bsn("999993653")
    with pytest.raises(AttributeError):
        bsn._digits = "111222333"
    with pytest.raises(AttributeError):
        bsn.other = 1
    with pytest.raises(AttributeError):
        del bsn._digits
    assert str(bsn) == "999993653"


def test_copy_and_pickle_round_trip() -> None:
    bsn = Bsn("999993653")
    assert copy.copy(bsn) == bsn
    assert copy.deepcopy(bsn) == bsn
    assert pickle.loads(pickle.dumps(bsn)) == bsn


def test_pseudonymise_is_deterministic_and_keyed() -> None:
    bsn = Bsn("999993653")
    first = pseudonymise(bsn, b"sleutel-a")
    assert first == pseudonymise(Bsn("999993653"), b"sleutel-a")
    assert len(first) == 64
    assert int(first, 16) >= 0
    assert first != pseudonymise(bsn, b"sleutel-b")
    assert first != pseudonymise(Bsn("111222333"), b"sleutel-a")
    assert "999993653" not in first


def test_pseudonymise_needs_a_key() -> None:
    with pytest.raises(ValueError, match="sleutel"):
        pseudonymise(Bsn("999993653"), b"")


@given(st.integers(min_value=0, max_value=999_999_999).map(lambda n: f"{n:09d}"))
def test_property_valid_iff_eleven_test_and_not_zero(digits: str) -> None:
    expected = eleven_test(digits) and digits != "000000000"
    assert is_valid_bsn(digits) is expected
    if expected:
        assert str(Bsn(digits)) == digits
    else:
        with pytest.raises(InvalidBsn):
            Bsn(digits)


def with_check_digit(first_eight: str) -> str:
    weighted = sum(w * int(d) for w, d in zip(range(9, 1, -1), first_eight, strict=True))
    return first_eight + str(weighted % 11)


@given(
    st.integers(min_value=0, max_value=99_999_999)
    .map(lambda n: with_check_digit(f"{n:08d}"))
    .filter(lambda s: len(s) == 9 and s != "000000000"),
    st.integers(min_value=0, max_value=8),
    st.integers(min_value=1, max_value=9),
)
def test_property_any_single_digit_typo_is_caught(digits: str, position: int, shift: int) -> None:
    assert is_valid_bsn(digits)
    typo = digits[:position] + str((int(digits[position]) + shift) % 10) + digits[position + 1 :]
    assert not is_valid_bsn(typo)


# --- pydantic ---


def test_field_yields_bsn_and_serialises_to_digits() -> None:
    person = Person(bsn="999993653")
    assert person.bsn == Bsn("999993653")
    assert person.model_dump(mode="json") == {"bsn": "999993653"}
    assert person.model_dump_json() == '{"bsn":"999993653"}'
    assert "9999936" not in repr(person)
    assert "9999936" not in repr(person.model_dump())


def test_field_accepts_bsn_instance_and_json() -> None:
    assert Person(bsn=Bsn("111222333")).bsn == Bsn("111222333")
    assert Person.model_validate_json('{"bsn": "123456782"}').bsn == Bsn("123456782")


@pytest.mark.parametrize("value", ["123456789", "12345678", "999993653 ", "000000000", 999993653, None])
def test_field_error_never_echoes_input(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        Person(bsn=value)
    [error] = info.value.errors()
    assert error["type"] == "bsn_invalid"
    assert error["msg"] == INVALID_BSN_MESSAGE
    assert error["loc"] == ("bsn",)
    # The whole error, as it would be logged or rendered, does not contain the input either.
    for text in (str(info.value), info.value.json(), repr(error)):
        assert str(value).strip() not in text


def test_field_json_error_never_echoes_input() -> None:
    with pytest.raises(ValidationError) as info:
        Person.model_validate_json('{"bsn": "123456789"}')
    assert "123456789" not in str(info.value)
    assert info.value.errors()[0]["msg"] == INVALID_BSN_MESSAGE


def test_field_json_schema() -> None:
    for mode in ("validation", "serialization"):
        prop = Person.model_json_schema(mode=mode)["properties"]["bsn"]
        assert prop["type"] == "string"
        assert prop["pattern"] == "^[0-9]{9}$"
        assert prop["examples"] == ["999993653"]
