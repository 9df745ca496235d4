"""What the stand-ins of the chain partners (DUO, COA) share, so that each stand-in holds only its own facts: a fact
and its notification written in one transaction, the notification delivered with back-off until the subscribed
gemeente accepts it ("melden, dan ophalen"), the gemeente's fetch and feed, the fault switches a scenario plays with,
the management routes of those switches, and the test fixtures. Not a part of the gemeente's system: only the
stand-ins import it, and it imports none of them (import-linter)."""
