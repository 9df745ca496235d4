"""What an aanbieder reports about an opdracht (DOMAIN §3 "From an aanbieder"), in one national format.

A melding has a `soort` and the fields of that soort; the field names are the columns of the file format
(contracts/aanbieder-api/README.md), so an API body, a CSV row and a JSON row are the same thing and land in the
same record. Unknown or misplaced fields are refused, never dropped.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, TypeAdapter, model_validator

from aanbieder_api.domain.aanbieder import DomeinModel, KorteTekst, Tekst
from aanbieder_api.domain.enums import Dienst, Leerroute, Meldingsoort, Routeadvies, Taalniveau, Uitslag
from inburgering_kit.bsn import contains_bsn
from inburgering_kit.problems import Unprocessable, invalid
from inburgering_kit.strict import Datum

# Hours, rounded to two decimals (a quarter of an hour is 0.25); a period of a month has at most 744 hours. A JSON
# number on the wire (one schema for request and response); summed as Decimal (`domain.stand`), never as float.
Uren = Annotated[float, Field(ge=0, le=744), AfterValidator(lambda v: round(v, 2))]
Kenmerk = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9\-_.:/]{1,64}$", description="Eigen kenmerk van de aanbieder voor deze melding.")
]


class Regelfout(ValueError):  # noqa: N818 - Dutch, like MeldingNietToegestaan
    """A rule across a report's fields, broken. A ValueError, so pydantic reports it as before (`Value error, ...`);
    `veld` is the wire name of the field it concerns (None: the report as a whole), for a form to show it there."""

    def __init__(self, tekst: str, veld: str | None = None) -> None:
        super().__init__(tekst)
        self.veld = veld


class _Melding(DomeinModel):
    kenmerk: Kenmerk | None = None
    toelichting: Tekst | None = None


class Start(_Melding):
    """De gerealiseerde start, eventueel met een aangepaste geplande einddatum en de reden van een late start."""

    soort: Literal[Meldingsoort.START]
    datum: Datum = Field(description="Gerealiseerde startdatum.")
    geplande_einddatum: Datum | None = None
    reden_late_start: Tekst | None = None

    @model_validator(mode="after")
    def _volgorde(self) -> Start:
        if self.geplande_einddatum is not None and self.geplande_einddatum < self.datum:
            raise Regelfout("geplandeEinddatum ligt voor de startdatum", "geplandeEinddatum")
        return self


class Planning(_Melding):
    """Een aangepaste geplande einddatum, met de reden."""

    soort: Literal[Meldingsoort.PLANNING]
    geplande_einddatum: Datum
    reden: Tekst


class Aanwezigheid(_Melding):
    """Presentie over een periode: uren aanwezig, afwezig met en zonder geldige reden. Een nieuwe melding voor
    dezelfde periode vervangt de vorige (een correctie)."""

    soort: Literal[Meldingsoort.AANWEZIGHEID]
    periode_van: Datum
    periode_tot: Datum = Field(description="Laatste dag van de periode (inclusief).")
    uren_aanwezig: Uren
    uren_afwezig_geoorloofd: Uren = 0
    uren_afwezig_ongeoorloofd: Uren = 0

    @model_validator(mode="after")
    def _periode(self) -> Aanwezigheid:
        if self.periode_tot < self.periode_van:
            raise Regelfout("periodeTot ligt voor periodeVan", "periodeTot")
        dagen = (self.periode_tot - self.periode_van).days + 1
        if dagen > 31:
            raise Regelfout("een periode van presentie is hoogstens een maand (31 dagen)")
        totaal = self.uren_aanwezig + self.uren_afwezig_geoorloofd + self.uren_afwezig_ongeoorloofd
        if totaal > 24 * dagen:
            raise Regelfout(f"meer uren ({totaal}) dan de periode heeft ({24 * dagen})")
        return self


class Tussenresultaat(_Melding):
    soort: Literal[Meldingsoort.TUSSENRESULTAAT]
    datum: Datum
    onderdeel: KorteTekst | None = None
    niveau: Taalniveau | None = None
    toelichting: Tekst


class Examenresultaat(_Melding):
    soort: Literal[Meldingsoort.EXAMENRESULTAAT]
    datum: Datum
    onderdeel: KorteTekst = Field(description="Examenonderdeel, bijvoorbeeld lezen, luisteren, schrijven, spreken.")
    resultaat: Uitslag
    niveau: Taalniveau | None = None
    reden: Tekst | None = Field(default=None, description="Reden van niet behalen; verplicht bij niet-behaald.")

    @model_validator(mode="after")
    def _reden(self) -> Examenresultaat:
        if self.resultaat is Uitslag.NIET_BEHAALD and self.reden is None:
            raise Regelfout("reden is verplicht bij resultaat niet-behaald", "reden")
        return self


class Eindresultaat(_Melding):
    """Het onderdeel is afgerond: behaald of niet behaald (met reden); voor de Z-route: afgerond ja/nee."""

    soort: Literal[Meldingsoort.EINDRESULTAAT]
    datum: Datum
    resultaat: Uitslag
    niveau: Taalniveau | None = Field(default=None, description="Bereikt niveau.")
    reden: Tekst | None = Field(default=None, description="Reden van niet behalen; verplicht bij niet-behaald.")

    @model_validator(mode="after")
    def _reden(self) -> Eindresultaat:
        if self.resultaat is Uitslag.NIET_BEHAALD and self.reden is None:
            raise Regelfout("reden is verplicht bij resultaat niet-behaald", "reden")
        return self


class RouteadviesMelding(_Melding):
    """Gronden voor een routewissel, afschalen of opschalen; de gemeente beslist (een wijziging van het PIP)."""

    soort: Literal[Meldingsoort.ROUTEADVIES]
    datum: Datum
    advies: Routeadvies
    reden: Tekst = Field(description="De gronden: observaties van de aanbieder, ervaring van de deelnemer.")
    leerroute: Leerroute | None = Field(default=None, description="Geadviseerde leerroute (bij een routewissel).")
    niveau: Taalniveau | None = Field(default=None, description="Geadviseerd niveau (bij af- of opschalen).")
    onderdeel: KorteTekst | None = None


class ZRouteUren(_Melding):
    """Gerealiseerde uren van een Z-route over een periode, per deel (taal en participatie)."""

    soort: Literal[Meldingsoort.Z_ROUTE_UREN]
    periode_van: Datum
    periode_tot: Datum
    uren_taal: Uren = 0
    uren_participatie: Uren = 0

    @model_validator(mode="after")
    def _periode(self) -> ZRouteUren:
        if self.periode_tot < self.periode_van:
            raise Regelfout("periodeTot ligt voor periodeVan", "periodeTot")
        dagen = (self.periode_tot - self.periode_van).days + 1
        if dagen > 31:
            raise Regelfout("een periode van uren is hoogstens een maand (31 dagen)")
        if self.uren_taal + self.uren_participatie > 24 * dagen:
            raise Regelfout("meer uren dan de periode heeft")
        return self


class Niveau(_Melding):
    soort: Literal[Meldingsoort.NIVEAU]
    datum: Datum
    niveau: Taalniveau
    onderdeel: KorteTekst | None = None


class Leerbaarheidstoets(_Melding):
    """Datum en uitslag van de leerbaarheidstoets, met het advies over de leerroute (Besluit art. 5.2)."""

    soort: Literal[Meldingsoort.LEERBAARHEIDSTOETS]
    datum: Datum
    resultaat: KorteTekst = Field(description="Uitslag zoals de toets die geeft (score of categorie).")
    leerroute: Leerroute | None = Field(default=None, description="Geadviseerde leerroute.")

    @model_validator(mode="after")
    def _geen_bsn(self) -> Leerbaarheidstoets:
        # The result travels on to the brede intake in its event (aanbieder_api.events): a BSN typed into it would
        # leave with it, so it is refused here, in every channel (DOMAIN §4).
        if contains_bsn(self.resultaat):
            raise Regelfout(
                "resultaat bevat 9 cijfers die de 11-proef halen (een BSN); laat het nummer weg", "resultaat"
            )
        return self


Melding = Annotated[
    Start
    | Planning
    | Aanwezigheid
    | Tussenresultaat
    | Examenresultaat
    | Eindresultaat
    | RouteadviesMelding
    | ZRouteUren
    | Niveau
    | Leerbaarheidstoets,
    Field(discriminator="soort"),
]
MELDING = TypeAdapter[Melding](Melding)


class MeldingNietToegestaan(Unprocessable):
    code = "melding-niet-toegestaan"
    title = "Deze melding past niet bij het onderdeel van de opdracht."


# Which reports make sense for which part: a leerbaarheidstoets instance reports the test, the Z-route its hours
# per part; exams and levels belong to the language routes.
_ALLEEN_VOOR: dict[Meldingsoort, frozenset[Dienst]] = {
    Meldingsoort.LEERBAARHEIDSTOETS: frozenset({Dienst.LEERBAARHEIDSTOETS}),
    Meldingsoort.Z_ROUTE_UREN: frozenset({Dienst.Z_ROUTE}),
    Meldingsoort.EXAMENRESULTAAT: frozenset({Dienst.B1_ROUTE, Dienst.ONDERWIJSROUTE}),
    Meldingsoort.ROUTEADVIES: frozenset({Dienst.B1_ROUTE, Dienst.ONDERWIJSROUTE, Dienst.Z_ROUTE}),
}


def controleer_melding(onderdeel: Dienst, geplande_startdatum: date, melding: Melding) -> None:
    """Rules that need the opdracht: the soort must fit its part, and a start later than planned needs a reason
    (seed 002, "reden late start" is passed on to DUO)."""
    toegestaan = _ALLEEN_VOOR.get(melding.soort)
    if toegestaan is not None and onderdeel not in toegestaan:
        raise MeldingNietToegestaan(
            f"Een melding van soort {melding.soort.value} hoort niet bij een opdracht voor {onderdeel.value}",
            invalid_params=[invalid("soort", f"niet voor onderdeel {onderdeel.value}", "soort-niet-toegestaan")],
        )
    if isinstance(melding, Start) and melding.datum > geplande_startdatum and melding.reden_late_start is None:
        raise MeldingNietToegestaan(
            f"De start ({melding.datum.isoformat()}) is later dan gepland ({geplande_startdatum.isoformat()})",
            invalid_params=[
                invalid("redenLateStart", "verplicht bij een start na de geplande startdatum", "verplicht")
            ],
        )


def gegevens(melding: Melding) -> dict[str, object]:
    """The stored form: wire names, JSON types, absent fields left out."""
    return melding.model_dump(mode="json", exclude_none=True)


def meldingsleutel(stored: dict[str, object]) -> str:
    """The same report about the same opdracht is one report, whichever channel or file it came in: the key is a
    hash of its content (`gegevens`; the provider's own `kenmerk` included, so two genuinely separate reports can
    differ)."""
    return hashlib.sha256(json.dumps(stored, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def periode(melding: Melding) -> tuple[date, date] | None:
    if isinstance(melding, Aanwezigheid | ZRouteUren):
        return melding.periode_van, melding.periode_tot
    return None
