"""The portal's forms ask for exactly what the API and the file accept, and say what is wrong in Dutch."""

from __future__ import annotations

import ast
import base64
import hashlib
import time
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path

import pytest
from pydantic import ValidationError

from aanbieder_api.domain.enums import Dienst, Meldingsoort
from aanbieder_api.domain.melding import Aanwezigheid, Eindresultaat, Start
from aanbieder_api.portal import formulieren, html, toegang, wachtwoord


def _wire_names(model: type) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()} - {"soort"}  # type: ignore[attr-defined]


class TestFormulieren:
    def test_every_kind_of_report_has_a_form(self) -> None:
        assert set(formulieren.FORMULIEREN) == set(Meldingsoort)

    @pytest.mark.parametrize("soort", list(Meldingsoort), ids=lambda s: s.value)
    def test_a_form_has_exactly_the_fields_of_its_model(self, soort: Meldingsoort) -> None:
        formulier = formulieren.FORMULIEREN[soort]
        assert {v.naam for v in formulier.velden} == _wire_names(formulier.model)

    @pytest.mark.parametrize("soort", list(Meldingsoort), ids=lambda s: s.value)
    def test_required_in_the_form_is_required_in_the_model(self, soort: Meldingsoort) -> None:
        formulier = formulieren.FORMULIEREN[soort]
        verplicht = {f.alias or n for n, f in formulier.model.model_fields.items() if f.is_required()} - {"soort"}
        assert {v.naam for v in formulier.velden if v.verplicht} == verplicht

    def test_only_the_reports_that_fit_the_part_are_offered(self) -> None:
        toets = {f.soort for f in formulieren.formulieren_voor(Dienst.LEERBAARHEIDSTOETS)}
        assert Meldingsoort.LEERBAARHEIDSTOETS in toets
        assert Meldingsoort.EXAMENRESULTAAT not in toets
        b1 = {f.soort for f in formulieren.formulieren_voor(Dienst.B1_ROUTE)}
        assert {Meldingsoort.AANWEZIGHEID, Meldingsoort.EXAMENRESULTAAT, Meldingsoort.EINDRESULTAAT} <= b1
        assert Meldingsoort.Z_ROUTE_UREN not in b1

    def test_empty_fields_are_left_out_and_a_decimal_comma_is_read(self) -> None:
        formulier = formulieren.FORMULIEREN[Meldingsoort.AANWEZIGHEID]
        body = formulieren.invoer(
            formulier,
            {"periodeVan": "2026-02-01", "periodeTot": "2026-02-28", "urenAanwezig": "12,5", "kenmerk": " ", "x": "y"},
        )
        assert body == {"soort": "aanwezigheid", "periodeVan": "2026-02-01", "periodeTot": "2026-02-28",
                        "urenAanwezig": "12.5"}  # fmt: skip
        assert float(Aanwezigheid.model_validate(body).uren_aanwezig) == 12.5

    def test_errors_name_each_field_in_dutch(self) -> None:
        formulier = formulieren.FORMULIEREN[Meldingsoort.AANWEZIGHEID]
        fouten = self._fouten(formulier, {"periodeVan": "2026-02-01", "urenAanwezig": "veel"})
        assert fouten.per_veld == {
            "periodeTot": "Vul laatste dag van de periode in",
            "urenAanwezig": "Vul bij uren aanwezig een aantal uren in, bijvoorbeeld 12 of 12,5",
        }

    def test_a_rule_across_fields_lands_on_the_field_it_concerns(self) -> None:
        formulier = formulieren.FORMULIEREN[Meldingsoort.AANWEZIGHEID]
        fouten = self._fouten(formulier, {"periodeVan": "2026-02-10", "periodeTot": "2026-02-01", "urenAanwezig": "3"})
        assert list(fouten.per_veld) == ["periodeTot"]
        assert fouten.per_veld["periodeTot"] == "Laatste dag van de periode ligt voor eerste dag van de periode"
        eind = formulieren.FORMULIEREN[Meldingsoort.EINDRESULTAAT]
        fouten = self._fouten(eind, {"datum": "2026-06-01", "resultaat": "niet-behaald"})
        assert list(fouten.per_veld) == ["reden"]
        start = formulieren.FORMULIEREN[Meldingsoort.START]
        fouten = self._fouten(start, {"datum": "2026-03-02", "geplandeEinddatum": "2026-03-01"})
        assert list(fouten.per_veld) == ["geplandeEinddatum"]

    def test_a_rule_about_the_whole_report_is_shown_above_the_form(self) -> None:
        formulier = formulieren.FORMULIEREN[Meldingsoort.AANWEZIGHEID]
        fouten = self._fouten(formulier, {"periodeVan": "2026-01-01", "periodeTot": "2026-03-01", "urenAanwezig": "3"})
        assert fouten.per_veld == {}
        assert fouten.algemeen == ["Een periode van presentie is hoogstens een maand (31 dagen)"]

    def test_a_start_with_all_fields_is_what_the_api_accepts(self) -> None:
        formulier = formulieren.FORMULIEREN[Meldingsoort.START]
        body = formulieren.invoer(formulier, {"datum": "2026-03-02", "redenLateStart": "ziek", "kenmerk": "K-1"})
        assert Start.model_validate(body).reden_late_start == "ziek"
        assert Eindresultaat is formulieren.FORMULIEREN[Meldingsoort.EINDRESULTAAT].model

    @staticmethod
    def _fouten(formulier: formulieren.Meldformulier, waarden: dict[str, str]) -> html.Fouten:
        try:
            formulier.model.model_validate(formulieren.invoer(formulier, waarden))
        except ValidationError as exc:
            return formulieren.fouten_uit(formulier, exc)
        raise AssertionError("expected a validation error")


