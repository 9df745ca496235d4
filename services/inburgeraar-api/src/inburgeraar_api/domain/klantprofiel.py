"""The COA klantprofiel as structured data, the consent rule for soft information, and the diff of versions.

Fields follow the COA list in handreiking-gegevensverwerking-privacy.txt ("Gegevenslevering aan gemeenten",
COA items d–r) and vng-uitvoeringstoets-informatiekundige-impact.txt §4.3.2 (today a PDF typed over; the
gemeente wants it structured and a notice when it changes, hence `verschillen`).

Required vs optional: COA fills the profile gradually from IBIS, so at koppeling most fields can still be
empty (vng-uitvoeringstoets §4.3.2, "Ten tweede wordt het klantprofiel geleidelijk gevuld"). Only the
geslachtsnaam is required: without a name there is no profile of anyone. There is deliberately no BSN: the BSN
lives on the inburgeraar only, so a profile can be shown, diffed or passed on without carrying it.

JSON: lowerCamelCase (see `basis`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Self

from pydantic import Field, JsonValue, StringConstraints, model_validator

from inburgeraar_api.domain.basis import (
    Diplomawaardering,
    DomeinModel,
    Geboortejaar,
    KorteTekst,
    Opleiding,
    Taalniveau,
    Tekst,
    Werkervaring,
)
from inburgeraar_api.domain.enums import Cefr, Introductiemodule, Relatie
from inburgering_kit.problems import InvalidParam, Unprocessable, invalid
from inburgering_kit.strict import GEHEEL, Datum, JaNee, tekst
from inburgering_kit.types import EMAIL_PATTERN

Postcode = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")]
Telefoon = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 ()-]{5,19}$")]
Email = Annotated[
    str,
    StringConstraints(max_length=254, pattern=EMAIL_PATTERN),
]
Toevoeging = Annotated[str, tekst(10, regels=False)]
_MAX_ITEMS = 50


class Adres(DomeinModel):
    straat: KorteTekst | None = None
    huisnummer: Annotated[int, Field(ge=1, le=99999), GEHEEL] | None = None
    huisnummertoevoeging: Toevoeging | None = None
    postcode: Postcode | None = None
    woonplaats: KorteTekst | None = None


class Persoonsgegevens(DomeinModel):
    voornamen: KorteTekst | None = None
    geslachtsnaam: KorteTekst
    adres: Adres | None = None
    telefoon: Telefoon | None = None
    email: Email | None = None


class Gezinslid(DomeinModel):
    # Relation and birth year suffice for the gemeente's tasks (VVE, gezinssituatie); no names of others.
    relatie: Relatie
    geboortejaar: Geboortejaar | None = None


class Verblijfsstatus(DomeinModel):
    vergunning: KorteTekst
    verleend_op: Datum | None = None
    geldig_tot: Datum | None = None


class IntroductiemoduleResultaat(DomeinModel):
    module: Introductiemodule
    afgerond: JaNee | None = None
    resultaat: KorteTekst | None = None


class Taalactiviteit(DomeinModel):
    naam: KorteTekst
    voortgang: Tekst | None = None


class Voorinburgering(DomeinModel):
    toestemming_vi: JaNee | None = None
    toetsresultaat: Tekst | None = None
    nt2_spreken: Cefr | None = None
    introductiemodules: Annotated[tuple[IntroductiemoduleResultaat, ...], Field(max_length=_MAX_ITEMS)] = ()
    taalactiviteiten: Annotated[tuple[Taalactiviteit, ...], Field(max_length=_MAX_ITEMS)] = ()
    vi_afgerond: JaNee | None = None


class Taalvaardigheid(Taalniveau):
    moedertaal: KorteTekst | None = None
    andere_talen: Annotated[tuple[KorteTekst, ...], Field(max_length=_MAX_ITEMS)] = ()


class Training(DomeinModel):
    naam: KorteTekst
    afgerond: JaNee | None = None


class Contactpersoon(DomeinModel):
    naam: KorteTekst
    telefoon: Telefoon | None = None
    email: Email | None = None


class ZachteInformatie(DomeinModel):
    """What the warme overdracht yields (vng-uitvoeringstoets-informatiekundige-impact.txt, bijlage B).

    Stored only with recorded consent (`controleer_toestemming`). Circumstances, never diagnoses: medical data
    may not be recorded anywhere (handreiking-gegevensverwerking-privacy.txt, "Gezondheidsgegevens").
    """

    zorg_of_ondersteuningsbehoeften: Tekst | None = None
    omstandigheden: Tekst | None = Field(
        default=None, description="Omstandigheden die invloed kunnen hebben op het inburgeringsproces."
    )

    @model_validator(mode="after")
    def _niet_leeg(self) -> Self:
        if self.zorg_of_ondersteuningsbehoeften is None and self.omstandigheden is None:
            raise ValueError("zachte informatie zonder inhoud: laat het blok weg")
        return self


class Klantprofiel(DomeinModel):
    persoonsgegevens: Persoonsgegevens
    gezinsleden: Annotated[tuple[Gezinslid, ...], Field(max_length=_MAX_ITEMS)] = ()
    verblijfsstatus: Verblijfsstatus | None = None
    voorinburgering: Voorinburgering | None = None
    taalvaardigheid: Taalvaardigheid | None = None
    opleidingen: Annotated[tuple[Opleiding, ...], Field(max_length=_MAX_ITEMS)] = ()
    trainingen: Annotated[tuple[Training, ...], Field(max_length=_MAX_ITEMS)] = ()
    contact_uaf: JaNee | None = None
    diplomawaardering: Diplomawaardering | None = None
    cv_gemaakt: JaNee | None = None
    werkervaring: Annotated[tuple[Werkervaring, ...], Field(max_length=_MAX_ITEMS)] = ()
    zelfwerkzaamheid: Tekst | None = Field(default=None, description="Zelfwerkzaamheid op de COA-locatie.")
    competenties: Annotated[tuple[KorteTekst, ...], Field(max_length=_MAX_ITEMS)] = ()
    computervaardigheden: Tekst | None = None
    ambities: Tekst | None = None
    coa_contactpersoon: Contactpersoon | None = None
    zachte_informatie: ZachteInformatie | None = None
    toestemming_zachte_informatie: JaNee = False
    toestemming_datum: Datum | None = None


class ToestemmingOntbreekt(Unprocessable):
    code = "toestemming-ontbreekt"
    title = "Zachte informatie zonder vastgelegde toestemming wordt niet opgeslagen."


def controleer_toestemming(profiel: Klantprofiel) -> None:
    """Refuse a profile that carries soft information without recorded consent (date included)."""
    if profiel.zachte_informatie is None:
        return
    ontbreekt: list[InvalidParam] = []
    if not profiel.toestemming_zachte_informatie:
        ontbreekt.append(invalid("toestemmingZachteInformatie", "moet true zijn", "toestemming-ontbreekt"))
    if profiel.toestemming_datum is None:
        ontbreekt.append(invalid("toestemmingDatum", "de datum van de toestemming ontbreekt", "ontbreekt"))
    if ontbreekt:
        raise ToestemmingOntbreekt(
            "Zachte informatie (zorgbehoeften, persoonlijke omstandigheden) uit de warme overdracht wordt "
            "alleen met vastgelegde toestemming van de inburgeraar opgeslagen (DOMAIN §2 stap 3; "
            "handreiking-gegevensverwerking-privacy.txt, Verwerking bijzondere persoonsgegevens: niet "
            '"tenzij dat expliciet in een wet of in een rechtsgeldige overeenkomst tussen betrokkenen is '
            'geregeld"). Er is niets opgeslagen.',
            invalid_params=ontbreekt,
        )


class Wijziging(DomeinModel):
    pad: str = Field(description="Pad van het veld in JSON met punten, zoals `taalvaardigheid.spreken`.")
    oud: JsonValue
    nieuw: JsonValue


def verschillen(oud: Klantprofiel | None, nieuw: Klantprofiel) -> list[Wijziging]:
    """What changed from `oud` to `nieuw`, one entry per leaf field; lists count as one value.

    Paths use the JSON (camelCase) names. A nested block that appears or disappears shows as its leaf fields
    going from or to null, so a reader sees which facts changed, not just "the block". An empty list next to
    a missing field is no change: both say "nothing known".
    """
    oud_vlak = _vlak(oud.model_dump(mode="json")) if oud is not None else {}
    nieuw_vlak = _vlak(nieuw.model_dump(mode="json"))
    wijzigingen: list[Wijziging] = []
    for pad in dict.fromkeys([*oud_vlak, *nieuw_vlak]):
        voor, na = oud_vlak.get(pad), nieuw_vlak.get(pad)
        if voor != na and not (_leeg(voor) and _leeg(na)):
            wijzigingen.append(Wijziging(pad=pad, oud=voor, nieuw=na))
    return wijzigingen


def _vlak(waarde: Mapping[str, JsonValue], prefix: str = "") -> dict[str, JsonValue]:
    vlak: dict[str, JsonValue] = {}
    for sleutel, sub in waarde.items():
        pad = f"{prefix}{sleutel}"
        if isinstance(sub, dict):
            vlak.update(_vlak(sub, f"{pad}."))
        else:
            vlak[pad] = sub
    return vlak


def _leeg(waarde: JsonValue) -> bool:
    return waarde is None or waarde == []
