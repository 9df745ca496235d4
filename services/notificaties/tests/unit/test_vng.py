from __future__ import annotations

from notificaties.delivery import vng


class TestNotificatie:
    def test_maps_a_cloudevent_to_the_vng_shape(self) -> None:
        event = {
            "id": "e1",
            "type": "nl.inburgering.inburgeraar.warme-overdracht-vastgelegd",
            "time": "2026-03-01T12:00:00+01:00",
            "subject": "0b0f0000-0000-0000-0000-000000000001",
            "dataref": "https://api.example/api/v1/inburgeraars/0b0f0000-0000-0000-0000-000000000001",
            "gemeentecode": "0363",
        }
        assert vng.notificatie(event) == {
            "kanaal": "inburgeraar",
            "hoofdObject": event["dataref"],
            "resource": "warme-overdracht",
            "resourceUrl": event["dataref"],
            "actie": "vastgelegd",
            "aanmaakdatum": "2026-03-01T11:00:00Z",
            "kenmerken": {"gemeentecode": "0363"},
        }

    def test_without_dataref_or_gemeente(self) -> None:
        event = {"type": "nl.inburgering.pip.pip-vastgesteld", "time": "2026-03-01T12:00:00Z", "subject": "abc"}
        result = vng.notificatie(event)
        assert result["hoofdObject"] == "urn:uuid:abc"
        assert (result["kanaal"], result["resource"], result["actie"]) == ("pip", "pip", "vastgesteld")
        assert result["kenmerken"] == {}
