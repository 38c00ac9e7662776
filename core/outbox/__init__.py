"""Alert delivery: subscriptions, and the outbox every message is stored in before it is sent."""
