"""dustwatch domain: settings, schema, standards, indicators and services, free of any framework."""
