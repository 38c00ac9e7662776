"""Devices on MQTT: station credentials, the topic rule, and Mosquitto's password and ACL files."""
