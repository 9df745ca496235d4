"""Server-rendered HTML for people, shared by every page-serving part of the system (the provider portal, the
werkplek): plain Python string building, with every value that comes from a database, an API or the request passed
through `e` (html.escape), so no text can inject markup.

Built for people who use a keyboard, a screen reader or a magnifier (WCAG 2.1 AA, as the Dutch government requires
of its websites): a label for every input, related choices in a fieldset with a legend, and after a refused submit
an error summary at the top that links to each field, with the field's own message tied to it by
`aria-describedby`. No JavaScript: every form works as a plain form, and the browser's own date picker is used for
dates. Each application adds its own page frame (`pagina`) around these pieces, and serves `stylesheet`: the base
rules these pieces need (basis.css, beside this module), then its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from html import escape
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo

_TIJDZONE = ZoneInfo("Europe/Amsterdam")


@cache
def stylesheet(eigen: str = "") -> bytes:
    """One stylesheet for an application: the shared base rules, then its own (which may override them)."""
    basis = resources.files("inburgering_kit").joinpath("basis.css").read_text(encoding="utf-8")
    return (basis + eigen).encode()


_MAANDEN = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def e(value: object) -> str:
    return escape(str(value), quote=True)


def datum(d: date | str | None) -> str:
    if d is None or d == "":
        return "—"
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return f"{d.day} {_MAANDEN[d.month - 1]} {d.year}"


def tijdstip(t: datetime | None) -> str:
    if t is None:
        return "—"
    lokaal = t.astimezone(_TIJDZONE)
    return f"{datum(lokaal.date())} om {lokaal:%H:%M}"


def uren(waarde: Decimal | float | int) -> str:
    """Hours the Dutch way: a decimal comma, no trailing zeros (40,5 and 0, not 40.50 and 0.0)."""
    tekst = f"{Decimal(str(waarde)).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return tekst.replace(".", ",")


def melding_box(tekst: str) -> str:
    """A confirmation after a successful submit, announced by screen readers without moving focus."""
    return f'<div class="bevestiging" role="status"><p>{e(tekst)}</p></div>'


# ---- forms ----

Soort = Literal["tekst", "datum", "uren", "tekstvak", "keuze", "lijst", "email", "wachtwoord"]


@dataclass(frozen=True)
class Veld:
    naam: str  # the wire name: the same name as in the API body and the file's column
    label: str
    soort: Soort = "tekst"
    verplicht: bool = False
    hint: str | None = None
    opties: tuple[tuple[str, str], ...] = ()  # (value, label)
    autocomplete: str | None = None

    @property
    def id(self) -> str:
        return f"veld-{self.naam}"

    @property
    def eerste_id(self) -> str:
        """Where the error summary links to: the first radio button of a choice, else the input itself."""
        if self.soort == "keuze" and self.opties:
            return f"{self.id}-{self.opties[0][0]}"
        return self.id


@dataclass
class Fouten:
    """The errors of one submit: per field (wire name) and for the form as a whole, in the order found."""

    per_veld: dict[str, str] = field(default_factory=dict)
    algemeen: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.per_veld or self.algemeen)

    def voeg_toe(self, naam: str | None, tekst: str) -> None:
        if naam is None:
            self.algemeen.append(tekst)
        else:
            self.per_veld.setdefault(naam, tekst)


def foutsamenvatting(fouten: Fouten, velden: Iterable[Veld]) -> str:
    if not fouten:
        return ""
    bekend = {v.naam: v for v in velden}
    items = [f"<li>{e(t)}</li>" for t in fouten.algemeen]
    for naam, tekst in fouten.per_veld.items():
        veld = bekend.get(naam)
        items.append(f'<li><a href="#{e(veld.eerste_id)}">{e(tekst)}</a></li>' if veld else f"<li>{e(tekst)}</li>")
    # Without JavaScript: `autofocus` puts the keyboard and screen reader focus on the summary when the page loads
    # (tabindex -1 makes it focusable), and role="alert" has it read out at once.
    return (
        '<div class="foutsamenvatting" role="alert" aria-labelledby="foutsamenvatting-titel" tabindex="-1" autofocus>'
        '<h2 id="foutsamenvatting-titel">Er is een probleem</h2>'
        f"<ul>{''.join(items)}</ul></div>"
    )


def _beschrijving(veld: Veld, fout: str | None) -> tuple[str, str]:
    """The hint and error paragraphs and the ids that `aria-describedby` lists."""
    delen, ids = [], []
    if veld.hint:
        delen.append(f'<p class="hint" id="{veld.id}-hint">{e(veld.hint)}</p>')
        ids.append(f"{veld.id}-hint")
    if fout:
        delen.append(f'<p class="foutmelding" id="{veld.id}-fout"><span class="verborgen">Fout: </span>{e(fout)}</p>')
        ids.append(f"{veld.id}-fout")
    described = f' aria-describedby="{" ".join(ids)}"' if ids else ""
    return "".join(delen), described


def _label_tekst(veld: Veld) -> str:
    return e(veld.label) + ("" if veld.verplicht else ' <span class="optioneel">(niet verplicht)</span>')


def veld_html(veld: Veld, waarde: str, fout: str | None) -> str:
    beschrijving, described = _beschrijving(veld, fout)
    invalid = ' aria-invalid="true"' if fout else ""
    klasse = "veld veld-fout" if fout else "veld"
    autocomplete = f' autocomplete="{e(veld.autocomplete)}"' if veld.autocomplete else ""
    if veld.soort == "keuze":
        keuzes = "".join(
            f'<div class="keuze"><input type="radio" id="{veld.id}-{e(w)}" name="{e(veld.naam)}" value="{e(w)}"'
            f"{' checked' if w == waarde else ''}{invalid}>"
            f'<label for="{veld.id}-{e(w)}">{e(t)}</label></div>'
            for w, t in veld.opties
        )
        return (
            f'<fieldset class="{klasse}"{described}><legend>{_label_tekst(veld)}</legend>'
            f"{beschrijving}{keuzes}</fieldset>"
        )
    label = f'<label for="{veld.id}">{_label_tekst(veld)}</label>'
    attrs = f'id="{veld.id}" name="{e(veld.naam)}"{described}{invalid}{autocomplete}'
    if veld.soort == "lijst":
        opties = '<option value="">Kies…</option>' + "".join(
            f'<option value="{e(w)}"{" selected" if w == waarde else ""}>{e(t)}</option>' for w, t in veld.opties
        )
        control = f"<select {attrs}>{opties}</select>"
    elif veld.soort == "tekstvak":
        control = f'<textarea {attrs} rows="4">{e(waarde)}</textarea>'
    else:
        kind, extra = {
            "datum": ("date", ""),
            "uren": ("text", ' inputmode="decimal" class="kort"'),
            "email": ("email", ' spellcheck="false"'),
            "wachtwoord": ("password", ""),
            "tekst": ("text", ""),
        }[veld.soort]
        value = "" if veld.soort == "wachtwoord" else f' value="{e(waarde)}"'
        control = f'<input type="{kind}" {attrs}{value}{extra}>'
    return f'<div class="{klasse}">{label}{beschrijving}{control}</div>'


def formulier(
    actie: str,
    velden: Sequence[Veld],
    waarden: Mapping[str, str],
    fouten: Fouten,
    *,
    csrf_token: str,
    knop: str,
    verborgen: Mapping[str, str] | None = None,
) -> str:
    """A form that the server validates: `novalidate`, so the browser's own bubbles (not announced the same way
    everywhere, and in the browser's language) do not stand in for the error summary."""
    hidden = {"csrf": csrf_token, **(verborgen or {})}
    hidden_html = "".join(f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in hidden.items())
    inputs = "".join(veld_html(v, waarden.get(v.naam, ""), fouten.per_veld.get(v.naam)) for v in velden)
    return (
        f"{foutsamenvatting(fouten, velden)}"
        f'<form method="post" action="{e(actie)}" novalidate>{hidden_html}{inputs}'
        f'<button type="submit" class="knop">{e(knop)}</button></form>'
    )


def tabel(kop: Sequence[str], rijen: Iterable[Sequence[str]], bijschrift: str) -> str:
    """A table; cells are HTML (escape values with `e`). The caption names it for screen readers."""
    head = "".join(f'<th scope="col">{e(k)}</th>' for k in kop)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in rij) + "</tr>" for rij in rijen)
    return f"<table><caption>{e(bijschrift)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def gegevenslijst(rijen: Iterable[tuple[str, str]]) -> str:
    """Label-value pairs as a description list; values are HTML."""
    items = "".join(f"<div><dt>{e(k)}</dt><dd>{v}</dd></div>" for k, v in rijen)
    return f'<dl class="gegevens">{items}</dl>'
