"""Request and response schemas of the handhaving API (JSON lowerCamelCase, like every schema of the platform).
Amounts are whole euros."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from pydantic import Field

from handhaving_api.domain.enums import (
    Beslissing,
    Boetestatus,
    Categorie,
    Handeling,
    Overtredingsoort,
    Procedurestatus,
    Rechtsmiddel,
    Rechtsmiddelstatus,
)
from handhaving_api.models import (
    Boete,
    DuoBoete,
    OvergenomenHandhaving,
    Overtreding,
    ParticipatiewetMaatregel,
    Procedurestap,
    Rechtsmiddelzaak,
    Verordening,
)
from handhaving_api.services.boetes import Overzicht
from handhaving_api.services.overdracht import Dossierdelen
from inburgering_kit.schemas import FrozenModel
from inburgering_kit.strict import GEHEEL, Datum, tekst

KorteTekst = Annotated[str, tekst(200)]
Tekst = Annotated[str, tekst(2000)]
Bedrag = Annotated[int, Field(ge=1, le=100_000, description="In hele euro's."), GEHEEL]
Treden = Annotated[list[Bedrag], Field(min_length=1, max_length=10)]
Dagen = Annotated[int, Field(ge=1, le=90), GEHEEL]


class Model(FrozenModel):
    """camelCase JSON, unknown fields refused, frozen."""


class OvertredingCreate(Model):
    """A candidate registered by hand by the klantregisseur."""

    inburgeraar_id: uuid.UUID
    soort: Overtredingsoort
    gedraging_van: Datum = Field(description="Datum (of eerste dag) van de gedraging.")
    gedraging_tot: Datum | None = Field(default=None, description="Laatste dag van de gedraging; standaard gelijk.")
    omschrijving: Tekst = Field(description="Wat er is gebeurd.")
    pip_id: uuid.UUID | None = None
    klantregisseur: KorteTekst | None = None


class OvertredingRead(Model):
    id: uuid.UUID
    inburgeraar_id: uuid.UUID
    soort: Overtredingsoort
    categorie: Categorie
    status: Procedurestatus
    gedraging_van: Datum
    gedraging_tot: Datum
    omschrijving: str | None = None
    bron: str = Field(description="`handmatig`, of het type van het event waaruit de kandidaat kwam.")
    bewijs: dict[str, object] = Field(description="Ids en codes uit het event (het bewijs), zonder persoonsgegevens.")
    pip_id: uuid.UUID | None = None
    klantregisseur: str | None = None
    voornemen_datum: Datum | None = None
    zienswijze_uiterste_datum: Datum | None = None
    voorgesteld_bedrag: int | None = None
    berekening: list[str] = Field(description="Hoe het voorgestelde bedrag is berekend, stap voor stap.")
    zienswijze_datum: Datum | None = None
    zienswijze_tijdig: bool | None = None
    besluit_datum: Datum | None = None

    @classmethod
    def van(cls, o: Overtreding) -> OvertredingRead:
        return cls(
            id=o.id,
            inburgeraar_id=o.inburgeraar_id,
            soort=Overtredingsoort(o.soort),
            categorie=Categorie(o.categorie),
            status=Procedurestatus(o.status),
            gedraging_van=o.gedraging_van,
            gedraging_tot=o.gedraging_tot,
            omschrijving=o.omschrijving,
            bron=o.bron,
            bewijs=dict(o.bewijs),
            pip_id=o.pip_id,
            klantregisseur=o.klantregisseur,
            voornemen_datum=o.voornemen_datum,
            zienswijze_uiterste_datum=o.zienswijze_uiterste_datum,
            voorgesteld_bedrag=o.voorgesteld_bedrag,
            berekening=list(o.berekening),
            zienswijze_datum=o.zienswijze_datum,
            zienswijze_tijdig=o.zienswijze_tijdig,
            besluit_datum=o.besluit_datum,
        )


class Stap(Model):
    datum: Datum = Field(description="De datum van de stap.")


class Afwijzen(Stap):
    reden: Tekst


class Waarschuwen(Stap):
    reden: Tekst | None = None


class Voornemen(Stap):
    zienswijzetermijn_dagen: Dagen | None = Field(default=None, description="Standaard 14 dagen.")
    reden: Tekst | None = None


class Zienswijze(Stap):
    samenvatting: Tekst | None = None


class Afzien(Stap):
    reden: Tekst


class Beboeten(Stap):
    verzenddatum: Datum = Field(description="Datum van verzending (bekendmaking, Awb art. 3:41).")
    bedrag: Bedrag | None = Field(
        default=None, description="Lager dan het voorstel (maatwerk); standaard het voorstel."
    )
    maatwerk_reden: Tekst | None = Field(default=None, description="Verplicht bij een lager bedrag.")
    nieuwe_verschijndatum: Datum | None = Field(
        default=None, description="Bij de brede intake verplicht: de nieuwe datum om te verschijnen."
    )
    reden: Tekst | None = None


class ProcedurestapRead(Model):
    id: uuid.UUID
    handeling: str
    status: Procedurestatus
    datum: Datum
    door: str | None = None
    door_client: str
    reden: str | None = None

    @classmethod
    def van(cls, s: Procedurestap) -> ProcedurestapRead:
        return cls(
            id=s.id,
            handeling=s.handeling,
            status=Procedurestatus(s.status),
            datum=s.datum,
            door=s.door,
            door_client=s.door_client,
            reden=s.reden,
        )


class BoeteRead(Model):
    id: uuid.UUID
    overtreding_id: uuid.UUID
    inburgeraar_id: uuid.UUID
    categorie: Categorie
    bedrag: int
    voorgesteld_bedrag: int
    berekening: list[str]
    maatwerk_reden: str | None = None
    besluit_datum: Datum
    verzend_datum: Datum
    nieuwe_verschijndatum: Datum | None = None
    status: Boetestatus
    vervangt_id: uuid.UUID | None = None
    grond: str | None = Field(
        default=None, description="`correctie`, `bezwaar` of `beroep` bij een vervangend besluit."
    )
    rechtsmiddelstatus: Rechtsmiddelstatus
    betaald_bedrag: int
    openstaand_bedrag: int

    @classmethod
    def van(cls, b: Boete) -> BoeteRead:
        staand = b.status == Boetestatus.OPGELEGD.value
        return cls(
            id=b.id,
            overtreding_id=b.overtreding_id,
            inburgeraar_id=b.inburgeraar_id,
            categorie=Categorie(b.categorie),
            bedrag=b.bedrag,
            voorgesteld_bedrag=b.voorgesteld_bedrag,
            berekening=list(b.berekening),
            maatwerk_reden=b.maatwerk_reden,
            besluit_datum=b.besluit_datum,
            verzend_datum=b.verzend_datum,
            nieuwe_verschijndatum=b.nieuwe_verschijndatum,
            status=Boetestatus(b.status),
            vervangt_id=b.vervangt_id,
            grond=b.grond,
            rechtsmiddelstatus=Rechtsmiddelstatus(b.rechtsmiddelstatus),
            betaald_bedrag=b.betaald_bedrag,
            openstaand_bedrag=b.bedrag - b.betaald_bedrag if staand else 0,
        )


class Corrigeren(Stap):
    verzenddatum: Datum
    bedrag: Bedrag
    reden: Tekst


class Betaling(Model):
    bedrag: Bedrag


class RechtsmiddelCreate(Model):
    ingediend_datum: Datum
    reden_te_laat: Tekst | None = Field(default=None, description="Verplicht na de termijn van zes weken.")


class Beslissen(Stap):
    beslissing: Beslissing
    nieuw_bedrag: Bedrag | None = Field(default=None, description="Alleen bij `deels-gegrond`: het nieuwe bedrag.")
    toelichting: Tekst | None = None


class RechtsmiddelRead(Model):
    id: uuid.UUID
    boete_id: uuid.UUID
    soort: Rechtsmiddel
    ingediend_datum: Datum
    tijdig: bool
    reden_te_laat: str | None = None
    beslissing: Beslissing | None = None
    beslist_datum: Datum | None = None
    nieuw_bedrag: int | None = None
    toelichting: str | None = None
    nieuwe_boete_id: uuid.UUID | None = None

    @classmethod
    def van(cls, z: Rechtsmiddelzaak) -> RechtsmiddelRead:
        return cls(
            id=z.id,
            boete_id=z.boete_id,
            soort=Rechtsmiddel(z.soort),
            ingediend_datum=z.ingediend_datum,
            tijdig=z.tijdig,
            reden_te_laat=z.reden_te_laat,
            beslissing=Beslissing(z.beslissing) if z.beslissing else None,
            beslist_datum=z.beslist_datum,
            nieuw_bedrag=z.nieuw_bedrag,
            toelichting=z.toelichting,
            nieuwe_boete_id=z.nieuwe_boete_id,
        )


class VerordeningCreate(Model):
    """A new version of the gemeente's ladder: per categorie the amount of the 1st, 2nd, ... overtreding."""

    ingangsdatum: Datum
    brede_intake: Treden = Field(description="Hooguit € 250 per trede (Wi art. 23).")
    pip: Treden = Field(description="Hooguit € 800 per trede (Wi art. 23).")


