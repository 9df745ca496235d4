from __future__ import annotations

from datetime import date

import pytest

from handhaving_api.domain.enums import Handeling, Procedurestatus
from handhaving_api.domain.procedure import (
    termijn_verstreken,
    vereis_besluitrijp,
    volgende,
    zienswijze_uiterste_datum,
)
from handhaving_api.domain.regels import Weigering

S, H = Procedurestatus, Handeling


@pytest.mark.parametrize(
    ("status", "handeling", "nieuw"),
    [
        (S.KANDIDAAT, H.AFWIJZEN, S.AFGEWEZEN),
        (S.KANDIDAAT, H.WAARSCHUWEN, S.GEWAARSCHUWD),
        (S.GEWAARSCHUWD, H.VOORNEMEN, S.VOORGENOMEN),
        (S.VOORGENOMEN, H.ZIENSWIJZE, S.ZIENSWIJZE_ONTVANGEN),
        (S.VOORGENOMEN, H.BEBOETEN, S.BEBOET),
        (S.ZIENSWIJZE_ONTVANGEN, H.AFZIEN, S.GEEN_BOETE),
    ],
)
def test_toegestane_stappen(status: Procedurestatus, handeling: Handeling, nieuw: Procedurestatus) -> None:
    assert volgende(status, handeling) is nieuw


@pytest.mark.parametrize(
    ("status", "handeling"),
    [
        (S.KANDIDAAT, H.VOORNEMEN),  # waarschuwing overgeslagen
        (S.KANDIDAAT, H.BEBOETEN),
        (S.GEWAARSCHUWD, H.BEBOETEN),  # voornemen overgeslagen
        (S.GEWAARSCHUWD, H.WAARSCHUWEN),
        (S.ZIENSWIJZE_ONTVANGEN, H.VOORNEMEN),  # terug in de volgorde
        (S.BEBOET, H.BEBOETEN),  # besluit onveranderlijk
        (S.AFGEWEZEN, H.WAARSCHUWEN),
        (S.GEEN_BOETE, H.BEBOETEN),
    ],
)
def test_overslaan_of_omdraaien_geweigerd(status: Procedurestatus, handeling: Handeling) -> None:
    with pytest.raises(Weigering) as fout:
        volgende(status, handeling)
    assert fout.value.code == "procedure-volgorde"


def test_eerdere_waarschuwing_telt_voor_het_voornemen() -> None:
    assert volgende(S.KANDIDAAT, H.VOORNEMEN, eerder_gewaarschuwd=True) is S.VOORGENOMEN


def test_zienswijzetermijn_standaard_twee_weken_en_dagen() -> None:
    assert zienswijze_uiterste_datum(date(2026, 3, 1)) == date(2026, 3, 15)
    assert zienswijze_uiterste_datum(date(2026, 3, 1), 1) == date(2026, 3, 2)
    with pytest.raises(ValueError, match="minstens"):
        zienswijze_uiterste_datum(date(2026, 3, 1), 0)


def test_termijn_verstreken_pas_de_dag_na_de_laatste_dag() -> None:
    assert not termijn_verstreken(date(2026, 3, 15), date(2026, 3, 15))
    assert termijn_verstreken(date(2026, 3, 15), date(2026, 3, 16))


def test_besluit_wacht_op_de_termijn() -> None:
    with pytest.raises(Weigering) as fout:
        vereis_besluitrijp(S.VOORGENOMEN, date(2026, 3, 15), date(2026, 3, 15))
    assert fout.value.code == "zienswijzetermijn-loopt"
    vereis_besluitrijp(S.VOORGENOMEN, date(2026, 3, 15), date(2026, 3, 16))
    vereis_besluitrijp(S.ZIENSWIJZE_ONTVANGEN, date(2026, 3, 15), date(2026, 3, 2))
