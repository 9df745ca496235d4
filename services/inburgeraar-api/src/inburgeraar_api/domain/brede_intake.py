"""Brede intake (Wet inburgering 2021 art. 14; Besluit inburgering 2021 art. 5.2).

Results per topic, the refusal of medical data, the oproep rule and when the intake may be completed.

The blocks `Opleiding`, `Werkervaring`, `Diplomawaardering` and `Taalniveau` are shared with the klantprofiel
and live in `basis`. JSON: lowerCamelCase (see `basis`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from inburgeraar_api.domain.basis import DomeinModel, Geboortejaar, KorteTekst, LangeTekst, Tekst
from inburgeraar_api.domain.enums import IntakeStap, Leerroute, Onderwerp, OproepUitkomst
from inburgeraar_api.domain.regels import REGELS
from inburgering_kit.problems import InvalidParam, Unprocessable, invalid
from inburgering_kit.strict import Datum, JaNee

_BRON_GEZONDHEID = "handreiking-gegevensverwerking-privacy.txt, Bijzondere persoonsgegevens (Gezondheid)"

# --- Results -----------------------------------------------------------------------------------------

GEZONDHEID_ONDERWERPEN: frozenset[Onderwerp] = frozenset({Onderwerp.FYSIEKE_GEZONDHEID, Onderwerp.MENTALE_GEZONDHEID})


class OnderwerpResultaat(DomeinModel):
    """The findings on one topic other than health (health has its own, narrower shape)."""

    # The health topics are excluded in the type itself, so the contract says what the validator enforces.
    onderwerp: Literal[
        Onderwerp.LEERBAARHEID,
        Onderwerp.OPLEIDING,
        Onderwerp.WERKERVARING,
        Onderwerp.PRAKTISCHE_COMPETENTIES,
        Onderwerp.WERKNEMERSVAARDIGHEDEN,
        Onderwerp.TAALNIVEAU,
        Onderwerp.MOTIVATIE_INTERESSES,
        Onderwerp.ZELFREDZAAMHEID,
        Onderwerp.DIGITALE_VAARDIGHEDEN,
        Onderwerp.GEZINSSITUATIE,
        Onderwerp.SOCIAAL_NETWERK,
    ]
    bevindingen: LangeTekst
    aandachtspunten: Annotated[tuple[KorteTekst, ...], Field(max_length=20)] = ()


class GezondheidResultaat(DomeinModel):
    """Health, recorded only as circumstances that affect the trajectory and what follows from them.

    No free "bevindingen" and no diagnosis: the gemeente must be very reserved with health data and record
    what matters for the trajectory, not the medical facts (handreiking-gegevensverwerking-privacy.txt,
    "Gezondheidsgegevens"; DOMAIN §4).
    """

    onderwerp: Literal[Onderwerp.FYSIEKE_GEZONDHEID, Onderwerp.MENTALE_GEZONDHEID]
    omstandigheden: Tekst = Field(description="Omstandigheden die het traject raken; geen diagnose.")
    gevolgen_voor_traject: Tekst | None = None


def _resultaatvorm(waarde: Any) -> str:
    onderwerp = waarde.get("onderwerp") if isinstance(waarde, dict) else getattr(waarde, "onderwerp", None)
    # Any JSON may arrive here, also a non-string `onderwerp`: that is the schema's error to report, not ours.
    return "gezondheid" if isinstance(onderwerp, str) and onderwerp in GEZONDHEID_ONDERWERPEN else "algemeen"


# One type for "the result of a topic": the shape follows from `onderwerp`.
IntakeResultaat = Annotated[
    Annotated[OnderwerpResultaat, Tag("algemeen")] | Annotated[GezondheidResultaat, Tag("gezondheid")],
    Discriminator(_resultaatvorm),
]


class Leerbaarheidstoets(DomeinModel):
    # Taken by an instance the minister appoints, which advises on the leerroute
    # (vng-uitvoeringstoets-informatiekundige-impact.txt §3.2.2).
    datum: Datum
    resultaat: Tekst = Field(description="Score en/of advies zoals de instantie het levert.")
    geadviseerde_leerroute: Leerroute
    instantie: KorteTekst


class VveKind(DomeinModel):
    # VVE concerns the children (handreiking-gegevensverwerking-privacy.txt, tabel stap 4): the birth year is
    # enough to know whether pre-school applies, so no names of children are kept.
    geboortejaar: Geboortejaar
    vve_advies: JaNee = Field(description="Of voorschoolse educatie wordt geadviseerd.")
    aangemeld: JaNee = False


# --- Medical data refusal ----------------------------------------------------------------------------

# Medical documents and diagnoses may not be stored anywhere, not even when the person supplies them: they are
# refused without being registered. handreiking-gegevensverwerking-privacy.txt, "Gezondheidsgegevens": "Ook
# als de inburgeringsplichtige zelf medische gegevens aanlevert, mogen deze niet in het dossier (of waar dan
# ook) worden opgenomen. Dat betekent dat de gemeente deze gegevens moet weigeren, of moet terugsturen, zonder
# deze te registreren." Keys are matched whole after normalising (case, `_`, `-`, spaces), so
# `medischDocument`, `medisch_document` and `MEDISCH-DOCUMENT` are one key. Exact, not prefix, matching:
# prefixes would also catch words like `behandelingsstatus` of a request; the list grows here, in one place,
# when a sender finds a gap.
# Trap: in Dutch government data `behandelaar` can also mean the official handling a case; this context names
# that role `klantregisseur`, so the key is medical here.
MEDISCHE_SLEUTELS: frozenset[str] = frozenset(
    {
        "diagnose",
        "diagnoses",
        "diagnosecode",
        "medischDocument",
        "medischeDocumenten",
        "medischDossier",
        "medischGegeven",
        "medischeGegevens",
        "medischeVerklaring",
        "medischAdvies",
        "medicatie",
        "medicijnen",
        "behandeling",
        "behandelaar",
        "icd10",
        "icd11",
        "dsm",
        "dsm5",
    }
)

# An object (an attachment, a document, anything) that declares itself medical through `soort` or `type`.
MEDISCHE_DOCUMENTSOORTEN: frozenset[str] = frozenset({"medisch", "medische-verklaring", "medisch-document"})

_SOORT_SLEUTELS = frozenset({"soort", "type"})


def _normaliseer(tekst: str) -> str:
    return re.sub(r"[\s_\-.]", "", tekst.casefold())


_MEDISCH_GENORMALISEERD = frozenset(_normaliseer(s) for s in MEDISCHE_SLEUTELS)
_DOCUMENTSOORTEN_GENORMALISEERD = frozenset(_normaliseer(s) for s in MEDISCHE_DOCUMENTSOORTEN)


class MedischeGegevensGeweigerd(Unprocessable):
    code = "medische-gegevens-geweigerd"
    title = "Medische gegevens worden geweigerd."


def weiger_medische_gegevens(data: Mapping[str, Any]) -> None:
    """Walk a raw JSON payload (before schema validation) and refuse it if it carries medical data.

    Raises `MedischeGegevensGeweigerd` with one invalid param per offending path (`resultaten.3.diagnose`).
    The values are never echoed, so the refusal itself does not spread what it refuses.
    """
    gevonden: list[str] = []
    _zoek(data, "", gevonden)
    if gevonden:
        raise MedischeGegevensGeweigerd(
            f"Het verzoek bevat medische gegevens ({len(gevonden)} veld(en)) en is in zijn geheel "
            "geweigerd; er is niets opgeslagen. Medische documenten en diagnoses mogen niet in het dossier "
            "(of waar dan ook) worden opgenomen, ook niet als de inburgeraar ze zelf aanlevert: de gemeente "
            f"weigert ze zonder te registreren ({_BRON_GEZONDHEID}). Leg alleen omstandigheden vast die het "
            "traject raken.",
            invalid_params=[
                invalid(pad, "medische gegevens worden niet opgeslagen", "medische-gegevens") for pad in gevonden
            ],
        )


def _zoek(waarde: Any, pad: str, gevonden: list[str]) -> None:
    if isinstance(waarde, Mapping):
        if _is_medisch_document(waarde):
            gevonden.append(pad or "body")
            return
        for sleutel, sub in waarde.items():
            subpad = f"{pad}.{sleutel}" if pad else str(sleutel)
            if _normaliseer(str(sleutel)) in _MEDISCH_GENORMALISEERD:
                gevonden.append(subpad)
            else:
                _zoek(sub, subpad, gevonden)
    elif isinstance(waarde, list | tuple):
        for index, sub in enumerate(waarde):
            _zoek(sub, f"{pad}.{index}" if pad else str(index), gevonden)


def _is_medisch_document(obj: Mapping[Any, Any]) -> bool:
    return any(
        _normaliseer(str(sleutel)) in _SOORT_SLEUTELS
        and isinstance(waarde, str)
        and _normaliseer(waarde) in _DOCUMENTSOORTEN_GENORMALISEERD
        for sleutel, waarde in obj.items()
    )


# --- Oproepen and afronding --------------------------------------------------------------------------

# The seed says "na 3 oproepen niet verschijnt of onvoldoende meewerkt" (handreiking-gegevensverwerking-
# privacy.txt, tabel stap 3); completion *in absence* is decided on not appearing only, so someone who came
# but did not cooperate is not "afwezig". Widening this set is the one change if the gemeente reads it wider.
_TELT_ALS_AFWEZIG: frozenset[OproepUitkomst] = frozenset({OproepUitkomst.NIET_VERSCHENEN})


def _aantal_afwezig(uitkomsten: Sequence[OproepUitkomst | None]) -> int:
    return sum(1 for u in uitkomsten if u in _TELT_ALS_AFWEZIG)


def volgende_stap_na_oproepen(uitkomsten: Sequence[OproepUitkomst | None]) -> IntakeStap:
    """What follows the oproepen so far (oldest first; None is an oproep without an outcome yet).

    Not appearing or not cooperating allows a warning or a boete (€250, `REGELS.boete_brede_intake`) and a new
    date in the boetebesluit (handreiking-gegevensverwerking-privacy.txt, tabel stap 3;
    vng-uitvoeringstoets-informatiekundige-impact.txt §3.2.6). Whether the first miss is warned or fined is
    local policy: the seeds differ (after the first oproep vs after the second), so this is a signal, not a
    decision. After `REGELS.brede_intake_max_oproepen` oproepen without appearing, the intake may be
    completed in absence.
    """
    if not uitkomsten:
        return IntakeStap.OPROEPEN
    laatste = uitkomsten[-1]
    if laatste is None:
        return IntakeStap.WACHTEN_OP_UITKOMST
    if laatste is OproepUitkomst.VERSCHENEN:
        return IntakeStap.INTAKE_AFNEMEN
    if _aantal_afwezig(uitkomsten) >= REGELS.brede_intake_max_oproepen.waarde:
        return IntakeStap.AFRONDEN_BIJ_AFWEZIGHEID
    return IntakeStap.WAARSCHUWING_OF_BOETE


# What the brede intake covers "in ieder geval" (Wet art. 14 lid 2, quoted in
# vng-uitvoeringstoets-informatiekundige-impact.txt §3.2.2): the leerbaarheidstoets (checked separately),
# gevolgd onderwijs and werkervaring in the country of origin, and the personal circumstances "waaronder de
# fysieke en mentale gezondheid". The tabel gegevensverwerking stap 4 (Art. 14 Wet, Art. 5.2 Besluit) in
# handreiking-gegevensverwerking-privacy.txt names those circumstances (gezinssituatie, sociaal netwerk) and
# has the gemeente map the taalniveau and the mate van zelfredzaamheid ("In het Besluit inburgering staat dat
# in de brede intake ook 'de mate van zelfredzaamheid' in kaart gebracht moet worden").
VERPLICHTE_ONDERWERPEN: frozenset[Onderwerp] = frozenset(
    {
        Onderwerp.OPLEIDING,
        Onderwerp.WERKERVARING,
        Onderwerp.FYSIEKE_GEZONDHEID,
        Onderwerp.MENTALE_GEZONDHEID,
        Onderwerp.GEZINSSITUATIE,
        Onderwerp.SOCIAAL_NETWERK,
        Onderwerp.TAALNIVEAU,
        Onderwerp.ZELFREDZAAMHEID,
    }
)


class BredeIntakeOnvolledig(Unprocessable):
    code = "brede-intake-onvolledig"
    title = "De brede intake is nog niet volledig."


class AfrondenBijAfwezigheidNietToegestaan(Unprocessable):
    code = "afronden-bij-afwezigheid-niet-toegestaan"
    title = "De brede intake kan (nog) niet bij afwezigheid worden afgerond."


def mag_afronden(
    afgerond_bij_afwezigheid: bool,
    uitkomsten: Sequence[OproepUitkomst | None],
    vastgelegde_onderwerpen: set[Onderwerp],
    leerbaarheidstoets_vastgelegd: bool,
) -> None:
    """Refuse completing the brede intake while something the law requires is missing (listed per item)."""
    if afgerond_bij_afwezigheid:
        _mag_afronden_bij_afwezigheid(uitkomsten)
        return
    ontbreekt: list[InvalidParam] = []
    if OproepUitkomst.VERSCHENEN not in uitkomsten:
        ontbreekt.append(
            invalid("oproepen", "de inburgeraar is op geen enkele oproep verschenen", "geen-verschenen-oproep")
        )
    if not leerbaarheidstoets_vastgelegd:
        ontbreekt.append(invalid("leerbaarheidstoets", "de uitslag is niet vastgelegd", "ontbreekt"))
    ontbreekt.extend(
        invalid(f"onderwerpen.{o}", "geen resultaat vastgelegd", "ontbreekt")
        for o in Onderwerp
        if o in VERPLICHTE_ONDERWERPEN and o not in vastgelegde_onderwerpen
    )
    if ontbreekt:
        raise BredeIntakeOnvolledig(
            "De brede intake omvat ten minste de leerbaarheidstoets, gevolgd onderwijs en werkervaring en de "
            "persoonlijke omstandigheden waaronder fysieke en mentale gezondheid, gezinssituatie en sociaal "
            "netwerk, met taalniveau en zelfredzaamheid (Wet inburgering 2021 art. 14 lid 2; Besluit "
            "inburgering 2021 art. 5.2; vng-uitvoeringstoets-informatiekundige-impact.txt §3.2.2; "
            "handreiking-gegevensverwerking-privacy.txt, tabel stap 4). Afronden zonder afwezigheid vraagt "
            f"een verschenen inburgeraar. Ontbreekt: {', '.join(p.name for p in ontbreekt)}.",
            invalid_params=ontbreekt,
        )


def _mag_afronden_bij_afwezigheid(uitkomsten: Sequence[OproepUitkomst | None]) -> None:
    nodig = REGELS.brede_intake_max_oproepen.waarde
    afwezig = _aantal_afwezig(uitkomsten)
    if uitkomsten and uitkomsten[-1] is OproepUitkomst.VERSCHENEN:
        # Completion in absence is the answer to not appearing; someone who appeared after all gets the intake.
        raise AfrondenBijAfwezigheidNietToegestaan(
            "De inburgeraar is op de laatste oproep verschenen: neem de brede intake af in plaats van af te "
            "ronden bij afwezigheid.",
            invalid_params=[invalid("bijAfwezigheid", "de inburgeraar is verschenen", "verschenen")],
        )
    if afwezig < nodig:
        raise AfrondenBijAfwezigheidNietToegestaan(
            f"Afronden bij afwezigheid mag pas na {nodig} oproepen waarop de inburgeraar niet verscheen; "
            f"dat waren er {afwezig} ({REGELS.brede_intake_max_oproepen.bron}).",
            invalid_params=[
                invalid("oproepen", f"{afwezig} van de {nodig} oproepen zonder verschijnen", "te-weinig-oproepen")
            ],
        )