class VerordeningRead(Model):
    id: uuid.UUID
    ingangsdatum: Datum
    brede_intake: list[int]
    pip: list[int]

    @classmethod
    def van(cls, v: Verordening) -> VerordeningRead:
        return cls(id=v.id, ingangsdatum=v.ingangsdatum, brede_intake=list(v.brede_intake), pip=list(v.pip))


class MaatregelCreate(Model):
    inburgeraar_id: uuid.UUID
    periode_van: Datum
    periode_tot: Datum | None = Field(default=None, description="Leeg zolang de maatregel loopt.")
    gedraging_referentie: KorteTekst = Field(description="Kenmerk van de gedraging in het Participatiewet-dossier.")
    overtreding_id: uuid.UUID | None = Field(default=None, description="De overtreding waar de maatregel over gaat.")
    besluit_datum: Datum


class MaatregelRead(Model):
    id: uuid.UUID
    inburgeraar_id: uuid.UUID
    periode_van: Datum
    periode_tot: Datum | None = None
    gedraging_referentie: str
    overtreding_id: uuid.UUID | None = None
    besluit_datum: Datum

    @classmethod
    def van(cls, m: ParticipatiewetMaatregel) -> MaatregelRead:
        return cls(
            id=m.id,
            inburgeraar_id=m.inburgeraar_id,
            periode_van=m.periode_van,
            periode_tot=m.periode_tot,
            gedraging_referentie=m.gedraging_referentie,
            overtreding_id=m.overtreding_id,
            besluit_datum=m.besluit_datum,
        )


