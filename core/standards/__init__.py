"""Standards, AQI scales and the measured parameters, as data with their sources."""
