"""The providers context of the Wet inburgering 2021: aanbieders, opdrachten and the progress they report."""
