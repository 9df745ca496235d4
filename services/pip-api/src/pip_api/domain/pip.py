"""The PIP (Persoonlijk Plan Inburgering en Participatie; Wet inburgering art. 15-17) as a beschikking.

Lifecycle: concept → vastgesteld (version 1) → gewijzigd (each change a new version) → beëindigd. A vastgesteld
version is never edited in place (DOMAIN §2 step 7: "every change is a new version with date and reason").

JSON: lowerCamelCase via the alias generator; models are frozen and forbid unknown fields, so a misspelt
agreement is an error the sender sees, never silently dropped.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import Field, ValidationError, model_validator

from inburgering_kit.problems import Conflict, Unprocessable, invalid
from inburgering_kit.schemas import FrozenModel
from inburgering_kit.strict import GEHEEL, Datum, tekst
from pip_api.domain.enums import Doelgroep, Examenonderdeel, Leerroute, MapThema, Taalniveau
from pip_api.domain.leerroutes import (
    RegelGeschonden,
    controleer_afschalen,
    controleer_intensiteit,
    controleer_map,
    controleer_z_route,
)
from pip_api.domain.regels import REGELS, Regelset

KorteTekst = Annotated[str, tekst(200, regels=False)]
Tekst = Annotated[str, tekst(2000)]
Uren = Annotated[int, Field(ge=0, le=10_000), GEHEEL]


class DomeinModel(FrozenModel):
    """camelCase JSON, unknown fields refused, frozen (see `inburgering_kit.schemas`)."""


class InhoudOngeldig(Unprocessable):
    code = "inhoud-ongeldig"
    title = "De afspraken van het PIP zijn niet geldig."


class PipStatus(StrEnum):
    CONCEPT = "concept"
    VASTGESTELD = "vastgesteld"
    BEEINDIGD = "beeindigd"


class Beeindigingsreden(StrEnum):
    PLICHT_VOLDAAN = "plicht-voldaan"
    VRIJSTELLING_OF_ONTHEFFING = "vrijstelling-of-ontheffing"
    VERHUISD = "verhuisd"
    PLICHT_VERVALLEN = "plicht-vervallen"
    OVERLEDEN = "overleden"
    OVERIG = "overig"


class Participatiesoort(StrEnum):
    WERK = "werk"
    VRIJWILLIGERSWERK = "vrijwilligerswerk"
    OPLEIDING = "opleiding"
    STAGE = "stage"
    OVERIG = "overig"


class Onderdeel(DomeinModel):
    """A trajectory part delivered by an aanbieder: who, when it starts, by when it must be done."""

    aanbieder: KorteTekst
    geplande_start: Datum | None = None
    uiterste_datum: Datum | None = None

    @model_validator(mode="after")
    def _start_voor_einde(self) -> Self:
        if self.geplande_start and self.uiterste_datum and self.uiterste_datum < self.geplande_start:
            raise ValueError("de uiterste datum ligt vóór de geplande start")
        return self


class PvtAfspraak(Onderdeel):
    uren: Uren | None = Field(default=None, description="Geplande uren, ten minste 12 inclusief ondertekening.")


class MapAfspraak(Onderdeel):
    intensiteit: KorteTekst | None = None
    themas: tuple[MapThema, ...] = Field(default=(), max_length=8, description="De acht thema's van de MAP.")

    @model_validator(mode="after")
    def _themas_uniek(self) -> Self:
        if len(set(self.themas)) != len(self.themas):
            raise ValueError("elk thema komt één keer voor")
        return self


class KnmAfspraak(Onderdeel):
    pass


class ZRouteUren(DomeinModel):
    taaluren: Uren
    participatieuren: Uren


class Afschaling(DomeinModel):
    """Afschalen B1 → A2 on named exam parts (gemeentelijk-beleidsplan-inburgering.txt, B1-route)."""

    onderdelen: tuple[Examenonderdeel, ...] = Field(min_length=1, max_length=4)
    grond: Tekst = Field(description="Onderbouwing: observaties van de aanbieder, ervaring van de inburgeraar.")
    # Filled in by pip-api when the afschaling is decided, never taken from the client as such: the hours the
    # providers reported, or the gemeente's own statement in the change request (`urenOverride`) with its reason.
    gerealiseerde_taaluren: Uren | None = Field(
        default=None,
        description="Gerealiseerde uren taalonderwijs waarop de afschaling rust: door pip-api ingevuld uit de "
        "meldingen van de aanbieders, of uit de eigen opgave van de gemeente (`urenOverride` bij de wijziging).",
    )
    uren_bron: Literal["aanbieder", "gemeente"] | None = Field(
        default=None, description="Waar de uren vandaan komen: de meldingen van de aanbieders of de gemeente."
    )
    uren_reden: Tekst | None = Field(default=None, description="Reden van een eigen opgave van uren door de gemeente.")

    def zelfde_besluit(self, ander: Afschaling | None) -> bool:
        """The same afschaling as decided before (parts and grounds): the hours it rested on are not judged again."""
        return ander is not None and (self.onderdelen, self.grond) == (ander.onderdelen, ander.grond)


class Participatieafspraak(DomeinModel):
    soort: Participatiesoort
    omschrijving: Tekst


class PipInhoud(DomeinModel):
    """The agreements of a PIP (DOMAIN §2 step 7-10)."""

    leerroute: Leerroute
    taalniveau: Taalniveau = Field(description="Het beoogde taalniveau.")
    intensiteit: KorteTekst | None = Field(default=None, description="Alleen voor asielmigranten.")
    pvt: PvtAfspraak | None = None
    map: MapAfspraak | None = None
    knm: KnmAfspraak | None = None
    z_route: ZRouteUren | None = None
    afschaling: Afschaling | None = None
    ontzorgen_beschikking: KorteTekst | None = Field(
        default=None, description="Kenmerk van de beschikking financieel ontzorgen (Participatiewet art. 56a)."
    )
    ontzorgen_startdatum: Datum | None = Field(default=None, description="Start van het financieel ontzorgen.")
    participatiewet_beschikking: KorteTekst | None = Field(
        default=None, description="Kenmerk van de beschikking onder de Participatiewet."
    )
    vve_afspraken: tuple[Tekst, ...] = Field(default=(), max_length=20)
    participatieafspraken: tuple[Participatieafspraak, ...] = Field(default=(), max_length=20)
    klantregisseur: KorteTekst | None = None

    def wijzig(self, wijzigingen: dict[str, Any]) -> PipInhoud:
        """A new document with the given (snake_case) fields replaced, validated as a whole.

        The whole is checked again because a combination can be invalid where each field alone is not.
        """
        try:
            return PipInhoud.model_validate({**self.model_dump(by_alias=False), **wijzigingen})
        except ValidationError as fout:
            raise InhoudOngeldig(
                "De gewijzigde afspraken zijn samen niet geldig",
                invalid_params=[
                    invalid(".".join(str(p) for p in e["loc"]) or "body", e["msg"], e["type"]) for e in fout.errors()
                ],
            ) from fout


VELDEN: tuple[str, ...] = tuple(PipInhoud.model_fields)


def gewijzigde_velden(oud: PipInhoud, nieuw: PipInhoud) -> list[str]:
    """The JSON names of the agreements that differ, in declaration order."""
    return [PipInhoud.model_fields[naam].alias or naam for naam in VELDEN if getattr(oud, naam) != getattr(nieuw, naam)]


def controleer_inhoud(
    doelgroep: Doelgroep, inhoud: PipInhoud, vorige: PipInhoud | None = None, regels: Regelset = REGELS
) -> None:
    """Every rule on the agreements themselves; the route switch window is checked by the change use case."""
    controleer_intensiteit(doelgroep, inhoud.intensiteit)
    controleer_map(inhoud.leerroute, inhoud.map is not None)
    if inhoud.leerroute is Leerroute.Z_ROUTE:
        uren = inhoud.z_route
        controleer_z_route(
            taaluren=uren.taaluren if uren else None,
            participatieuren=uren.participatieuren if uren else None,
            regels=regels,
        )
    if inhoud.pvt is not None and inhoud.pvt.uren is not None and inhoud.pvt.uren < regels.pvt_min_uren.waarde:
        raise RegelGeschonden.van(
            regels.pvt_min_uren,
            f"Het PVT omvat ten minste {regels.pvt_min_uren.waarde} uur",
            [invalid("pvt.uren", f"minder dan {regels.pvt_min_uren.waarde}", "te-weinig-uren")],
        )
    if inhoud.afschaling is not None and not inhoud.afschaling.zelfde_besluit(vorige.afschaling if vorige else None):
        controleer_afschalen(
            leerroute=inhoud.leerroute,
            onderdelen=inhoud.afschaling.onderdelen,
            taaluren=inhoud.afschaling.gerealiseerde_taaluren,
            grond=inhoud.afschaling.grond,
            regels=regels,
        )


class StatusStaatHetNietToe(Conflict):
    code = "pip-status"
    title = "Deze handeling past niet bij de status van het PIP."


class GeenWijziging(Unprocessable):
    code = "geen-wijziging"
    title = "De wijziging verandert niets aan het PIP."


class DatumsOngeldig(Unprocessable):
    code = "datums-ongeldig"
    title = "De datums van de beschikking zijn niet consistent."


def vereis_status(huidige: PipStatus, *toegestaan: PipStatus, handeling: str) -> None:
    if huidige not in toegestaan:
        raise StatusStaatHetNietToe(
            f"{handeling} kan alleen bij een PIP met status {' of '.join(toegestaan)}; dit PIP is {huidige}"
        )


def controleer_beschikkingsdatums(dagtekening: Any, verzenddatum: Any, ingangsdatum: Any) -> None:
    """A beschikking is sent on or after its dagtekening (Awb art. 3:41: bekendmaking by sending)."""
    fouten = []
    if verzenddatum < dagtekening:
        fouten.append(invalid("verzenddatum", "ligt vóór de dagtekening", "voor-dagtekening"))
    if ingangsdatum < dagtekening:
        fouten.append(invalid("ingangsdatum", "ligt vóór de dagtekening", "voor-dagtekening"))
    if fouten:
        raise DatumsOngeldig("Verzending en ingang volgen op de dagtekening (Awb art. 3:41)", invalid_params=fouten)
