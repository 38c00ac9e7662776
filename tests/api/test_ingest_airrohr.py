"""An unmodified Sensor.Community (airrohr) sensor, in both forms its firmware sends.

The bodies and headers below are built the way the firmware builds them, in
opendata-stuttgart/sensors-software at commit e43cf8fde5b60c555c143ec358aee884418ff82e
(SOFTWARE_VERSION_STR "NRZ-2024-135"):
- airrohr-firmware/utils.cpp `add_Value2Json`: `{"value_type":"<t>","value":"<v>"},` with
  the value as Arduino's `String(float)` (two decimals);
- airrohr-firmware/airrohr-firmware.ino `data_first_part`
  (`{"software_version": "…", "sensordatavalues":[`), the main loop appending `samples`,
  `min_micro`, `max_micro`, `interval` and `signal` and closing with `]}`;
- `send2custom`: the first character dropped and `{"esp8266id": "<chip id>", ` put in front,
  sent with HTTP Basic when the own API user or password is set (`sendData`);
- `sendSensorCommunity`: one body per sensor with its prefix (`SDS_`, `BME280_`) removed,
  sent with `X-PIN` (ext_def.h: SDS_API_PIN 1, BME280_API_PIN 11) and
  `X-Sensor: esp8266-<chip id>` (defines.h SENSOR_BASENAME).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.access.principal import system_principal
from core.accounts.api_keys import create_api_key
from core.accounts.schemas import ApiKeyCreate
from core.models import Reading, ReadingMetadata, ReadingSource, RejectedMessage, Station
from core.standards.parameters import BY_ID
from tests.api.conftest import Api
from tests.factories import make_station

CHIP = "13463743"
VERSION = "NRZ-2024-135"
OWN_API = "/ingest/airrohr"
PER_SENSOR = "/ingest/airrohr/v1/push-sensor-data/"


def value(value_type: str, text: str) -> str:
    """`add_Value2Json`, byte for byte."""
    return '{"value_type":"' + value_type + '","value":"' + text + '"},'


def firmware_data(values: str) -> str:
    """The loop's `data`: first part, the sensors' values, the device's own, closed."""
    data = '{"software_version": "' + VERSION + '", "sensordatavalues":[' + values
    data += value("samples", "2471392") + value("min_micro", "28")
    data += value("max_micro", "20071") + value("interval", "145000") + value("signal", "-62")
    return data.removesuffix(",") + "]}"


def own_api_body(values: str, chip: str = CHIP) -> bytes:
    """`send2custom`: `data` without its first character, behind the chip id."""
    data = firmware_data(values)
    return ('{"esp8266id": "' + chip + '", ' + data[1:]).encode()


def per_sensor_body(values: str, prefix: str) -> bytes:
    """`sendSensorCommunity`: one sensor's values, trailing comma removed, prefix replaced."""
    data = '{"software_version": "' + VERSION + '", "sensordatavalues":[' + values
    return (data.removesuffix(",").replace(prefix, "") + "]}").encode()


SDS = value("SDS_P1", "12.30") + value("SDS_P2", "7.10")
BME280 = (
    value("BME280_temperature", "28.40")
    + value("BME280_pressure", "100512.34")
    + value("BME280_humidity", "71.20")
)


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def firmware_headers(chip: str = CHIP, pin: int | None = None) -> dict[str, str]:
    """`sendData`'s headers (the User-Agent is the firmware's too)."""
    headers = {
        "Content-Type": "application/json",
        "X-Sensor": f"esp8266-{chip}",
        "X-MAC-ID": "esp8266-a4cf12d9e07b",
        "User-Agent": f"{VERSION}/{chip}/a4cf12d9e07b",
    }
    if pin is not None:
        headers["X-PIN"] = str(pin)
    return headers


@pytest.fixture
def station(api: Api) -> Station:
    found = make_station(api.session)
    api.session.commit()
    return found


def device_key(api: Api, station: Station) -> str:
    created = create_api_key(
        api.session,
        actor=system_principal("test"),
        data=ApiKeyCreate(name="airrohr", station_code=station.code),
        now=datetime.now(UTC),
    )
    api.session.commit()
    return created.key


def stored(api: Api, station: Station) -> dict[str, float]:
    api.session.expire_all()
    rows = api.session.execute(
        select(Reading.parameter_id, Reading.value_milli, Reading.source).where(
            Reading.station_id == station.id
        )
    )
    found = {}
    for parameter_id, value_milli, source in rows:
        assert source == ReadingSource.AIRROHR
        found[BY_ID[parameter_id].code] = value_milli / 1000
    return found


def rejected(api: Api) -> list[tuple[str, str]]:
    api.session.expire_all()
    rows = api.session.execute(
        select(RejectedMessage.source, RejectedMessage.reason).order_by(RejectedMessage.id)
    )
    return [(source, reason) for source, reason in rows]


def test_the_own_api_body_lands_with_its_metadata(api: Api, station: Station) -> None:
    key = device_key(api, station)
    response = api.client.post(
        OWN_API,
        content=own_api_body(SDS + BME280),
        headers=firmware_headers() | basic(station.code, key),
    )

    assert response.status_code == 200, response.text
    assert stored(api, station) == {
        "pm10": 12.3,
        "pm25": 7.1,
        "temperature": 28.4,
        "pressure": 1005.123,
        "humidity": 71.2,
    }
    assert response.json()["rejected"] == []
    metadata = api.session.scalars(select(ReadingMetadata)).one()
    assert metadata.station_id == station.id
    assert metadata.values == {
        "chip_id": CHIP,
        "software_version": VERSION,
        "samples": "2471392",
        "min_micro": "28",
        "max_micro": "20071",
        "interval": "145000",
        "signal": "-62",
    }
    api.session.refresh(station)
    assert station.airrohr_chip_id == CHIP