class DuoBoeteCreate(Model):
    inburgeraar_id: uuid.UUID
    kenmerk: KorteTekst = Field(description="DUO's kenmerk van het besluit; eenmaal per gemeente.")
    besluit_datum: Datum
    bedrag: Bedrag
    reden: KorteTekst = Field(description="Code van de reden bij DUO.")


class DuoBoeteRead(Model):
    id: uuid.UUID
    inburgeraar_id: uuid.UUID
    kenmerk: str
    besluit_datum: Datum
    bedrag: int
    reden: str

    @classmethod
    def van(cls, d: DuoBoete) -> DuoBoeteRead:
        return cls(
            id=d.id,
            inburgeraar_id=d.inburgeraar_id,
            kenmerk=d.kenmerk,
            besluit_datum=d.besluit_datum,
            bedrag=d.bedrag,
            reden=d.reden,
        )


class OverzichtRead(Model):
    inburgeraar_id: uuid.UUID
    opgelegd_brede_intake: int = Field(description="Som van de staande boetes voor de brede intake.")
    opgelegd_pip: int = Field(description="Som van de staande boetes voor het PIP.")
    betaald: int = Field(description="Betaald, zoals geregistreerd.")
    openstaand: int
    ruimte_onder_plafond: int = Field(description="Wat onder het plafond van € 2.400 voor het PIP resteert.")
    boetes: list[BoeteRead] = Field(description="Alle besluiten, ook vervangen en vernietigde.")
    duo_boetes: list[DuoBoeteRead]
    duo_totaal: int

    @classmethod
    def van(cls, o: Overzicht) -> OverzichtRead:
        return cls(
            inburgeraar_id=o.inburgeraar_id,
            opgelegd_brede_intake=o.opgelegd_brede_intake,
            opgelegd_pip=o.opgelegd_pip,
            betaald=o.betaald,
            openstaand=o.openstaand,
            ruimte_onder_plafond=o.ruimte_pip,
            boetes=[BoeteRead.van(b) for b in o.boetes],
            duo_boetes=[DuoBoeteRead.van(d) for d in o.duo_boetes],
            duo_totaal=o.duo_totaal,
        )