class TestHtml:
    def test_values_are_escaped(self) -> None:
        veld = html.Veld("toelichting", "Toelichting", "tekstvak")
        uit = html.veld_html(veld, "</textarea><script>alert(1)</script>", None)
        assert "<script>" not in uit
        assert "&lt;script&gt;" in uit

    def test_a_field_error_is_tied_to_its_input_and_listed_in_the_summary(self) -> None:
        velden = [html.Veld("datum", "Datum", "datum", True, hint="JJJJ-MM-DD")]
        fouten = html.Fouten()
        fouten.voeg_toe("datum", "Vul datum in")
        uit = html.formulier("/x", velden, {"datum": ""}, fouten, csrf_token="t", knop="Opslaan")
        assert 'aria-describedby="veld-datum-hint veld-datum-fout"' in uit
        assert 'aria-invalid="true"' in uit
        assert '<a href="#veld-datum">Vul datum in</a>' in uit
        assert uit.index("foutsamenvatting") < uit.index("<form")

    def test_a_choice_is_a_fieldset_with_a_legend(self) -> None:
        veld = html.Veld("resultaat", "Resultaat", "keuze", True, opties=formulieren.UITSLAGEN)
        uit = html.veld_html(veld, "behaald", "Kies resultaat")
        assert uit.startswith('<fieldset class="veld veld-fout" aria-describedby="veld-resultaat-fout">')
        assert "<legend>Resultaat</legend>" in uit
        assert 'id="veld-resultaat-behaald" name="resultaat" value="behaald" checked' in uit

    def test_hours_are_written_the_dutch_way(self) -> None:
        assert [html.uren(v) for v in (40.5, 0.0, 12, 0.25, 100)] == ["40,5", "0", "12", "0,25", "100"]

    def test_a_page_is_dutch_with_a_skip_link_to_the_main_content(self) -> None:
        uit = html.pagina("Opdrachten", "<h1>Opdrachten</h1>", fout=True)
        assert '<html lang="nl">' in uit
        assert '<a class="skiplink" href="#inhoud">' in uit
        assert '<main id="inhoud"' in uit
        assert "<title>Fout: Opdrachten" in uit


class TestBegrenzer:
    def test_failures_count_per_address_within_the_window(self) -> None:
        begrenzer = toegang.Begrenzer(maximum=2, venster=timedelta(milliseconds=200))
        begrenzer.mislukt("192.0.2.1")
        assert not begrenzer.geweigerd("192.0.2.1")
        begrenzer.mislukt("192.0.2.1")
        assert begrenzer.geweigerd("192.0.2.1")
        assert not begrenzer.geweigerd("192.0.2.2")
        time.sleep(0.25)
        assert not begrenzer.geweigerd("192.0.2.1")

    def test_memory_stays_bounded_under_many_addresses(self) -> None:
        begrenzer = toegang.Begrenzer(maximum=1, max_adressen=10)
        for i in range(100):
            begrenzer.mislukt(f"198.51.100.{i}")
        assert len(begrenzer._mislukt) <= 10


