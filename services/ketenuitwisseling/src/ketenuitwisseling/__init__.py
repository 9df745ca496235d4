"""The gemeente's chain exchange with DUO and COA (Wet inburgering 2021 art. 35 lid 3; Besluit art. 9.3, 9.5, 9.6)."""
