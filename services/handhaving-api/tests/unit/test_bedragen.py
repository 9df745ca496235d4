from __future__ import annotations

from datetime import date

import pytest

from handhaving_api.domain.bedragen import (
    STANDAARD_LADDER,
    Ladder,
    controleer_ladder,
    controleer_plafond,
    geldende_ladder,
    resterende_ruimte,
    stel_bedrag_vast,
    stel_voor,
)
from handhaving_api.domain.enums import Categorie
from handhaving_api.domain.regels import Weigering


def _ladder(brede_intake: tuple[int, ...] = (100, 250), pip: tuple[int, ...] = (200, 500, 800)) -> Ladder:
    return Ladder(date(2026, 1, 1), brede_intake, pip)


def test_ladder_op_de_maxima_is_goed() -> None:
    controleer_ladder(_ladder((250,), (800,)))


@pytest.mark.parametrize(
    ("brede_intake", "pip", "regel"),
    [
        ((251,), (800,), "maximum-brede-intake"),
        ((250,), (801,), "maximum-pip"),
        ((250,), (200, 100), "verordening-boven-maximum"),
        ((), (800,), "verordening-boven-maximum"),
        ((0,), (800,), "verordening-boven-maximum"),
    ],
)
def test_ladder_geweigerd(brede_intake: tuple[int, ...], pip: tuple[int, ...], regel: str) -> None:
    with pytest.raises(Weigering) as fout:
        controleer_ladder(_ladder(brede_intake, pip))
    assert fout.value.code == regel
    assert fout.value.extra["bron"]


def test_standaardladder_is_geldig_en_trapsgewijs() -> None:
    controleer_ladder(STANDAARD_LADDER)
    assert STANDAARD_LADDER.pip[0] < STANDAARD_LADDER.pip[-1] == 800


def test_geldende_versie_op_ingangsdatum() -> None:
    oud, nieuw = Ladder(date(2025, 1, 1), (100,), (300,)), Ladder(date(2026, 7, 1), (150,), (400,))
    assert geldende_ladder([oud, nieuw], date(2026, 6, 30)) is oud
    assert geldende_ladder([oud, nieuw], date(2026, 7, 1)) is nieuw
    assert geldende_ladder([nieuw], date(2026, 6, 30)) is STANDAARD_LADDER


def test_voorstel_volgt_de_trede() -> None:
    ladder = _ladder()
    assert stel_voor(Categorie.PIP, ladder, eerdere_boetes=0, opgelegd_pip=0, standaard=False).bedrag == 200
    assert stel_voor(Categorie.PIP, ladder, eerdere_boetes=1, opgelegd_pip=200, standaard=False).bedrag == 500
    derde = stel_voor(Categorie.PIP, ladder, eerdere_boetes=5, opgelegd_pip=700, standaard=False)
    assert (derde.trede, derde.bedrag) == (3, 800)
    assert any("trede 3" in regel for regel in derde.berekening)


def test_voorstel_begrensd_door_het_plafond() -> None:
    voorstel = stel_voor(Categorie.PIP, _ladder(), eerdere_boetes=3, opgelegd_pip=2000, standaard=False)
    assert (voorstel.bedrag, voorstel.ruimte) == (400, 400)


def test_voorstel_geweigerd_als_plafond_bereikt() -> None:
    with pytest.raises(Weigering) as fout:
        stel_voor(Categorie.PIP, _ladder(), eerdere_boetes=3, opgelegd_pip=2400, standaard=False)
    assert fout.value.code == "plafond-pip"


def test_brede_intake_telt_niet_mee_voor_het_plafond() -> None:
    voorstel = stel_voor(Categorie.BREDE_INTAKE, _ladder(), eerdere_boetes=1, opgelegd_pip=2400, standaard=True)
    assert (voorstel.bedrag, voorstel.ruimte) == (250, None)


def test_maatwerk_lager_met_reden() -> None:
    assert stel_bedrag_vast(500, 300, "draagkracht") == 300
    assert stel_bedrag_vast(500, None, None) == 500


@pytest.mark.parametrize(("bedrag", "reden"), [(501, "meer"), (300, None), (0, "nul")])
def test_maatwerk_geweigerd(bedrag: int, reden: str | None) -> None:
    with pytest.raises(Weigering) as fout:
        stel_bedrag_vast(500, bedrag, reden)
    assert fout.value.code == "maatwerk-alleen-lager"


def test_maximum_per_pip_overtreding_800_en_801() -> None:
    controleer_plafond(Categorie.PIP, 800, 0)
    with pytest.raises(Weigering) as fout:
        controleer_plafond(Categorie.PIP, 801, 0)
    assert fout.value.code == "maximum-pip"


def test_maximum_brede_intake_250_en_251() -> None:
    controleer_plafond(Categorie.BREDE_INTAKE, 250, 2400)
    with pytest.raises(Weigering) as fout:
        controleer_plafond(Categorie.BREDE_INTAKE, 251, 0)
    assert fout.value.code == "maximum-brede-intake"


def test_plafond_precies_bereikt_en_een_euro_erover() -> None:
    controleer_plafond(Categorie.PIP, 800, 1600)
    assert resterende_ruimte(2400) == 0
    with pytest.raises(Weigering) as fout:
        controleer_plafond(Categorie.PIP, 801, 1600)
    assert fout.value.code in {"plafond-pip", "maximum-pip"}
    with pytest.raises(Weigering) as fout:
        controleer_plafond(Categorie.PIP, 401, 2000)
    assert fout.value.code == "plafond-pip"
