"""Volunteers' reports from a phone: readings typed in by hand, and observations without a
value (visible dust, an uncovered truck, burning, a strong smell) with an optional photo."""
