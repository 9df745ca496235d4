"""Which parts may be referred before the PIP, and for whom (domain.voor_pip)."""

from __future__ import annotations

import pytest

from aanbieder_api.domain.enums import Dienst
from aanbieder_api.domain.voor_pip import DoelgroepNietToegestaan, PipVereist, controleer_zonder_pip

DOELGROEPEN = ("asielmigrant", "gezinsmigrant", "overige-migrant")


class TestZonderPip:
    @pytest.mark.parametrize("doelgroep", DOELGROEPEN)
    @pytest.mark.parametrize("onderdeel", [Dienst.LEERBAARHEIDSTOETS, Dienst.MAATSCHAPPELIJKE_BEGELEIDING])
    def test_the_intake_test_and_begeleiding_are_for_every_doelgroep(self, onderdeel: Dienst, doelgroep: str) -> None:
        controleer_zonder_pip(onderdeel, doelgroep)

    @pytest.mark.parametrize(
        "onderdeel", [Dienst.PVT, Dienst.MAP, Dienst.B1_ROUTE, Dienst.ONDERWIJSROUTE, Dienst.Z_ROUTE]
    )
    def test_the_pips_own_agreements_need_it(self, onderdeel: Dienst) -> None:
        with pytest.raises(PipVereist) as fout:
            controleer_zonder_pip(onderdeel, "asielmigrant")
        assert [p.name for p in fout.value.invalid_params or []] == ["pipId"]

    def test_a_doelgroep_nobody_decided_about_is_refused(self) -> None:
        with pytest.raises(DoelgroepNietToegestaan):
            controleer_zonder_pip(Dienst.MAATSCHAPPELIJKE_BEGELEIDING, "kennismigrant")
