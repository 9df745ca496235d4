"""The providers context's queries, a module per aggregate: `aanbieders` (with contracts and API clients),
`opdrachten` (with versions, PIP facts and the gemeente's reading of reports), `meldingen` (a report's write, for
every channel), `push` (the API's two-statement push), `meldgedrag` (arrears over all opdrachten) and
`aanleveringen` (uploaded files). Each query is scoped to the caller's gemeente, and provider queries to the caller's
aanbieder too: another's opdracht is not found, exactly like one that does not exist."""
