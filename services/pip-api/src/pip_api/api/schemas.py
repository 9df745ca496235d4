"""Request and response schemas of the PIP API (JSON lowerCamelCase, like every schema of the platform)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from inburgering_kit.strict import Datum, Tijdstip, weglaatbaar
from pip_api.domain.enums import Leerroute, Routeverplichting, Taalniveau, Termijnsoort
from pip_api.domain.leerroutes import routeverplichting
from pip_api.domain.overdracht import OvergenomenVan
from pip_api.domain.pip import (
    Afschaling,
    Beeindigingsreden,
    DomeinModel,
    KnmAfspraak,
    KorteTekst,
    MapAfspraak,
    Participatieafspraak,
    PipInhoud,
    PipStatus,
    PvtAfspraak,
    Tekst,
    ZRouteUren,
)
from pip_api.domain.signalen import Signaalsoort, Signaalstatus
from pip_api.domain.uitkomst import RedenNietBehaald
from pip_api.domain.voortgang import Uren, gemelde_taaluren, percentage
from pip_api.models import OnderdeelUitkomst, PipVersie, Signaal, Voortgangsgesprek
from pip_api.services.pip import PipMetTermijnen, Voortgang


class PipCreate(PipInhoud):
    """A new PIP as concept, with its agreements."""

    inburgeraar_id: uuid.UUID

    def inhoud(self) -> PipInhoud:
        return PipInhoud.model_validate(self.model_dump(exclude={"inburgeraar_id"}))


class PipUpdate(DomeinModel):
    """The agreements to change; only the fields sent change, `null` clears an optional agreement. The required ones
    (leerroute, taalniveau, the lists) cannot be cleared: `null` there is refused, naming the field."""

    leerroute: Leerroute = weglaatbaar()
    taalniveau: Taalniveau = weglaatbaar()
    intensiteit: KorteTekst | None = None
    pvt: PvtAfspraak | None = None
    map: MapAfspraak | None = None
    knm: KnmAfspraak | None = None
    z_route: ZRouteUren | None = None
    afschaling: Afschaling | None = None
    ontzorgen_beschikking: KorteTekst | None = None
    ontzorgen_startdatum: Datum | None = None
    participatiewet_beschikking: KorteTekst | None = None
    vve_afspraken: Annotated[tuple[Tekst, ...], Field(max_length=20)] = weglaatbaar()
    participatieafspraken: Annotated[tuple[Participatieafspraak, ...], Field(max_length=20)] = weglaatbaar()
    klantregisseur: KorteTekst | None = None

    def wijzigingen(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, by_alias=False)


class Beschikkingsdatums(DomeinModel):
    dagtekening: Datum = Field(description="De datum van de beschikking.")
    verzenddatum: Datum = Field(description="De datum van verzending (bekendmaking, Awb art. 3:41).")
    ingangsdatum: Datum = Field(description="De datum waarop de (gewijzigde) afspraken ingaan.")


class PipVaststellen(Beschikkingsdatums):
    pass


class UrenOverrideIn(DomeinModel):
    """The gemeente states the hours of language teaching itself, instead of the providers' reports: only with a
    reason, which is kept with the PIP version (e.g. hours followed before the system, at a provider outside it)."""

    taaluren: int = Field(ge=0, le=10_000, description="Gerealiseerde uren taalonderwijs volgens de gemeente.")
    reden: Tekst = Field(description="Waarom de gemeente de uren zelf opgeeft in plaats van de meldingen.")


class PipWijzigen(Beschikkingsdatums):
    reden: Tekst = Field(description="Waarom het PIP wijzigt.")
    wijzigingen: PipUpdate
    routewissel_grond: Tekst | None = Field(
        default=None, description="Onderbouwing van een wissel van leerroute (verplicht bij een wissel)."
    )
    uren_override: UrenOverrideIn | None = Field(
        default=None,
        description="Bij afschalen: de uren taalonderwijs door de gemeente opgegeven, met reden, in plaats van de "
        "door de aanbieders gemelde uren (die gelden als dit ontbreekt).",
    )


class PipBeeindigen(DomeinModel):
    datum: Datum
    reden: Beeindigingsreden
    toelichting: Tekst | None = None


class TermijnRead(DomeinModel):
    soort: Termijnsoort
    startdatum: Datum
    einddatum: Datum = Field(description="De uiterste datum, zelf nog binnen de termijn.")
    regel: str = Field(description="De regel uit de regeltabel waaruit de termijn volgt.")
    bron: str = Field(description="De wettelijke bron van de regel.")
    minimum_aantal: int | None = Field(default=None, description="Bij voortgangsgesprekken: het minimum aantal.")


class PipRead(PipInhoud):
    id: uuid.UUID
    inburgeraar_id: uuid.UUID
    status: PipStatus
    versie: int = Field(description="De huidige vastgestelde versie; 0 zolang het PIP een concept is.")
    routeverplichting: Routeverplichting = Field(
        description="`aanbod` voor gezins- en overige migranten: de leerroute is een aanbod, geen verplichting."
    )
    vastgesteld_datum: Datum | None = None
    beeindigd_datum: Datum | None = None
    beeindigd_reden: Beeindigingsreden | None = None
    overgenomen_van: OvergenomenVan | None = Field(
        default=None,
        description="Bij een PIP waarvan de afspraken bij een verhuizing zijn overgenomen van de vorige gemeente: "
        "de overdracht, die gemeente, haar PIP en de versie. Het PIP is van deze gemeente; de historie van de vorige "
        "staat in `GET /geimporteerde-pips`.",
    )
    termijnen: list[TermijnRead]

    @classmethod
    def van(cls, gegevens: PipMetTermijnen) -> PipRead:
        pip = gegevens.pip
        return cls.model_validate(
            {
                **pip.inhoud,
                "id": pip.id,
                "inburgeraarId": pip.inburgeraar_id,
                "status": pip.status,
                "versie": pip.versie,
                "routeverplichting": routeverplichting(gegevens.doelgroep),
                "vastgesteldDatum": pip.vastgesteld_datum,
                "beeindigdDatum": pip.beeindigd_datum,
                "beeindigdReden": pip.beeindigd_reden,
                "overgenomenVan": (
                    {
                        "overdrachtId": pip.overdracht_id,
                        "vanGemeente": pip.overgenomen_van_gemeente,
                        "pipId": pip.overgenomen_pip_id,
                        "versie": pip.overgenomen_versie,
                        "eerstePipDatum": pip.eerste_pip_datum,
                    }
                    if pip.overdracht_id is not None
                    else None
                ),
                "termijnen": [
                    TermijnRead(
                        soort=t.soort,
                        startdatum=t.startdatum,
                        einddatum=t.einddatum,
                        regel=t.regel,
                        bron=t.bron,
                        minimum_aantal=t.minimum_aantal,
                    )
                    for t in gegevens.termijnen
                ],
            }
        )


class PipVersieRead(PipInhoud):
    versie: int
    dagtekening: Datum
    verzenddatum: Datum
    ingangsdatum: Datum
    reden: str | None = None
    gewijzigde_velden: list[str] = Field(description="De afspraken die in deze versie veranderden.")

    @classmethod
    def van(cls, versie: PipVersie) -> PipVersieRead:
        return cls.model_validate(
            {
                **versie.inhoud,
                "versie": versie.versie,
                "dagtekening": versie.dagtekening,
                "verzenddatum": versie.verzend_datum,
                "ingangsdatum": versie.ingangs_datum,
                "reden": versie.reden,
                "gewijzigdeVelden": versie.gewijzigde_velden,
            }
        )


class SignaalRead(DomeinModel):
    """A termijn signal on the klantregisseur's worklist."""

    id: uuid.UUID
    pip_id: uuid.UUID | None = Field(
        default=None, description="Leeg bij de termijn voor het vaststellen van het PIP: er is dan nog geen PIP."
    )
    inburgeraar_id: uuid.UUID
    opdracht_id: uuid.UUID | None = Field(
        default=None,
        description="Bij een signaal over de voortgang bij een aanbieder: de opdracht (aanbieder-api) waarover het "
        "gaat.",
    )
    klantregisseur: str | None = None
    soort: Signaalsoort = Field(
        description="`nadert`: de uiterste datum komt dichtbij; `verstreken`: hij is voorbij; `gemeld`: een gemeld "
        "feit vraagt om actie (aanwezigheid onder de norm, een routeadvies dat op een besluit wacht)."
    )
    termijnsoort: Termijnsoort = Field(
        description="Waarover het signaal gaat: een termijn van het PIP, de voortgang bij een aanbieder "
        "(`start-opdracht`, `voortgangsmelding`, `aanwezigheid`, `routeadvies`) of de registratie (`huisvesting`, "
        "`brede-intake-oproep`, `bsn-ontbreekt`)."
    )
    einddatum: Datum = Field(
        description="Uiterste datum van de termijn: de laatste dag erbinnen. Bij `aanwezigheid`: het einde van de "
        "periode waarmee de reeks onder de norm lang genoeg werd; bij `routeadvies`: de dag van het advies."
    )
    regel: str = Field(description="De regel waaruit de termijn volgt (zie de termijnen van het PIP voor de bron).")
    status: Signaalstatus
    aangemaakt_op: Tijdstip
    afgehandeld_door: str | None = Field(default=None, description="De gebruiker die het signaal afhandelde.")
    afgehandeld_door_client: str | None = Field(default=None, description="De client waarmee dat gebeurde.")
    afgehandeld_reden: str | None = None
    afgehandeld_op: Tijdstip | None = None

    @classmethod
    def van(cls, signaal: Signaal) -> SignaalRead:
        return cls(
            id=signaal.id,
            pip_id=signaal.pip_id,
            inburgeraar_id=signaal.inburgeraar_id,
            opdracht_id=signaal.opdracht_id,
            klantregisseur=signaal.klantregisseur,
            soort=Signaalsoort(signaal.soort),
            termijnsoort=Termijnsoort(signaal.termijnsoort),
            einddatum=signaal.einddatum,
            regel=signaal.regel,
            status=Signaalstatus(signaal.status),
            aangemaakt_op=signaal.created_at,
            afgehandeld_door=signaal.afgehandeld_door,
            afgehandeld_door_client=signaal.afgehandeld_door_client,
            afgehandeld_reden=signaal.afgehandeld_reden,
            afgehandeld_op=signaal.afgehandeld_op,
        )


