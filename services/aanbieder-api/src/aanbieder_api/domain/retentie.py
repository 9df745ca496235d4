"""How long the provider context keeps a person's data: none of it is among the 50-year data of Besluit inburgering
2021 art. 9.9 (those live in inburgeraar-api), so opdrachten, their versions, the progress providers reported and
the projected PIP facts are deleted 5 years after the plicht ended or after death (handreiking-gegevensverwerking-
privacy.txt, "Bewaartermijnen"). Providers are verwerkers (AVG art. 28): their own copies fall under their
verwerkersovereenkomst, not under this job."""

OVERIGE_JAREN = 5
