"""pip-api: the PIP (Persoonlijk Plan Inburgering en Participatie, Wet inburgering art. 15-17)."""
