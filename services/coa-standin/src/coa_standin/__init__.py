"""A stand-in for COA as chain partner of the gemeente (Wet inburgering 2021, plateau 3): it holds koppelingen of
statushouders to gemeenten (with or without a BSN yet) and their klantprofielen, which change over time, and notifies
the subscribed gemeente system of each new fact ("melden, dan ophalen"); the gemeente fetches the fact here."""