def test_the_per_sensor_form_lands_by_pin(api: Api, station: Station) -> None:
    key = device_key(api, station)
    auth = basic(station.code, key)

    pm = api.client.post(
        PER_SENSOR,
        content=per_sensor_body(SDS, "SDS_"),
        headers=firmware_headers(pin=1) | auth,
    )
    climate = api.client.post(
        PER_SENSOR,
        content=per_sensor_body(BME280, "BME280_"),
        headers=firmware_headers(pin=11) | auth,
    )

    assert (pm.status_code, climate.status_code) == (200, 200), (pm.text, climate.text)
    assert [r["parameter"] for r in pm.json()["accepted"]] == ["pm10", "pm25"]
    assert stored(api, station) == {
        "pm10": 12.3,
        "pm25": 7.1,
        "temperature": 28.4,
        "pressure": 1005.123,
        "humidity": 71.2,
    }


def test_a_failed_sensor_read_and_nan_are_refused_the_rest_lands(
    api: Api, station: Station
) -> None:
    """The firmware sends -128 / -1 after a failed BME280 read; "nan" is what
    `String(float)` prints for NaN."""
    key = device_key(api, station)
    values = (
        value("SDS_P1", "nan")
        + value("SDS_P2", "7.10")
        + value("BME280_temperature", "-128.00")
        + value("BME280_pressure", "-1.00")
    )
    response = api.client.post(
        OWN_API, content=own_api_body(values), headers=firmware_headers() | basic(station.code, key)
    )

    assert response.status_code == 200
    assert stored(api, station) == {"pm25": 7.1}
    reasons = [r["reason"] for r in response.json()["rejected"]]
    assert reasons[0] == "sensordatavalues 0: SDS_P1 value 'nan' is not a finite number"
    assert "outside the physically possible range" in reasons[1]
    assert "outside the physically possible range" in reasons[2]
    assert [r[1] for r in rejected(api)] == reasons
    assert {r[0] for r in rejected(api)} == {"airrohr"}


def test_without_basic_auth_401_with_what_to_type_and_a_record(api: Api, station: Station) -> None:
    response = api.client.post(
        PER_SENSOR, content=per_sensor_body(SDS, "SDS_"), headers=firmware_headers(pin=1)
    )

    assert response.status_code == 401
    assert "station code" in response.json()["detail"]
    assert rejected(api)[0][0] == "airrohr"


def test_wrong_key_and_another_stations_key_are_refused_and_recorded(
    api: Api, station: Station
) -> None:
    other = make_station(api.session)
    other_key = device_key(api, other)
    device_key(api, station)
    body = own_api_body(SDS)

    wrong = api.client.post(
        OWN_API, content=body, headers=firmware_headers() | basic(station.code, "dw_x_y")
    )
    borrowed = api.client.post(
        OWN_API, content=body, headers=firmware_headers() | basic(station.code, other_key)
    )

    assert wrong.status_code == 401
    assert borrowed.status_code == 403
    assert f"only as station {other.code}" in borrowed.json()["detail"]
    assert len(rejected(api)) == 2
    assert stored(api, station) == {}


def test_another_chip_for_a_bound_station_is_refused(api: Api, station: Station) -> None:
    key = device_key(api, station)
    auth = basic(station.code, key)
    first = api.client.post(OWN_API, content=own_api_body(SDS), headers=firmware_headers() | auth)
    stranger = api.client.post(
        OWN_API, content=own_api_body(SDS, chip="999"), headers=firmware_headers("999") | auth
    )

    assert first.status_code == 200
    assert stranger.status_code == 403
    assert "belongs to airrohr chip 13463743, not 999" in stranger.json()["detail"]
    assert rejected(api)[0][0] == "airrohr"


def test_a_chip_of_another_station_is_refused(api: Api, station: Station) -> None:
    make_station(api.session, airrohr_chip_id=CHIP)
    key = device_key(api, station)

    response = api.client.post(
        OWN_API, content=own_api_body(SDS), headers=firmware_headers() | basic(station.code, key)
    )

    assert response.status_code == 403
    assert "belongs to another station" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "headers", "reason"),
    [
        (OWN_API, b'{"esp8266id": "1"}', {}, "sensordatavalues must be a non-empty list"),
        (OWN_API, b"\x00\xff", {}, "not JSON"),
        (OWN_API, b"[1]", {}, "JSON object with sensordatavalues"),
        (
            OWN_API,
            b'{"sensordatavalues": [{"value_type": "SDS_P1", "value": "1"}]}',
            {"X-Sensor": "pi-1"},
            "no chip id",
        ),
        (PER_SENSOR, per_sensor_body(SDS, "SDS_"), {"X-Sensor": f"esp8266-{CHIP}"}, "X-Pin"),
        (
            OWN_API,
            b'{"esp8266id": "1", "sensordatavalues": "x' + b"y" * 300_000 + b'"}',
            {},
            "larger than",
        ),
    ],
    ids=["no-values", "binary", "list", "no-chip", "no-pin", "large"],
)
def test_hostile_bodies_get_a_reason_and_a_record(
    api: Api, station: Station, path: str, body: bytes, headers: dict[str, str], reason: str
) -> None:
    key = device_key(api, station)
    response = api.client.post(
        path,
        content=body,
        headers={"Content-Type": "application/json"} | headers | basic(station.code, key),
    )

    assert response.status_code == 422, response.text
    assert reason in response.text
    assert len(rejected(api)) == 1
