"""Sending the outbox: one small class per channel, and the dispatcher that drives them."""
