"""Factories' periodic reports: a file (CSV or JSON) of fence-line and stack measurements for
a reporting period, accepted whole or refused whole with every row's error, kept as sent,
its measurements stored as readings; and the schedule that says which reports are late."""