# --- The dossier transfer on a move (Besluit art. 9.4 lid 4) -----------------------------------------------------
# What `GET /overdrachtsdossiers/{inburgeraarId}` gives is exactly what `PUT /overdrachten/{overdrachtId}` takes in
# as `dossier` at the new gemeente, checked against these same models (unknown fields refused, every invalid field
# named). Ids are the old gemeente's: they tie the parts together, they are no resource here.
Vrij = Annotated[str, Field(max_length=4000)]


class OverdrachtStap(Model):
    """A step of the procedure as taken at the old gemeente (without the employee who took it)."""

    handeling: Handeling
    status: Procedurestatus
    datum: Datum
    reden: Vrij | None = None

    @classmethod
    def van(cls, s: Procedurestap) -> OverdrachtStap:
        return cls(handeling=Handeling(s.handeling), status=Procedurestatus(s.status), datum=s.datum, reden=s.reden)


class OverdrachtOvertreding(Model):
    """A candidate or overtreding, with where its procedure stood and every step of it."""

    id: uuid.UUID
    soort: Overtredingsoort
    categorie: Categorie
    status: Procedurestatus
    gedraging_van: Datum
    gedraging_tot: Datum
    omschrijving: Vrij | None = None
    bron: Annotated[str, Field(max_length=100)] = Field(
        description="`handmatig`, of het type van het event waaruit de kandidaat kwam."
    )
    voornemen_datum: Datum | None = None
    zienswijze_uiterste_datum: Datum | None = None
    voorgesteld_bedrag: Annotated[int, Field(ge=0)] | None = None
    zienswijze_datum: Datum | None = None
    zienswijze_tijdig: bool | None = None
    besluit_datum: Datum | None = None
    stappen: list[OverdrachtStap] = Field(description="De gezette stappen, in volgorde.")

    @classmethod
    def van(cls, o: Overtreding, stappen: Sequence[Procedurestap]) -> OverdrachtOvertreding:
        return cls(
            id=o.id,
            soort=Overtredingsoort(o.soort),
            categorie=Categorie(o.categorie),
            status=Procedurestatus(o.status),
            gedraging_van=o.gedraging_van,
            gedraging_tot=o.gedraging_tot,
            omschrijving=o.omschrijving,
            bron=o.bron,
            voornemen_datum=o.voornemen_datum,
            zienswijze_uiterste_datum=o.zienswijze_uiterste_datum,
            voorgesteld_bedrag=o.voorgesteld_bedrag,
            zienswijze_datum=o.zienswijze_datum,
            zienswijze_tijdig=o.zienswijze_tijdig,
            besluit_datum=o.besluit_datum,
            stappen=[OverdrachtStap.van(s) for s in stappen],
        )


class OverdrachtWaarschuwing(Model):
    """A warning given (seed 002 tabel stap 3). At the new gemeente a warning of the same categorie counts for the
    step to a voornemen: the person was warned."""

    overtreding_id: uuid.UUID
    soort: Overtredingsoort
    categorie: Categorie
    datum: Datum


class OverdrachtRechtsmiddel(Model):
    soort: Rechtsmiddel
    ingediend_datum: Datum
    tijdig: bool
    reden_te_laat: Vrij | None = None
    beslissing: Beslissing | None = None
    beslist_datum: Datum | None = None
    nieuw_bedrag: Annotated[int, Field(ge=0)] | None = None
    toelichting: Vrij | None = None
    nieuwe_boete_id: uuid.UUID | None = None

    @classmethod
    def van(cls, z: Rechtsmiddelzaak) -> OverdrachtRechtsmiddel:
        return cls(
            soort=Rechtsmiddel(z.soort),
            ingediend_datum=z.ingediend_datum,
            tijdig=z.tijdig,
            reden_te_laat=z.reden_te_laat,
            beslissing=Beslissing(z.beslissing) if z.beslissing else None,
            beslist_datum=z.beslist_datum,
            nieuw_bedrag=z.nieuw_bedrag,
            toelichting=z.toelichting,
            nieuwe_boete_id=z.nieuwe_boete_id,
        )


