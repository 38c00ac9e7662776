"""Names of the domain's codes as people read them, marked for translation."""

from __future__ import annotations

from api.web.i18n import N_

ROLE_NAMES = {
    "volunteer": N_("Volunteer"),
    "operator": N_("Operator"),
    "official": N_("Official"),
    "backbone": N_("Backbone staff"),
    "admin": N_("Administrator"),
}
GROUP_NAMES = {
    "affected_community": N_("Affected community"),
    "operator": N_("Operator (factory, quarry, mill)"),
    "subdistrict_administration": N_("Subdistrict administration (SAO)"),
    "local_government": N_("Local government (headman, kamnan, district)"),
    "ministry_of_industry": N_("Ministry of Industry"),
    "backbone": N_("Backbone unit"),
    "other": N_("Other"),
}
KIND_NAMES = {
    "volunteer": N_("Volunteer sensor"),
    "factory": N_("Factory monitor"),
    "reference": N_("Reference station"),
}
PARAMETER_NAMES = {
    "pm25": N_("PM2.5 (fine dust)"),
    "pm10": N_("PM10 (dust)"),
    "tsp": N_("Total suspended particulates"),
    "o3": N_("Ozone"),
    "no2": N_("Nitrogen dioxide"),
    "so2": N_("Sulphur dioxide"),
    "co": N_("Carbon monoxide"),
    "temperature": N_("Air temperature"),
    "humidity": N_("Relative humidity"),
    "stack_pm": N_("Stack particulate matter"),
    "do": N_("Dissolved oxygen (DO)"),
    "bod": N_("Biochemical oxygen demand (BOD)"),
    "ph": N_("pH (acidity)"),
    "nh3n": N_("Ammonia nitrogen (NH3-N)"),
}
UNIT_DIGITS = {"mg/L": 2, "pH": 2}
"""Decimals shown for water measures, whose limits (DO 4.0, NH3-N 0.5) are near the values:
one decimal would show 3.96 mg/L as 4."""
UNITS = {"ug/m3": "µg/m³", "degC": "°C", "mg/Nm3": "mg/Nm³", "deg": "°", "pH": ""}
SECTOR_NAMES = {
    "N": N_("North"),
    "NE": N_("North-east"),
    "E": N_("East"),
    "SE": N_("South-east"),
    "S": N_("South"),
    "SW": N_("South-west"),
    "W": N_("West"),
    "NW": N_("North-west"),
}
"""Compass sectors the wind blows from (core/indicators/wind.py)."""
