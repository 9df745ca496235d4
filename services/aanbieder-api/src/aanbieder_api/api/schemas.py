"""Request and response schemas of the Aanbieder API (JSON lowerCamelCase, like every schema of the platform).

The provider's view of an opdracht (`ToegewezenOpdrachtRead`) is a schema of its own: it has no field that could
carry the BSN, the inburgeraar's id or the PIP's id, so no code path can leak them to an aanbieder.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field

from aanbieder_api.domain.aanbieder import (
    AanbiederInhoud,
    Contactpersoon,
    ContractInhoud,
    Diensten,
    DomeinModel,
    Keurmerk,
    KorteTekst,
    KvkNummer,
    Tekst,
)
from aanbieder_api.domain.enums import (
    AanleveringStatus,
    Dienst,
    Kanaal,
    Leerroute,
    Meldingsoort,
    OpdrachtStatus,
    Taalniveau,
)
from aanbieder_api.domain.melding import MELDING, Melding
from aanbieder_api.domain.opdracht import Deelnemercontact, OpdrachtInhoud
from aanbieder_api.domain.overdracht import Overdrachtsdossier
from aanbieder_api.domain.stand import Stand, Urensom
from aanbieder_api.models import (
    Aanbieder,
    Aanlevering,
    AanleveringAfwijzing,
    ApiClient,
    Contract,
    Opdracht,
    OpdrachtVersie,
    OvergenomenVoortgang,
)
from aanbieder_api.models import Melding as MeldingRecord
from inburgering_kit.problems import InvalidParam
from inburgering_kit.strict import Datum, weglaatbaar

ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9\-_.:@]{3,200}$", description="`client_id` van het systeem.")]


class AanbiederCreate(AanbiederInhoud):
    """Een aanbieder registreren bij deze gemeente."""


class AanbiederUpdate(DomeinModel):
    """Alleen de meegestuurde velden veranderen; `null` wist een optioneel veld (het keurmerk). Naam, KvK-nummer,
    diensten en contactpersonen heeft elke aanbieder: die zijn niet met `null` leeg te maken."""

    naam: KorteTekst = weglaatbaar()
    kvk_nummer: KvkNummer = weglaatbaar()
    diensten: Diensten = weglaatbaar()
    keurmerk: Keurmerk | None = None
    contactpersonen: Annotated[tuple[Contactpersoon, ...], Field(max_length=20)] = weglaatbaar()

    def wijzigingen(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields_set}


class AanbiederRead(DomeinModel):
    id: uuid.UUID
    naam: str
    kvk_nummer: str
    diensten: list[Dienst]
    keurmerk: Keurmerk | None
    keurmerk_geldig: bool = Field(description="Of het keurmerk vandaag geldig is.")
    contactpersonen: list[Contactpersoon]
    geregistreerd_op: datetime

    @classmethod
    def van(cls, a: Aanbieder, vandaag: date) -> AanbiederRead:
        keurmerk = Keurmerk.model_validate(a.keurmerk) if a.keurmerk else None
        return cls(
            id=a.id, naam=a.naam, kvk_nummer=a.kvk_nummer, diensten=[Dienst(d) for d in a.diensten], keurmerk=keurmerk,
            keurmerk_geldig=keurmerk is not None and keurmerk.geldig_op(vandaag),
            contactpersonen=[Contactpersoon.model_validate(c) for c in a.contactpersonen],
            geregistreerd_op=a.created_at,
        )  # fmt: skip


class ContractCreate(ContractInhoud):
    """Een contract van deze gemeente met de aanbieder: periode, diensten en uren."""


class ContractRead(ContractInhoud):
    id: uuid.UUID
    aanbieder_id: uuid.UUID
    vastgelegd_op: datetime

    @classmethod
    def van(cls, c: Contract) -> ContractRead:
        return cls.model_validate({**c.inhoud, "id": c.id, "aanbiederId": c.aanbieder_id, "vastgelegdOp": c.created_at})


class ApiClientCreate(DomeinModel):
    client_id: ClientId
    omschrijving: KorteTekst


class ApiClientRead(DomeinModel):
    client_id: str
    aanbieder_id: uuid.UUID
    omschrijving: str
    geregistreerd_op: datetime
    ingetrokken_op: datetime | None

    @classmethod
    def van(cls, c: ApiClient) -> ApiClientRead:
        return cls(
            client_id=c.client_id, aanbieder_id=c.aanbieder_id, omschrijving=c.omschrijving,
            geregistreerd_op=c.created_at, ingetrokken_op=c.ingetrokken_at,
        )  # fmt: skip


class OpdrachtCreate(DomeinModel):
    """Een onderdeel van een vastgesteld PIP als opdracht aan een aanbieder verstrekken; de leerbaarheidstoets en de
    maatschappelijke begeleiding al vanaf de registratie, zonder PIP: dan noemt de opdracht de inburgeraar."""

    pip_id: uuid.UUID | None = Field(
        default=None,
        description="Het vastgestelde PIP; niet nodig voor leerbaarheidstoets en maatschappelijke begeleiding.",
    )
    inburgeraar_id: uuid.UUID | None = Field(
        default=None, description="De geregistreerde inburgeraar; verplicht zonder `pipId`, anders die van het PIP."
    )
    aanbieder_id: uuid.UUID
    onderdeel: Dienst
    inhoud: OpdrachtInhoud


class OpdrachtUpdate(DomeinModel):
    """De velden van de inhoud die veranderen; `null` wist een optioneel veld."""

    deelnemer: Deelnemercontact | None = None
    afspraken: tuple[Tekst, ...] | None = Field(default=None, max_length=30)
    leerroute: Leerroute | None = None
    taalniveau_pip: Taalniveau | None = None
    geplande_startdatum: Datum | None = None
    geplande_einddatum: Datum | None = None
    cursusnaam: KorteTekst | None = None
    cursusonderdelen: tuple[KorteTekst, ...] | None = Field(default=None, max_length=30)
    uren: Annotated[int, Field(ge=0, le=10_000)] | None = None
    map_intensiteit: KorteTekst | None = None
    doelen: tuple[Tekst, ...] | None = Field(default=None, max_length=30)
    wettelijke_termijn: Datum | None = None
    pip_wijzigingen: tuple[Tekst, ...] | None = Field(default=None, max_length=50)

    def wijzigingen(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.model_fields_set}


class OpdrachtWijzigen(DomeinModel):
    wijzigingen: OpdrachtUpdate
    reden: Tekst


class OpdrachtIntrekken(DomeinModel):
    reden: Tekst


class StandRead(Stand):
    """Wat de meldingen tot nu toe opleveren."""

    uren_gecontracteerd: int | None = Field(description="Te besteden uren volgens de opdracht.")


def _stand(o: Opdracht) -> StandRead:
    return StandRead.model_validate({**o.stand, "urenGecontracteerd": o.inhoud.get("uren")})


class ToegewezenOpdrachtRead(DomeinModel):
    """Een opdracht zoals de aanbieder hem ziet: zonder BSN, zonder id van de inburgeraar of het PIP."""

    id: uuid.UUID
    deelnemer_referentie: str = Field(description="Pseudoniem van de deelnemer, eigen aan deze aanbieder.")
    onderdeel: Dienst
    status: OpdrachtStatus
    versie: int
    inhoud: OpdrachtInhoud
    stand: StandRead
    verstrekt_op: datetime
    gewijzigd_op: datetime = Field(description="Laatste wijziging van de inhoud; voor `gewijzigdSinds`.")

    @classmethod
    def van(cls, o: Opdracht) -> ToegewezenOpdrachtRead:
        return cls(
            id=o.id, deelnemer_referentie=o.deelnemer_referentie, onderdeel=Dienst(o.onderdeel),
            status=OpdrachtStatus(o.status), versie=o.versie, inhoud=OpdrachtInhoud.model_validate(o.inhoud),
            stand=_stand(o), verstrekt_op=o.created_at, gewijzigd_op=o.gewijzigd_at,
        )  # fmt: skip


class OpdrachtRead(ToegewezenOpdrachtRead):
    """Een opdracht zoals de gemeente hem ziet."""

    pip_id: uuid.UUID | None = Field(description="Leeg bij een opdracht van vóór het PIP.")
    inburgeraar_id: uuid.UUID
    aanbieder_id: uuid.UUID
    pip_versie: int | None = Field(
        description="De versie van het PIP waartegen de opdracht het laatst is bekeken; leeg zonder PIP."
    )
    pip_te_herzien: bool = Field(description="Het PIP is sindsdien gewijzigd; de klantregisseur bekijkt de opdracht.")
    laatste_melding_op: datetime | None

    @classmethod
    def van_gemeente(cls, o: Opdracht, actuele_pip_versie: int | None) -> OpdrachtRead:
        basis = ToegewezenOpdrachtRead.van(o).model_dump(by_alias=False)
        te_herzien = actuele_pip_versie is not None and o.pip_versie is not None and actuele_pip_versie > o.pip_versie
        return cls(
            **basis, pip_id=o.pip_id, inburgeraar_id=o.inburgeraar_id, aanbieder_id=o.aanbieder_id,
            pip_versie=o.pip_versie, pip_te_herzien=te_herzien, laatste_melding_op=o.laatste_melding_at,
        )  # fmt: skip


class OpdrachtVersieRead(DomeinModel):
    versie: int
    inhoud: OpdrachtInhoud
    gewijzigde_velden: list[str] = Field(description="Velden van de inhoud die in deze versie veranderden.")
    reden: str | None
    gewijzigd_op: datetime

    @classmethod
    def van(cls, v: OpdrachtVersie) -> OpdrachtVersieRead:
        return cls(
            versie=v.versie, inhoud=OpdrachtInhoud.model_validate(v.inhoud), gewijzigde_velden=v.gewijzigde_velden,
            reden=v.reden, gewijzigd_op=v.created_at,
        )  # fmt: skip


class MeldingRead(DomeinModel):
    id: uuid.UUID
    opdracht_id: uuid.UUID
    soort: Meldingsoort
    kanaal: Kanaal
    gemeld_op: datetime
    melding: Melding
    aanlevering_id: uuid.UUID | None = Field(default=None, description="Het bestand waarin de melding stond.")

    @classmethod
    def van(cls, m: MeldingRecord) -> MeldingRead:
        return cls(
            id=m.id, opdracht_id=m.opdracht_id, soort=Meldingsoort(m.soort), kanaal=Kanaal(m.kanaal),
            gemeld_op=m.gemeld_at, melding=MELDING.validate_python(m.gegevens), aanlevering_id=m.aanlevering_id,
        )  # fmt: skip


class GemeenteMeldingRead(MeldingRead):
    aanbieder_id: uuid.UUID
    gemeld_door: str = Field(description="De client die meldde (en de gebruiker, bij het portaal).")

    @classmethod
    def van_gemeente(cls, m: MeldingRecord) -> GemeenteMeldingRead:
        door = m.actor_client + (f" ({m.actor_user})" if m.actor_user else "")
        return cls(**MeldingRead.van(m).model_dump(by_alias=False), aanbieder_id=m.aanbieder_id, gemeld_door=door)


class AanleveringRead(DomeinModel):
    id: uuid.UUID
    aanbieder_id: uuid.UUID
    formaat: str
    bestandsnaam: str | None
    grootte: int = Field(description="Bytes.")
    sha256: str
    status: AanleveringStatus
    regels_totaal: int
    regels_verwerkt: int = Field(description="Regelnummer tot waar verwerkt (de kopregel van een CSV telt als 1).")
    geaccepteerd: int
    afgewezen: int
    overgeslagen: int = Field(description="Regels die al eerder precies zo gemeld waren: er veranderde niets.")
    ontvangen_op: datetime
    afgerond_op: datetime | None

    @classmethod
    def van(cls, a: Aanlevering) -> AanleveringRead:
        return cls(
            id=a.id, aanbieder_id=a.aanbieder_id, formaat=a.formaat, bestandsnaam=a.bestandsnaam, grootte=a.grootte,
            sha256=a.bestand_hash, status=AanleveringStatus(a.status), regels_totaal=a.regels_totaal,
            regels_verwerkt=a.regels_verwerkt, geaccepteerd=a.geaccepteerd, afgewezen=a.afgewezen,
            overgeslagen=a.overgeslagen, ontvangen_op=a.created_at, afgerond_op=a.afgerond_at,
        )  # fmt: skip


class AfwijzingRead(DomeinModel):
    regel: int
    fouten: list[InvalidParam]

    @classmethod
    def van(cls, a: AanleveringAfwijzing) -> AfwijzingRead:
        return cls(regel=a.regel, fouten=[InvalidParam.model_validate(f) for f in a.fouten])


class Meldachterstand(DomeinModel):
    opdracht_id: uuid.UUID
    aanbieder_id: uuid.UUID
    onderdeel: Dienst
    norm: str
    bron: str
    verwacht_uiterlijk: date
    laatst_gemeld_tot: date | None = Field(description="Einde van de laatst gemelde periode (bij aanwezigheid).")
    dagen_te_laat: int


class Meldgedrag(DomeinModel):
    aanbieder_id: uuid.UUID
    opdrachten_lopend: int
    meldingen: int
    laatste_melding_op: datetime | None
    achterstanden: int
    uren_aanwezig: Urensom
    uren_gecontracteerd: int


class OvergenomenVoortgangRead(DomeinModel):
    """Voortgang bij aanbieders die bij een verhuizing van de vorige gemeente is overgenomen: alleen-lezen
    geschiedenis, geen opdracht van deze gemeente; aanbieders zien haar niet."""

    overdracht_id: uuid.UUID
    inburgeraar_id: uuid.UUID = Field(description="De inburgeraar bij deze (nieuwe) gemeente.")
    geimporteerd: bool = Field(description="Altijd waar: overgenomen van een andere gemeente, niet zelf verstrekt.")
    van_gemeente: str = Field(description="De vorige gemeente.")
    verhuisdatum: date | None
    overgenomen_op: datetime
    dossier: Overdrachtsdossier

    @classmethod
    def van(cls, r: OvergenomenVoortgang) -> OvergenomenVoortgangRead:
        return cls(
            overdracht_id=r.overdracht_id, inburgeraar_id=r.inburgeraar_id, geimporteerd=True,
            van_gemeente=r.van_gemeente, verhuisdatum=r.verhuisdatum, overgenomen_op=r.created_at,
            dossier=Overdrachtsdossier.model_validate(r.dossier),
        )  # fmt: skip
