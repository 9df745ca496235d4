"""Regenerate every service's contracts from its code (`make contracts`)."""

from pathlib import Path

from inburgering_kit.contracts import service_contracts
from inburgering_kit.registry import load_services

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    # An interaction layer (the werkplek) has pages for people and no API of its own: no contract to publish.
    for service in (s for s in load_services(ROOT) if s.owns_data):
        for relative, content in service_contracts(service).items():
            target = ROOT / "contracts" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
            print(f"wrote contracts/{relative}")
