"""Readings in: the MQTT subscriber, its writer, and the embedded broker."""
