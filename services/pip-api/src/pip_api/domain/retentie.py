"""How long the plan context keeps a person's data: none of it is among the 50-year data of Besluit inburgering
2021 art. 9.9 (BSN, naam, adres, woonplaats, geboortedatum, vrijstelling, ontheffing, datum en wijze van voldoen:
those live in inburgeraar-api), so all of it is deleted 5 years after the plicht ended or after death
(handreiking-gegevensverwerking-privacy.txt, "Bewaartermijnen")."""

OVERIGE_JAREN = 5
