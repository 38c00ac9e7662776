"""Accounts: users and their passwords, sign-in tokens, browser sessions, API keys."""
