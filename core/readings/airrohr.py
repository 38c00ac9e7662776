"""Sensor.Community (airrohr) firmware, unmodified, in both forms it sends.

Shapes as built by opendata-stuttgart/sensors-software airrohr-firmware/airrohr-firmware.ino
(`sendData`, `sendSensorCommunity`, and `send2custom` in the main loop) with
`add_Value2Json` (utils.cpp) and the API pins of ext_def.h:

- per sensor, as posted to the Sensor.Community API: headers `X-Pin: 1` (SDS011, PMS…,
  HPM, NPM, IPS, SPS30), `11` (BME280), `3` (BMP180/BMP280), `7` (DHT22, HTU21D, SHT3x),
  …, `X-Sensor: esp8266-<chip id>`; body
  `{"software_version": "NRZ-2024-135", "sensordatavalues":[{"value_type":"P1","value":"12.30"},…]}`
  with the sensor's prefix (`SDS_`) taken off the value types;
- "send to own API": one body for every sensor,
  `{"esp8266id": "<chip id>", "software_version": …, "sensordatavalues":[{"value_type":"SDS_P1",…},
  …,{"value_type":"samples",…},{"value_type":"min_micro",…},{"value_type":"max_micro",…},
  {"value_type":"interval",…},{"value_type":"signal",…}]}`.

Values are strings (`String(float)`: two decimals) and there is no time stamp: a reading's time
is the time of receipt. P1 is PM10 and P2 PM2.5 in µg/m³ for every PM sensor except the
PPD42NS (pin 5, `PPD_`), which counts particles per litre and is kept as metadata. BME280,
BMP280 and BMP180 send pressure in Pa; dustwatch stores hPa. Everything not mapped to a
parameter (`samples`, `signal`, PM1 `P0`, CO2, noise, GPS, …) is kept as the message's
metadata (`reading_metadata`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from core.readings.native import MAX_PAYLOAD_BYTES, Parsed, payload_text
from core.readings.pipeline import CandidateReading, Rejection

MAX_VALUES = 200
CHIP_ID = re.compile(r"^[0-9A-Za-z]{1,20}$")
X_SENSOR = re.compile(r"^(esp8266|esp32)-([0-9A-Za-z]{1,20})$")

PM_PREFIXES = ("SDS_", "PMS_", "HPM_", "NPM_", "IPS_", "SPS30_")
CLIMATE_PREFIXES = ("BME280_", "BMP280_", "BMP_", "DHT_", "HTU21D_", "SHT3X_", "SCD30_", "DS18B20_")
PA_PER_HPA = Decimal(100)

PIN_KINDS: dict[int, str] = {
    1: "pm",
    3: "climate",
    7: "climate",
    11: "climate",
    13: "climate",
    17: "climate",
}
"""Which X-Pin values carry mapped values: PM sensors, or temperature/humidity/pressure.
Other pins (5 PPD42NS counts, 9 GPS, 15 noise) are kept as metadata only."""

PM_TYPES = {"P1": "pm10", "P2": "pm25"}
CLIMATE_TYPES = {"temperature": "temperature", "humidity": "humidity", "pressure": "pressure"}


@dataclass
class AirrohrMessage:
    """What the parser made of one airrohr body: readings, refusals, and the rest."""

    parsed: Parsed = field(default_factory=Parsed)
    metadata: dict[str, str] = field(default_factory=dict)


def chip_id_from_x_sensor(header: str | None) -> str | None:
    """`esp8266-12345678` or `esp32-a1b2c3` -> the chip id; None for anything else."""
    if header is None:
        return None
    match = X_SENSOR.match(header.strip())
    return match.group(2) if match is not None else None


def read_body(payload: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The body as a JSON object, or None and the reason it is not one."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        return None, f"payload larger than {MAX_PAYLOAD_BYTES} bytes"
    try:
        document = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        return None, f"payload is not JSON: {error}"
    if not isinstance(document, dict):
        return None, "an airrohr body is a JSON object with sensordatavalues"
    return document, None


def parse_airrohr(
    document: dict[str, Any],
    *,
    payload: bytes,
    pin: int | None,
    station_id: int,
    station_code: str,
    received_at: datetime,
    origin: str,
) -> AirrohrMessage:
    """Candidates from one airrohr body for a known station. `pin` is the `X-Pin` of the
    per-sensor form (value types without prefix), None for the own-API form (prefixed)."""
    message = AirrohrMessage()

    def refuse(reason: str, text: str | None = None) -> AirrohrMessage:
        message.parsed.rejections.append(
            Rejection(
                received_at=received_at,
                origin=origin,
                payload=payload_text(payload) if text is None else text,
                reason=reason,
                station_code=station_code,
            )
        )
        return message

    values = document.get("sensordatavalues")
    if not isinstance(values, list) or not values:
        return refuse("sensordatavalues must be a non-empty list")
    if len(values) > MAX_VALUES:
        return refuse(f"more than {MAX_VALUES} sensordatavalues")
    version = document.get("software_version")
    if isinstance(version, str):
        message.metadata["software_version"] = version[:100]
    for position, item in enumerate(values):
        label = f"sensordatavalues {position}: "
        if not (
            isinstance(item, dict)
            and isinstance(item.get("value_type"), str)
            and isinstance(item.get("value"), str | int | float)
            and not isinstance(item.get("value"), bool)
        ):
            refuse(
                f"{label}each value needs a value_type and a value", json.dumps(item, default=str)
            )
            continue
        value_type: str = item["value_type"][:64]
        raw = str(item["value"])[:64]
        parameter = _parameter(value_type, pin)
        if parameter is None:
            message.metadata[value_type] = raw
            continue
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            refuse(f"{label}{value_type} value {raw!r} is not a number", json.dumps(item))
            continue
        if not value.is_finite():
            refuse(f"{label}{value_type} value {raw!r} is not a finite number", json.dumps(item))
            continue
        if parameter == "pressure":
            value = value / PA_PER_HPA
        message.parsed.candidates.append(
            CandidateReading(
                station_id=station_id,
                station_code=station_code,
                parameter=parameter,
                value=value,
                time=received_at,
                received_at=received_at,
                origin=origin,
                payload=item,
                label=label,
            )
        )
    return message


def _parameter(value_type: str, pin: int | None) -> str | None:
    """The dustwatch parameter a value type stands for, or None to keep it as metadata."""
    if pin is not None:
        kind = PIN_KINDS.get(pin)
        if kind == "pm":
            return PM_TYPES.get(value_type)
        if kind == "climate":
            return CLIMATE_TYPES.get(value_type)
        return None
    for prefix in PM_PREFIXES:
        if value_type.startswith(prefix):
            return PM_TYPES.get(value_type.removeprefix(prefix))
    for prefix in CLIMATE_PREFIXES:
        if value_type.startswith(prefix):
            return CLIMATE_TYPES.get(value_type.removeprefix(prefix))
    # The DHT22's values carry no prefix in the combined body either.
    return CLIMATE_TYPES.get(value_type)
