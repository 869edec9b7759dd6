"""The outbox: every email or text the portal sends is first a row here."""