class SignaalAfhandelen(DomeinModel):
    reden: Tekst = Field(description="Waarom het signaal is afgehandeld (bijvoorbeeld: verlenging aangevraagd).")


class VoortgangsgesprekCreate(DomeinModel):
    """A conversation to plan; one already held may be recorded at once with its date and outcome."""

    gepland_datum: Datum
    gehouden_datum: Datum | None = None
    uitkomst: Tekst | None = None
    afspraken: list[Tekst] = Field(default_factory=list, max_length=20, description="De gemaakte actieafspraken.")


class VoortgangsgesprekVastleggen(DomeinModel):
    """The conversation was held: when, with what outcome and which agreed actions."""

    gehouden_datum: Datum
    uitkomst: Tekst
    afspraken: list[Tekst] = Field(default_factory=list, max_length=20, description="De gemaakte actieafspraken.")


class VoortgangsgesprekNietVerschenen(DomeinModel):
    """The inburgeraar did not appear: the reason, if one is known (short, without personal details: it goes to
    enforcement in the event `voortgangsgesprek-gemist`)."""

    reden: KorteTekst | None = Field(default=None, description="Reden van het niet verschijnen, als die bekend is.")


class VoortgangsgesprekRead(DomeinModel):
    id: uuid.UUID
    pip_id: uuid.UUID
    gepland_datum: Datum
    gehouden_datum: Datum | None = None
    uitkomst: str | None = None
    afspraken: list[str]
    niet_verschenen_op: Datum | None = Field(
        default=None, description="De dag waarop is vastgelegd dat de inburgeraar niet verscheen."
    )
    niet_verschenen_reden: str | None = None

    @classmethod
    def van(cls, gesprek: Voortgangsgesprek) -> VoortgangsgesprekRead:
        return cls(
            id=gesprek.id,
            pip_id=gesprek.pip_id,
            gepland_datum=gesprek.gepland_datum,
            gehouden_datum=gesprek.gehouden_datum,
            uitkomst=gesprek.uitkomst,
            afspraken=list(gesprek.afspraken),
            niet_verschenen_op=gesprek.niet_verschenen_op,
            niet_verschenen_reden=gesprek.niet_verschenen_reden,
        )


