"""Handhaving: de inspanningsverplichting van de Wet inburgering 2021 (art. 23 en 27) en de Awb-procedure."""
