"""The demo: simulated Na Phra Lan stations and their publisher."""