class AanwezigheidsperiodeRead(DomeinModel):
    """One reported period; without dates when the report named no unauthorised absence (aanbieder-api sends the
    period only then)."""

    periode_van: Datum | None = None
    periode_tot: Datum | None = None
    uren_aanwezig: float | None = None
    uren_afwezig_geoorloofd: float
    uren_afwezig_ongeoorloofd: float
    aanwezigheidspercentage: int = Field(
        ge=0,
        le=100,
        description="Uren aanwezig van de uren die er aanwezig had moeten zijn (geoorloofd verzuim telt niet).",
    )


class ResultaatRead(DomeinModel):
    soort: str = Field(description="`tussenresultaat`, `examenresultaat` of `eindresultaat`.")
    uitslag: str | None = Field(default=None, description="`behaald` of `niet-behaald`; leeg bij een tussenresultaat.")
    datum: Datum
    niveau: str | None = None


class OpdrachtVoortgangRead(DomeinModel):
    """Progress on one PIP part at one aanbieder, as aanbieder-api's events reported it."""

    opdracht_id: uuid.UUID
    aanbieder_id: uuid.UUID
    onderdeel: str
    status: str = Field(description="`verstrekt`, `gestart`, `afgerond` of `ingetrokken` (aanbieder-api).")
    geplande_startdatum: Datum | None = None
    geplande_einddatum: Datum | None = None
    start_gemeld_datum: Datum | None = Field(default=None, description="De dag waarop de start werd gemeld.")
    laatste_melding_datum: Datum | None = None
    uren_aanwezig: float
    uren_taal: float = Field(description="Z-route: gerealiseerde uren taal.")
    uren_participatie: float = Field(description="Z-route: gerealiseerde uren participatie.")
    uren_gecontracteerd: int | None = None
    niveau: str | None = Field(default=None, description="Het laatst gemelde bereikte niveau.")
    eindresultaat: str | None = None
    eindresultaat_datum: Datum | None = None
    aanwezigheid: list[AanwezigheidsperiodeRead] = Field(description="De gemelde perioden, in volgorde van melding.")
    resultaten: list[ResultaatRead]


