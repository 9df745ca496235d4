"""Infrastructure shared by the inburgering services. No domain model lives here."""
