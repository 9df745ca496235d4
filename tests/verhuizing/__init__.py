"""The flow tests of a move (issue 15 §3), a package of their own so they share `gedeeld` by a relative import: a
name no other test folder has (services' `tests` folders are packages too), the same for pytest and mypy."""