class RouteadviesRead(DomeinModel):
    opdracht_id: uuid.UUID
    advies: str = Field(description="`routewissel`, `afschalen` of `opschalen`.")
    ontvangen_datum: Datum


class PipVoortgangRead(DomeinModel):
    """Provider progress under the PIP (projection of aanbieder-api's events): what the route rules and the
    signals use."""

    pip_id: uuid.UUID
    gemelde_taaluren: float = Field(description="Uren taalonderwijs zoals de aanbieders meldden (voor afschalen).")
    opdrachten: list[OpdrachtVoortgangRead]
    routeadviezen: list[RouteadviesRead]

    @classmethod
    def van(cls, v: Voortgang) -> PipVoortgangRead:
        uren = [Uren(o.onderdeel, Decimal(str(o.uren_aanwezig)), Decimal(str(o.uren_taal))) for o in v.opdrachten]
        return cls(
            pip_id=v.pip.id,
            gemelde_taaluren=float(gemelde_taaluren(uren)),
            opdrachten=[
                OpdrachtVoortgangRead(
                    opdracht_id=o.opdracht_id,
                    aanbieder_id=o.aanbieder_id,
                    onderdeel=o.onderdeel,
                    status=o.status,
                    geplande_startdatum=o.geplande_startdatum,
                    geplande_einddatum=o.geplande_einddatum,
                    start_gemeld_datum=o.start_gemeld_datum,
                    laatste_melding_datum=o.laatste_melding_datum,
                    uren_aanwezig=float(o.uren_aanwezig),
                    uren_taal=float(o.uren_taal),
                    uren_participatie=float(o.uren_participatie),
                    uren_gecontracteerd=o.uren_gecontracteerd,
                    niveau=o.niveau,
                    eindresultaat=o.eindresultaat,
                    eindresultaat_datum=o.eindresultaat_datum,
                    aanwezigheid=[
                        AanwezigheidsperiodeRead(
                            periode_van=p.periode_van,
                            periode_tot=p.periode_tot,
                            uren_aanwezig=float(p.uren_aanwezig) if p.uren_aanwezig is not None else None,
                            uren_afwezig_geoorloofd=float(p.uren_afwezig_geoorloofd),
                            uren_afwezig_ongeoorloofd=float(p.uren_afwezig_ongeoorloofd),
                            aanwezigheidspercentage=percentage(
                                Decimal(str(p.uren_aanwezig or 0)), Decimal(str(p.uren_afwezig_ongeoorloofd))
                            ),
                        )
                        for p in v.perioden
                        if p.opdracht_id == o.opdracht_id
                    ],
                    resultaten=[
                        ResultaatRead(soort=r.soort, uitslag=r.uitslag, datum=r.datum, niveau=r.niveau)
                        for r in v.resultaten
                        if r.opdracht_id == o.opdracht_id
                    ],
                )
                for o in v.opdrachten
            ],
            routeadviezen=[
                RouteadviesRead(opdracht_id=a.opdracht_id, advies=a.advies, ontvangen_datum=a.ontvangen_datum)
                for a in v.adviezen
            ],
        )


class OnderdeelUitkomstRead(DomeinModel):
    id: uuid.UUID
    pip_id: uuid.UUID
    onderdeel: Literal["map", "pvt"]
    datum: Datum
    redenen: list[RedenNietBehaald]
    verwijtbaar: bool
    toelichting: str | None = None

    @classmethod
    def van(cls, uitkomst: OnderdeelUitkomst) -> OnderdeelUitkomstRead:
        return cls(
            id=uitkomst.id,
            pip_id=uitkomst.pip_id,
            onderdeel=uitkomst.onderdeel,
            datum=uitkomst.datum,
            redenen=[RedenNietBehaald(r) for r in uitkomst.redenen],
            verwijtbaar=uitkomst.verwijtbaar,
            toelichting=uitkomst.toelichting,
        )
