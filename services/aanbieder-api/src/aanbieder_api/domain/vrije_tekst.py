"""Free text the gemeente writes for an aanbieder carries no BSN (DOMAIN §4: the BSN is forbidden towards
providers), not even one a klantregisseur typed into `afspraken` by mistake: such a request is refused whole."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from inburgering_kit.bsn import contains_bsn
from inburgering_kit.problems import InvalidParam, Unprocessable, invalid

# A phone number is digits by nature and has its own pattern; it is not free text.
_GEEN_VRIJE_TEKST = frozenset({"telefoon"})


class BsnInVrijeTekst(Unprocessable):
    code = "bsn-in-vrije-tekst"
    title = "De tekst bevat een nummer dat een BSN kan zijn; een BSN mag de aanbieder niet zien."


def _velden(waarde: Any, pad: str) -> list[InvalidParam]:
    if isinstance(waarde, str):
        if contains_bsn(waarde):
            reden = "bevat 9 cijfers die de 11-proef halen (een BSN); laat het nummer weg"
            return [invalid(pad, reden, "bsn-in-vrije-tekst")]
        return []
    if isinstance(waarde, dict):
        return [
            fout
            for naam, w in waarde.items()
            if naam not in _GEEN_VRIJE_TEKST
            for fout in _velden(w, f"{pad}.{naam}" if pad else naam)
        ]
    if isinstance(waarde, list | tuple):
        return [fout for i, w in enumerate(waarde) for fout in _velden(w, f"{pad}[{i}]")]
    return []


def weiger_bsn(body: BaseModel, *velden: str) -> None:
    """Refuse (422) a request whose free text, in the fields named (wire names; all when none), holds a BSN. Every
    such field is named, never the number."""
    gegevens = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if velden:
        gegevens = {k: v for k, v in gegevens.items() if k in velden}
    if fouten := _velden(gegevens, ""):
        raise BsnInVrijeTekst("Haal het nummer weg uit: " + ", ".join(f.name for f in fouten), invalid_params=fouten)