class OverdrachtBoete(Model):
    """A boetebesluit of the old gemeente: amount, reason (the gedraging), dates, how it stands in bezwaar and
    beroep. Reported to DUO and CBS by the old gemeente; never again by the new one."""

    id: uuid.UUID
    overtreding_id: uuid.UUID
    soort: Overtredingsoort = Field(description="De reden: de gedraging waarvoor de boete is opgelegd.")
    categorie: Categorie
    bedrag: Annotated[int, Field(ge=0, description="In hele euro's.")]
    voorgesteld_bedrag: Annotated[int, Field(ge=0)]
    berekening: list[Annotated[str, Field(max_length=1000)]]
    maatwerk_reden: Vrij | None = None
    besluit_datum: Datum
    verzend_datum: Datum
    nieuwe_verschijndatum: Datum | None = None
    status: Boetestatus
    vervangt_id: uuid.UUID | None = None
    grond: Annotated[str, Field(max_length=20)] | None = Field(
        default=None, description="`correctie`, `bezwaar` of `beroep` bij een vervangend besluit."
    )
    rechtsmiddelstatus: Rechtsmiddelstatus
    betaald_bedrag: Annotated[int, Field(ge=0)]
    openstaand_bedrag: Annotated[int, Field(ge=0)]
    rechtsmiddelen: list[OverdrachtRechtsmiddel] = Field(description="Bezwaar en beroep tegen dit besluit.")

    @classmethod
    def van(cls, b: Boete, soort: str, zaken: Sequence[Rechtsmiddelzaak]) -> OverdrachtBoete:
        staand = b.status == Boetestatus.OPGELEGD.value
        return cls(
            id=b.id,
            overtreding_id=b.overtreding_id,
            soort=Overtredingsoort(soort),
            categorie=Categorie(b.categorie),
            bedrag=b.bedrag,
            voorgesteld_bedrag=b.voorgesteld_bedrag,
            berekening=list(b.berekening),
            maatwerk_reden=b.maatwerk_reden,
            besluit_datum=b.besluit_datum,
            verzend_datum=b.verzend_datum,
            nieuwe_verschijndatum=b.nieuwe_verschijndatum,
            status=Boetestatus(b.status),
            vervangt_id=b.vervangt_id,
            grond=b.grond,
            rechtsmiddelstatus=Rechtsmiddelstatus(b.rechtsmiddelstatus),
            betaald_bedrag=b.betaald_bedrag,
            openstaand_bedrag=max(b.bedrag - b.betaald_bedrag, 0) if staand else 0,
            rechtsmiddelen=[OverdrachtRechtsmiddel.van(z) for z in zaken],
        )


class OverdrachtDuoBoete(Model):
    """A boete DUO imposed, as the old gemeente received it."""

    kenmerk: Annotated[str, Field(max_length=200)]
    besluit_datum: Datum
    bedrag: Annotated[int, Field(ge=0)]
    reden: Annotated[str, Field(max_length=200)]


class OverdrachtMaatregel(Model):
    """A Participatiewet maatregel of the old gemeente (Wi art. 27)."""

    periode_van: Datum
    periode_tot: Datum | None = None
    gedraging_referentie: Annotated[str, Field(max_length=200)]
    overtreding_id: uuid.UUID | None = None
    besluit_datum: Datum


