"""Bulletins' server side: the chart rendered with matplotlib (kept out of the domain, which
stays light), and the job that drafts what is due."""
