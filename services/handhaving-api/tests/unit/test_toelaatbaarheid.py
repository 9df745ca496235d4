from __future__ import annotations

import uuid
from datetime import date

import pytest

from handhaving_api.domain.enums import Beslissing, Boetestatus, Doelgroep, Overtredingsoort
from handhaving_api.domain.rechtsmiddelen import uiterste_datum, uitkomst, vereis_ontvankelijk
from handhaving_api.domain.regels import Weigering
from handhaving_api.domain.toelaatbaarheid import (
    Maatregelperiode,
    Persoonsfeiten,
    vereis_geen_participatiewet_maatregel,
    vereis_handhaafbaar,
    vereis_pip_boete_mogelijk,
)

OVERTREDING = uuid.uuid4()


def _maatregel(van: date, tot: date | None, overtreding: uuid.UUID | None = None) -> Maatregelperiode:
    return Maatregelperiode(uuid.uuid4(), van, tot, overtreding)


@pytest.mark.parametrize(
    ("van", "tot"),
    [(date(2026, 3, 10), date(2026, 3, 10)), (date(2026, 1, 1), date(2026, 3, 1)), (date(2026, 3, 31), None)],
)
def test_overlappende_participatiewet_maatregel_geweigerd(van: date, tot: date | None) -> None:
    with pytest.raises(Weigering) as fout:
        vereis_geen_participatiewet_maatregel([_maatregel(van, tot)], OVERTREDING, date(2026, 3, 1), date(2026, 3, 31))
    assert fout.value.code == "participatiewet-maatregel"
    assert "art. 27" in fout.value.extra["bron"]


def test_aangrenzende_maatregel_overlapt_niet() -> None:
    maatregelen = [_maatregel(date(2026, 1, 1), date(2026, 2, 28)), _maatregel(date(2026, 4, 1), None)]
    vereis_geen_participatiewet_maatregel(maatregelen, OVERTREDING, date(2026, 3, 1), date(2026, 3, 31))


def test_maatregel_die_naar_de_overtreding_verwijst() -> None:
    with pytest.raises(Weigering):
        vereis_geen_participatiewet_maatregel(
            [_maatregel(date(2025, 1, 1), date(2025, 1, 2), OVERTREDING)],
            OVERTREDING,
            date(2026, 3, 1),
            date(2026, 3, 1),
        )


@pytest.mark.parametrize("doelgroep", [Doelgroep.GEZINSMIGRANT, Doelgroep.OVERIGE_MIGRANT])
def test_zelfgekozen_leerroute_niet_gehandhaafd(doelgroep: Doelgroep) -> None:
    with pytest.raises(Weigering) as fout:
        vereis_handhaafbaar(Overtredingsoort.PIP_LEERROUTE, doelgroep)
    assert fout.value.code == "doelgroep-geen-inspanningstoezicht"
    vereis_handhaafbaar(Overtredingsoort.PIP_PVT, doelgroep)
    vereis_handhaafbaar(Overtredingsoort.BREDE_INTAKE_NIET_VERSCHENEN, doelgroep)


def test_asielmigrant_leerroute_wel() -> None:
    vereis_handhaafbaar(Overtredingsoort.PIP_LEERROUTE, Doelgroep.ASIELMIGRANT)


def test_pip_boete_pas_na_vaststelling() -> None:
    with pytest.raises(Weigering) as fout:
        vereis_pip_boete_mogelijk(Overtredingsoort.PIP_MAP, Persoonsfeiten(), date(2026, 3, 1), date(2026, 4, 1))
    assert fout.value.code == "pip-niet-vastgesteld"
    feiten = Persoonsfeiten(pip_vastgesteld=date(2026, 3, 1))
    with pytest.raises(Weigering):
        vereis_pip_boete_mogelijk(Overtredingsoort.PIP_MAP, feiten, date(2026, 2, 28), date(2026, 4, 1))
    vereis_pip_boete_mogelijk(Overtredingsoort.PIP_MAP, feiten, date(2026, 3, 1), date(2026, 4, 1))
    # The brede intake needs no PIP.
    vereis_pip_boete_mogelijk(
        Overtredingsoort.BREDE_INTAKE_NIET_VERSCHENEN, Persoonsfeiten(), date(2026, 1, 1), date(2026, 4, 1)
    )


def test_geen_pip_boete_na_einde_plicht() -> None:
    feiten = Persoonsfeiten(pip_vastgesteld=date(2026, 1, 1), plicht_einde=date(2026, 4, 1))
    vereis_pip_boete_mogelijk(Overtredingsoort.PIP_PVT, feiten, date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(Weigering) as fout:
        vereis_pip_boete_mogelijk(Overtredingsoort.PIP_PVT, feiten, date(2026, 3, 1), date(2026, 4, 1))
    assert fout.value.code == "plicht-beeindigd"


def test_bezwaartermijn_zes_weken() -> None:
    bekendmaking = date(2026, 3, 2)
    assert uiterste_datum(bekendmaking) == date(2026, 4, 13)
    assert vereis_ontvankelijk(bekendmaking, date(2026, 4, 13), None) is True
    with pytest.raises(Weigering) as fout:
        vereis_ontvankelijk(bekendmaking, date(2026, 4, 14), None)
    assert fout.value.code == "bezwaartermijn"
    assert vereis_ontvankelijk(bekendmaking, date(2026, 4, 14), "ziekenhuisopname") is False
    with pytest.raises(Weigering):
        vereis_ontvankelijk(bekendmaking, date(2026, 3, 1), None)


def test_uitkomst_van_een_beslissing() -> None:
    assert uitkomst(Beslissing.ONGEGROND, 500, None).status is Boetestatus.OPGELEGD
    assert uitkomst(Beslissing.GEGROND, 500, None).status is Boetestatus.VERNIETIGD
    assert uitkomst(Beslissing.DEELS_GEGROND, 500, 300).nieuw_bedrag == 300
    for beslissing, bedrag in (
        (Beslissing.DEELS_GEGROND, 500),
        (Beslissing.DEELS_GEGROND, None),
        (Beslissing.GEGROND, 1),
    ):
        with pytest.raises(Weigering) as fout:
            uitkomst(beslissing, 500, bedrag)
        assert fout.value.code == "rechtsmiddel-beslissing"