class Overdrachtsdossier(Model):
    """The enforcement part of the dossier of one person, as the old gemeente hands it to the new one on a move
    (Besluit inburgering 2021 art. 9.4 lid 4). Empty lists when the person has no enforcement history."""

    inburgeraar_id: uuid.UUID = Field(description="De inburgeraar bij de vorige gemeente.")
    overtredingen: list[OverdrachtOvertreding] = Field(
        description="Kandidaten en overtredingen met hun procedure: voornemens, zienswijzen, besluiten."
    )
    waarschuwingen: list[OverdrachtWaarschuwing] = Field(description="De gegeven waarschuwingen.")
    boetes: list[OverdrachtBoete] = Field(
        description="Alle boetebesluiten van de gemeente, ook vervangen en vernietigde, met bezwaar en beroep."
    )
    duo_boetes: list[OverdrachtDuoBoete] = Field(description="De boetes van DUO zoals de gemeente ze ontving.")
    participatiewet_maatregelen: list[OverdrachtMaatregel]
    eerdere_gemeenten: list[OverdrachtEerdereGemeente] = Field(
        description="Wat deze gemeente zelf bij een eerdere verhuizing overnam, zoals ze het kreeg."
    )

    @classmethod
    def van(cls, d: Dossierdelen) -> Overdrachtsdossier:
        soort = {o.id: o.soort for o in d.overtredingen}
        waarschuwingen = [
            OverdrachtWaarschuwing(
                overtreding_id=o.id,
                soort=Overtredingsoort(o.soort),
                categorie=Categorie(o.categorie),
                datum=s.datum,
            )
            for o in d.overtredingen
            for s in d.stappen.get(o.id, [])
            if s.handeling == Handeling.WAARSCHUWEN.value
        ]
        return cls(
            inburgeraar_id=d.inburgeraar_id,
            overtredingen=[OverdrachtOvertreding.van(o, d.stappen.get(o.id, [])) for o in d.overtredingen],
            waarschuwingen=sorted(waarschuwingen, key=lambda w: (w.datum, str(w.overtreding_id))),
            boetes=[OverdrachtBoete.van(b, soort[b.overtreding_id], d.rechtsmiddelen.get(b.id, [])) for b in d.boetes],
            duo_boetes=[
                OverdrachtDuoBoete(kenmerk=x.kenmerk, besluit_datum=x.besluit_datum, bedrag=x.bedrag, reden=x.reden)
                for x in d.duo_boetes
            ],
            participatiewet_maatregelen=[
                OverdrachtMaatregel(
                    periode_van=m.periode_van,
                    periode_tot=m.periode_tot,
                    gedraging_referentie=m.gedraging_referentie,
                    overtreding_id=m.overtreding_id,
                    besluit_datum=m.besluit_datum,
                )
                for m in d.maatregelen
            ],
            eerdere_gemeenten=[
                OverdrachtEerdereGemeente(
                    van_gemeente=o.van_gemeente,
                    verhuisdatum=o.verhuisdatum,
                    dossier=Overdrachtsdossier.model_validate(o.dossier),
                )
                for o in d.overgenomen
            ],
        )


class OverdrachtEerdereGemeente(Model):
    """History the old gemeente had itself taken over from a gemeente before it, passed on unchanged."""

    van_gemeente: Annotated[str, Field(pattern=r"^[0-9]{4}$")]
    verhuisdatum: Datum | None = None
    dossier: Overdrachtsdossier


Overdrachtsdossier.model_rebuild()


class OvergenomenHandhavingRead(Model):
    """Enforcement history of this gemeente's person taken over from the previous gemeente on a move: read-only,
    never counted in this gemeente's work lists, monitoring, CBS delivery or reports to DUO."""

    overdracht_id: uuid.UUID
    inburgeraar_id: uuid.UUID = Field(description="De inburgeraar bij deze (nieuwe) gemeente.")
    geimporteerd: bool = Field(default=True, description="Altijd `true`: overgenomen, niet van deze gemeente.")
    van_gemeente: str = Field(description="De vorige gemeente, die deze geschiedenis opbouwde en rapporteerde.")
    verhuisdatum: Datum | None = None
    overgenomen_op: datetime
    dossier: Overdrachtsdossier

    @classmethod
    def van(cls, o: OvergenomenHandhaving) -> OvergenomenHandhavingRead:
        return cls(
            overdracht_id=o.id,
            inburgeraar_id=o.inburgeraar_id,
            van_gemeente=o.van_gemeente,
            verhuisdatum=o.verhuisdatum,
            overgenomen_op=o.created_at,
            dossier=Overdrachtsdossier.model_validate(o.dossier),
        )
