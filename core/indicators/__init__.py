"""Averages and exceedances computed exactly from hourly sums."""
