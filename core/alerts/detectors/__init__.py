"""Detectors: for each kind of alert rule that is not a measurement, the conditions that hold
now. Plain functions of the data and the rule's parameters, so the rules engine only maps a
rule to keyword arguments and opens, updates and resolves one alert per condition."""
