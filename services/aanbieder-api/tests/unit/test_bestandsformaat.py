"""Reading the national file format as a stream: rows, and the files refused whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aanbieder_api.bestandsformaat import BestandOngeldig, Utf8Controle, csv_regels, json_regels, tel_regels
from aanbieder_api.domain.enums import Bestandsformaat


def schrijf(tmp_path: Path, inhoud: str | bytes, naam: str = "f") -> Path:
    pad = tmp_path / naam
    pad.write_bytes(inhoud.encode() if isinstance(inhoud, str) else inhoud)
    return pad


class TestCsv:
    def test_semicolons_decimal_commas_quotes_and_blank_lines(self, tmp_path: Path) -> None:
        pad = schrijf(
            tmp_path, '\ufeffopdrachtId;soort;urenAanwezig;toelichting\n1;aanwezigheid;12,5;"a;b\nc"\n\n2;start;;\n'
        )
        regels = list(csv_regels(pad))
        assert [r.nummer for r in regels] == [2, 4]
        assert regels[0].velden == {
            "opdrachtId": "1",
            "soort": "aanwezigheid",
            "urenAanwezig": "12.5",
            "toelichting": "a;b\nc",
        }
        assert regels[1].velden == {"opdrachtId": "2", "soort": "start"}

    def test_a_row_with_another_number_of_cells_is_a_row_error_not_a_file_error(self, tmp_path: Path) -> None:
        [regel] = list(csv_regels(schrijf(tmp_path, "opdrachtId,soort\n1,start,extra\n")))
        assert regel.velden is None and regel.fout


class TestJson:
    def test_elements_are_read_across_chunk_boundaries(self, tmp_path: Path) -> None:
        rijen = [{"opdrachtId": str(i), "soort": "start", "toelichting": "x" * 900, "datum": None} for i in range(300)]
        pad = schrijf(tmp_path, json.dumps(rijen, indent=1))
        regels = list(json_regels(pad))
        assert [r.nummer for r in regels] == list(range(1, 301))
        assert regels[-1].velden == {"opdrachtId": "299", "soort": "start", "toelichting": "x" * 900}


class TestGeweigerd:
    @pytest.mark.parametrize(
        ("inhoud", "formaat", "code"),
        [
            ("", Bestandsformaat.CSV, "bestand-leeg"),
            ("opdrachtId,soort\n", Bestandsformaat.CSV, "bestand-leeg"),
            ("opdrachtId,soort,BSN\n1,start,1\n", Bestandsformaat.CSV, "kopregel-ongeldig"),
            ('opdrachtId,soort\n1,"start\n', Bestandsformaat.CSV, "geen-csv"),
            ("[]", Bestandsformaat.JSON, "bestand-leeg"),
            ("{}", Bestandsformaat.JSON, "geen-json-array"),
            ('[{"a": 1} {"b": 2}]', Bestandsformaat.JSON, "geen-json"),
            ('[{"a": 1}', Bestandsformaat.JSON, "geen-json"),
        ],
    )
    def test_malformed_files(self, tmp_path: Path, inhoud: str, formaat: Bestandsformaat, code: str) -> None:
        with pytest.raises(BestandOngeldig) as fout:
            tel_regels(schrijf(tmp_path, inhoud), formaat)
        assert fout.value.code == code

    def test_utf8_is_checked_across_chunks(self) -> None:
        controle = Utf8Controle()
        euro = "€".encode()
        controle.voeg_toe(b"a" + euro[:2])
        controle.voeg_toe(euro[2:])
        controle.voeg_toe(b"", laatste=True)
        with pytest.raises(BestandOngeldig):
            Utf8Controle().voeg_toe(b"caf\xe9 ")
