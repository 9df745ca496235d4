"""The inburgeringsplicht as DUO delivers it: an append-only list of mutations, folded into the current stand.

DUO alone determines the plicht, its termijnen, vrijstelling, ontheffing and verlenging (DOMAIN §2 step 1,
§3 "From DUO"; handreiking-gegevensverwerking-privacy.txt, "Gegevenslevering aan gemeenten", DUO items a–x).
The gemeente never edits these facts: every change arrives as a new mutation with its ingangsdatum, source
and DUO's kenmerk, and the stand is derived, so the history answers "what did we know, from when".

JSON: lowerCamelCase via the alias generator of `DomeinModel` (see `basis`); `soort` is the discriminator, so
the API accepts exactly one shape per soort and refuses unknown fields. `soort` has no default, not even in
Python: a default would make it optional in the JSON schema while the union cannot do without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal, Self

from pydantic import Field, TypeAdapter, model_validator

from inburgeraar_api.domain.basis import DomeinModel, KorteTekst, Tekst
from inburgeraar_api.domain.enums import Doelgroep, Omvang, PlichtMutatieSoort, PlichtOnderdeel, Termijnsoort
from inburgering_kit.problems import Unprocessable, invalid
from inburgering_kit.strict import GEHEEL, Datum, JaNee

_BRON_DUO = "handreiking-gegevensverwerking-privacy.txt, Gegevenslevering aan gemeenten door DUO"


# --- Mutations ---------------------------------------------------------------------------------------


class _PlichtMutatieBasis(DomeinModel):
    ingangsdatum: Datum
    bron: KorteTekst = Field(description='Wie het feit leverde, bijvoorbeeld "DUO".')
    kenmerk: KorteTekst | None = Field(default=None, description="Het kenmerk van de bron (DUO-referentie).")


class PlichtVastgesteld(_PlichtMutatieBasis):
    soort: Literal[PlichtMutatieSoort.PLICHT_VASTGESTELD]
    doelgroep: Doelgroep | None = None
    verblijfsdoel: KorteTekst | None = None


class PlichtGewijzigd(_PlichtMutatieBasis):
    """A change of the plicht itself, for example after a change of verblijfsdoel."""

    soort: Literal[PlichtMutatieSoort.PLICHT_GEWIJZIGD]
    doelgroep: Doelgroep | None = None
    verblijfsdoel: KorteTekst | None = None
    reden: Tekst | None = None

    @model_validator(mode="after")
    def _wijzigt_iets(self) -> Self:
        if self.doelgroep is None and self.verblijfsdoel is None:
            raise ValueError("een plicht-gewijzigd noemt een nieuwe doelgroep of een nieuw verblijfsdoel")
        return self


class PlichtVervallen(_PlichtMutatieBasis):
    soort: Literal[PlichtMutatieSoort.PLICHT_VERVALLEN]
    reden: Tekst | None = None


class _OmvangMutatie(_PlichtMutatieBasis):
    omvang: Omvang
    onderdelen: tuple[PlichtOnderdeel, ...] = ()

    @model_validator(mode="after")
    def _onderdelen_passen_bij_omvang(self) -> Self:
        if self.omvang is Omvang.GEDEELTELIJKE and not self.onderdelen:
            raise ValueError("een gedeeltelijke vrijstelling of ontheffing noemt ten minste één onderdeel")
        if self.omvang is Omvang.GEHELE and self.onderdelen:
            raise ValueError("een gehele vrijstelling of ontheffing noemt geen onderdelen")
        if len(set(self.onderdelen)) != len(self.onderdelen):
            raise ValueError("elk onderdeel komt één keer voor")
        return self


class Vrijstelling(_OmvangMutatie):
    soort: Literal[PlichtMutatieSoort.VRIJSTELLING]


class Ontheffing(_OmvangMutatie):
    # No field for the grounds: an ontheffing is often asked for medical reasons, and medical grounds may not
    # be recorded anywhere (handreiking-gegevensverwerking-privacy.txt, "Gezondheidsgegevens").
    soort: Literal[PlichtMutatieSoort.ONTHEFFING]


class AangepasteExamenomstandigheden(_PlichtMutatieBasis):
    soort: Literal[PlichtMutatieSoort.AANGEPASTE_EXAMENOMSTANDIGHEDEN]
    onderdelen: tuple[PlichtOnderdeel, ...] = Field(
        default=(), description="De examenonderdelen waarvoor de aanpassing geldt; leeg is het hele examen."
    )
    # What is adjusted (extra time, large print), never why: the why is usually medical.
    aanpassingen: Tekst | None = None


class RechtMaatschappelijkeBegeleiding(_PlichtMutatieBasis):
    soort: Literal[PlichtMutatieSoort.RECHT_MAATSCHAPPELIJKE_BEGELEIDING]
    recht: JaNee


class TermijnVastgesteld(_PlichtMutatieBasis):
    soort: Literal[PlichtMutatieSoort.TERMIJN_VASTGESTELD]
    termijn: Termijnsoort
    begindatum: Datum | None = None
    einddatum: Datum

    @model_validator(mode="after")
    def _begin_voor_eind(self) -> Self:
        if self.begindatum is not None and self.begindatum >= self.einddatum:
            raise ValueError("de begindatum ligt vóór de einddatum")
        return self


class TermijnGewijzigd(_PlichtMutatieBasis):
    soort: Literal[PlichtMutatieSoort.TERMIJN_GEWIJZIGD]
    termijn: Termijnsoort
    nieuwe_einddatum: Datum
    reden: Tekst


class Verlenging(_PlichtMutatieBasis):
    """A granted verlenging (handreiking-gegevensverwerking-privacy.txt, DUO items v–x).

    A refused request changes no termijn, so it is no mutation here.
    """

    soort: Literal[PlichtMutatieSoort.VERLENGING]
    termijn: Termijnsoort
    nieuwe_einddatum: Datum
    reden: Tekst


class Examenresultaat(_PlichtMutatieBasis):
    """One exam attempt of one part and its result (handreiking, DUO items: examenpogingen en -resultaten)."""

    soort: Literal[PlichtMutatieSoort.EXAMENRESULTAAT]
    # The onderwijsroute has its own exam (DUO's examenonderdelen), which is no part of a vrijstelling.
    onderdeel: PlichtOnderdeel | Literal["onderwijsroute"]
    examendatum: Datum
    behaald: JaNee
    poging: Annotated[int, Field(ge=1, le=50), GEHEEL] | None = None
    niveau: Literal["A1", "A2", "B1", "B2"] | None = None


class Diploma(_PlichtMutatieBasis):
    soort: Literal[PlichtMutatieSoort.DIPLOMA]
    diplomadatum: Datum
    niveau: Literal["A1", "A2", "B1", "B2"] | None = None


class Certificaat(_PlichtMutatieBasis):
    soort: Literal[PlichtMutatieSoort.CERTIFICAAT]
    certificaatdatum: Datum


class VerlengingAangevraagd(_PlichtMutatieBasis):
    soort: Literal[PlichtMutatieSoort.VERLENGING_AANGEVRAAGD]
    termijn: Termijnsoort
    aanvraagdatum: Datum
    # What the person states as circumstances, as DUO passes it on; never a diagnosis (DOMAIN §4).
    reden: Tekst | None = None


class VerlengingAfgewezen(_PlichtMutatieBasis):
    """A refused verlenging: the termijn stays as it was; the refusal is history the klantregisseur must see."""

    soort: Literal[PlichtMutatieSoort.VERLENGING_AFGEWEZEN]
    termijn: Termijnsoort
    reden: Tekst | None = None


PlichtMutatie = Annotated[
    PlichtVastgesteld
    | PlichtGewijzigd
    | PlichtVervallen
    | Vrijstelling
    | Ontheffing
    | AangepasteExamenomstandigheden
    | RechtMaatschappelijkeBegeleiding
    | TermijnVastgesteld
    | TermijnGewijzigd
    | Verlenging
    | Examenresultaat
    | Diploma
    | Certificaat
    | VerlengingAangevraagd
    | VerlengingAfgewezen,
    Field(discriminator="soort"),
]
TermijnMutatie = TermijnVastgesteld | TermijnGewijzigd | Verlenging

# Parses one raw mutation (a dict from JSON or an event) into the right class by its `soort`.
PLICHT_MUTATIE: TypeAdapter[PlichtMutatie] = TypeAdapter(PlichtMutatie)


# --- Stand -------------------------------------------------------------------------------------------


class OmvangStand(DomeinModel):
    omvang: Omvang
    onderdelen: tuple[PlichtOnderdeel, ...] = ()


class TermijnStand(DomeinModel):
    termijn: Termijnsoort
    begindatum: Datum | None = None
    einddatum: Datum
    historie: tuple[TermijnMutatie, ...] = Field(description="Alle mutaties van deze termijn, in volgorde.")


class PlichtStand(DomeinModel):
    plichtig: JaNee = False
    vastgesteld_op: Datum | None = None
    vervallen_op: Datum | None = None
    doelgroep: Doelgroep | None = None
    verblijfsdoel: str | None = None
    vrijstelling: OmvangStand | None = None
    ontheffing: OmvangStand | None = None
    aangepaste_examenomstandigheden: tuple[AangepasteExamenomstandigheden, ...] = ()
    recht_maatschappelijke_begeleiding: JaNee | None = Field(
        default=None, description="Leeg zolang DUO er niets over heeft gezegd."
    )
    termijnen: dict[Termijnsoort, TermijnStand] = Field(default_factory=dict)
    examenresultaten: tuple[Examenresultaat, ...] = ()
    diploma_datum: Datum | None = None
    certificaat_datum: Datum | None = None
    verlenging_aangevraagd: tuple[VerlengingAangevraagd, ...] = Field(
        default=(), description="Aanvragen waarop DUO nog niet besliste."
    )
    verlenging_afgewezen: tuple[VerlengingAfgewezen, ...] = ()


# --- Refusals ----------------------------------------------------------------------------------------


class PlichtMutatieGeweigerd(Unprocessable):
    code = "plicht-mutatie-geweigerd"
    title = "De wijziging van de inburgeringsplicht past niet bij de huidige stand."


class PlichtNietVastgesteld(PlichtMutatieGeweigerd):
    code = "plicht-niet-vastgesteld"
    title = "De inburgeringsplicht is (nog) niet vastgesteld."


class PlichtAlVastgesteld(PlichtMutatieGeweigerd):
    code = "plicht-al-vastgesteld"
    title = "De inburgeringsplicht is al vastgesteld."


class PlichtIsVervallen(PlichtMutatieGeweigerd):
    code = "plicht-vervallen"
    title = "De inburgeringsplicht is vervallen."


class TermijnNietVastgesteld(PlichtMutatieGeweigerd):
    code = "termijn-niet-vastgesteld"
    title = "Deze termijn is nooit vastgesteld."


class TermijnAlVastgesteld(PlichtMutatieGeweigerd):
    code = "termijn-al-vastgesteld"
    title = "Deze termijn is al vastgesteld."


class VerlengingNietLater(PlichtMutatieGeweigerd):
    code = "verlenging-niet-later"
    title = "Een verlenging moet de termijn later laten eindigen."


# --- Rules -------------------------------------------------------------------------------------------


def controleer_mutatie(huidige: PlichtStand, mutatie: PlichtMutatie) -> None:
    """Refuse `mutatie` if it cannot follow `huidige`; raise a `PlichtMutatieGeweigerd`.

    Trap: a mutation can arrive late with an earlier ingangsdatum, and the stand it must follow is then not
    the latest one. To append, fold the whole list with the newcomer (`bepaal_plichtstand([*oud, nieuw])`),
    which runs this check at the mutation's place in time; this function alone is the single step.
    """
    soort_param = [invalid("soort", f"{mutatie.soort} is hier niet toegestaan", "niet-toegestaan")]
    if isinstance(mutatie, PlichtVastgesteld):
        if huidige.plichtig:
            raise PlichtAlVastgesteld(
                f"De plicht is al vastgesteld op {huidige.vastgesteld_op}; een wijziging is een "
                f"plicht-gewijzigd ({_BRON_DUO}, item a).",
                invalid_params=soort_param,
            )
        return
    if not huidige.plichtig:
        if huidige.vervallen_op is not None:
            raise PlichtIsVervallen(
                f"De plicht is vervallen op {huidige.vervallen_op}; daarna volgt alleen een nieuwe "
                f"vaststelling ({_BRON_DUO}, item a).",
                invalid_params=soort_param,
            )
        raise PlichtNietVastgesteld(
            f"Een {mutatie.soort} op {mutatie.ingangsdatum} kan pas nadat DUO de plicht heeft vastgesteld: "
            f"alleen DUO stelt de plicht vast en alles daarna hangt eraan ({_BRON_DUO}, item a; "
            "DOMAIN §2 stap 1).",
            invalid_params=soort_param,
        )
    if isinstance(mutatie, TermijnVastgesteld) and mutatie.termijn in huidige.termijnen:
        raise TermijnAlVastgesteld(
            f"De termijn {mutatie.termijn} is al vastgesteld; een wijziging is een termijn-gewijzigd of "
            f"verlenging ({_BRON_DUO}, items m–n).",
            invalid_params=[invalid("termijn", "al vastgesteld", "al-vastgesteld")],
        )
    if isinstance(mutatie, TermijnGewijzigd | Verlenging):
        stand = huidige.termijnen.get(mutatie.termijn)
        if stand is None:
            raise TermijnNietVastgesteld(
                f"De termijn {mutatie.termijn} kan niet wijzigen of verlengd worden: DUO heeft hem nooit "
                f"vastgesteld ({_BRON_DUO}, items m–n en x).",
                invalid_params=[invalid("termijn", "nooit vastgesteld", "niet-vastgesteld")],
            )
        if isinstance(mutatie, Verlenging) and mutatie.nieuwe_einddatum <= stand.einddatum:
            raise VerlengingNietLater(
                f"De verlenging eindigt op {mutatie.nieuwe_einddatum}, niet later dan de huidige einddatum "
                f"{stand.einddatum} van termijn {mutatie.termijn} ({_BRON_DUO}, item x: nieuwe einddatum).",
                invalid_params=[invalid("nieuweEinddatum", "niet later dan de huidige einddatum", "niet-later")],
            )


def bepaal_plichtstand(mutaties: Sequence[PlichtMutatie]) -> PlichtStand:
    """Fold `mutaties` (in received order) into the current stand.

    Applied in order of ingangsdatum; mutations with the same ingangsdatum keep their received order (the sort
    is stable). Every step is checked with `controleer_mutatie`, so an impossible history is refused whole.
    """
    stand = PlichtStand()
    for mutatie in sorted(mutaties, key=lambda m: m.ingangsdatum):
        controleer_mutatie(stand, mutatie)
        stand = _pas_toe(stand, mutatie)
    return stand


def _pas_toe(stand: PlichtStand, mutatie: PlichtMutatie) -> PlichtStand:  # noqa: PLR0911, PLR0912 - one arm per soort
    match mutatie:
        case PlichtVastgesteld():
            # A plicht established again after it lapsed is a new plicht with new termijnen from DUO; the old
            # ones stay in the mutation list.
            return PlichtStand(
                plichtig=True,
                vastgesteld_op=mutatie.ingangsdatum,
                doelgroep=mutatie.doelgroep,
                verblijfsdoel=mutatie.verblijfsdoel,
            )
        case PlichtGewijzigd():
            return stand.model_copy(
                update={
                    "doelgroep": mutatie.doelgroep or stand.doelgroep,
                    "verblijfsdoel": mutatie.verblijfsdoel or stand.verblijfsdoel,
                }
            )
        case PlichtVervallen():
            return stand.model_copy(update={"plichtig": False, "vervallen_op": mutatie.ingangsdatum})
        case Vrijstelling():
            return stand.model_copy(update={"vrijstelling": _voeg_omvang_samen(stand.vrijstelling, mutatie)})
        case Ontheffing():
            return stand.model_copy(update={"ontheffing": _voeg_omvang_samen(stand.ontheffing, mutatie)})
        case AangepasteExamenomstandigheden():
            return stand.model_copy(
                update={"aangepaste_examenomstandigheden": (*stand.aangepaste_examenomstandigheden, mutatie)}
            )
        case RechtMaatschappelijkeBegeleiding():
            return stand.model_copy(update={"recht_maatschappelijke_begeleiding": mutatie.recht})
        case TermijnVastgesteld():
            nieuw = TermijnStand(
                termijn=mutatie.termijn,
                begindatum=mutatie.begindatum,
                einddatum=mutatie.einddatum,
                historie=(mutatie,),
            )
            return stand.model_copy(update={"termijnen": {**stand.termijnen, mutatie.termijn: nieuw}})
        case Examenresultaat():
            return stand.model_copy(update={"examenresultaten": (*stand.examenresultaten, mutatie)})
        case Diploma():
            return stand.model_copy(update={"diploma_datum": mutatie.diplomadatum})
        case Certificaat():
            return stand.model_copy(update={"certificaat_datum": mutatie.certificaatdatum})
        case VerlengingAangevraagd():
            return stand.model_copy(update={"verlenging_aangevraagd": (*stand.verlenging_aangevraagd, mutatie)})
        case VerlengingAfgewezen():
            open_ = tuple(a for a in stand.verlenging_aangevraagd if a.termijn != mutatie.termijn)
            return stand.model_copy(
                update={"verlenging_aangevraagd": open_, "verlenging_afgewezen": (*stand.verlenging_afgewezen, mutatie)}
            )
        case TermijnGewijzigd() | Verlenging():
            if isinstance(mutatie, Verlenging):
                stand = stand.model_copy(
                    update={
                        "verlenging_aangevraagd": tuple(
                            a for a in stand.verlenging_aangevraagd if a.termijn != mutatie.termijn
                        )
                    }
                )
            oud = stand.termijnen[mutatie.termijn]
            gewijzigd = oud.model_copy(
                update={"einddatum": mutatie.nieuwe_einddatum, "historie": (*oud.historie, mutatie)}
            )
            return stand.model_copy(update={"termijnen": {**stand.termijnen, mutatie.termijn: gewijzigd}})


def _voeg_omvang_samen(huidig: OmvangStand | None, mutatie: Vrijstelling | Ontheffing) -> OmvangStand:
    # DUO decides per onderdeel (PVT and MAP each have their own vrijstelling/ontheffing, handreiking DUO
    # items d and g), so partial decisions add up; a whole one covers everything.
    if mutatie.omvang is Omvang.GEHELE or (huidig is not None and huidig.omvang is Omvang.GEHELE):
        return OmvangStand(omvang=Omvang.GEHELE)
    eerder: tuple[PlichtOnderdeel, ...] = huidig.onderdelen if huidig is not None else ()
    samen = set(eerder) | set(mutatie.onderdelen)
    onderdelen = tuple(o for o in PlichtOnderdeel if o in samen)
    return OmvangStand(omvang=Omvang.GEDEELTELIJKE, onderdelen=onderdelen)