class TestWachtwoord:
    def test_a_password_verifies_only_against_its_own_hash(self) -> None:
        opgeslagen = wachtwoord.versleutel("een lang wachtwoord")
        assert opgeslagen.startswith("scrypt$16384$8$1$")
        assert wachtwoord.klopt("een lang wachtwoord", opgeslagen)
        assert not wachtwoord.klopt("een lang wachtwoorD", opgeslagen)
        assert wachtwoord.versleutel("een lang wachtwoord") != opgeslagen  # a fresh salt each time
        assert not wachtwoord.verouderd(opgeslagen)

    def test_a_hash_with_other_parameters_still_verifies_and_is_marked_for_rehashing(self) -> None:
        zout = b"0123456789abcdef"
        oud = hashlib.scrypt(b"geheim wachtwoord", salt=zout, n=2**12, r=8, p=1, dklen=32)
        opgeslagen = f"scrypt$4096$8$1${base64.b64encode(zout).decode()}${base64.b64encode(oud).decode()}"
        assert wachtwoord.klopt("geheim wachtwoord", opgeslagen)
        assert wachtwoord.verouderd(opgeslagen)

    def test_garbage_never_verifies(self) -> None:
        assert not wachtwoord.klopt("x", "")
        assert not wachtwoord.klopt("x", "bcrypt$1$2$3$4$5")
        assert not wachtwoord.klopt("x", "scrypt$a$b$c$d$e")

    def test_short_or_monotonous_passwords_are_refused(self) -> None:
        assert wachtwoord.zwak("kort") is not None
        assert wachtwoord.zwak("aaaaaaaaaaaaaaaa") is not None
        assert wachtwoord.zwak("paard batterij nietje") is None


class TestClientAdres:
    PROXIES = (ip_network("10.0.0.0/8"), ip_network("fd00::/8"))

    def test_without_trusted_proxies_the_peer_counts_whatever_it_forwards(self) -> None:
        assert toegang.client_adres("127.0.0.1", ["198.51.100.7"], ()) == "127.0.0.1"
        assert toegang.client_adres("10.1.2.3", ["198.51.100.7"], ()) == "10.1.2.3"

    def test_a_trusted_proxy_passes_on_the_address_it_saw(self) -> None:
        assert toegang.client_adres("10.1.2.3", ["198.51.100.7"], self.PROXIES) == "198.51.100.7"

    def test_what_the_client_put_before_the_proxies_entries_is_ignored(self) -> None:
        forwarded = ["1.2.3.4, 198.51.100.7", "10.9.9.9"]  # the client's claim, the edge proxy's, an inner proxy's
        assert toegang.client_adres("10.1.2.3", forwarded, self.PROXIES) == "198.51.100.7"

    def test_garbage_where_a_proxy_should_have_written_falls_back_to_the_last_address_vouched_for(self) -> None:
        assert toegang.client_adres("10.1.2.3", ["198.51.100.7, unknown"], self.PROXIES) == "10.1.2.3"
        assert toegang.client_adres("10.1.2.3", [], self.PROXIES) == "10.1.2.3"

    def test_ipv6_proxies_and_a_missing_peer(self) -> None:
        assert toegang.client_adres("fd00::1", ["2001:db8::5"], self.PROXIES) == "2001:db8::5"
        assert toegang.client_adres(None, ["198.51.100.7"], self.PROXIES) == "onbekend"


# The use cases and queries the portal's pages call: framework-free, like the service's `services/`.
USE_CASES = ("toegang", "wachtwoord", "repository", "formulieren", "html", "weergave")


@pytest.mark.parametrize("module", USE_CASES)
def test_the_portals_use_cases_import_no_web_framework(module: str) -> None:
    source = (Path(toegang.__file__).parent / f"{module}.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"fastapi", "starlette"}
