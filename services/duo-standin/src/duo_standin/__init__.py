"""A stand-in for DUO as chain partner of the gemeente (Wet inburgering 2021, plateau 3): it holds
inburgeringsplichtigen by BSN and the facts DUO decides about them, notifies the subscribed gemeente system of each
new fact ("melden, dan ophalen"), serves the fact to that gemeente, and receives the gemeente's reports a–s."""
