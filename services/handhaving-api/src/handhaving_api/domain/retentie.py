"""How long the enforcement context keeps a person's data: none of it is among the 50-year data of Besluit
inburgering 2021 art. 9.9 (those live in inburgeraar-api), so violations, procedures, warnings, fines, bezwaar and
beroep, Participatiewet measures, DUO's fines and the history taken over from a previous gemeente are deleted 5 years
after the plicht ended or after death (handreiking-gegevensverwerking-privacy.txt, "Bewaartermijnen").
The gemeente's verordeningen are no person's data."""

OVERIGE_JAREN = 5
