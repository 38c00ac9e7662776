"""Indicators for a station, an area or the whole deployment over a period of local days, from
the daily rollups (and the hourly ones for 8-hour and 1-hour standards), never from readings.

The rules, stated in each figure of the answer:
- A day is a local day in the deployment's zone; its mean is valid with at least 18 hours.
- Exceedance days count valid days only, each against the version of the standard in force
  that day (PM2.5 24-h: 50 ug/m3 before 2023-06-01, 37.5 from). The day's figure is first
  reduced to the precision of the Thai AQI scale in force that day (half-up), as the 24-hour
  verdicts do, so that "over the standard" and "AQI above 100" agree.
- An area's day is its worst valid station that day; the whole deployment's day is the worst
  area's, i.e. the worst visible station. Period means, AQI bands and exceedances of an area
  count those days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.scope import StationScope
from core.indicators.averages import MIN_VALID_HOURS
from core.indicators.daily import DayRow, daily_rows, exact_quotient, hours_in_day
from core.indicators.periods import (
    RULE_1H,
    RULE_8H,
    RULE_ANNUAL,
    annual_means,
    max_1h_means,
    max_8h_means,
)
from core.indicators.schemas import (
    AnnualMeanPublic,
    AnnualMeansFigure,
    AqiBandsFigure,
    BandDays,
    ChangeFigure,
    CompletenessFigure,
    DayPublic,
    ExceedancesByVersion,
    ExceedancesFigure,
    IndicatorsPublic,
    LeftOutFigure,
    PeriodMeanFigure,
    ScopePublic,
    StandardVersionPublic,
    StationSummary,
    ValidDaysFigure,
    WorstDayFigure,
)
from core.kit.errors import InvalidInput, NotFound
from core.models import DailyAggregate, Station
from core.standards.aqi import compute_aqi, reduce_to_precision
from core.standards.catalogue import (
    AqiScale,
    Bound,
    Standard,
    load_standards,
    outside,
    standard_by_id,
    standard_series,
    thai_aqi_scale,
    worse,
)
from core.standards.parameters import BY_CODE, ParameterInfo, parameter_by_code

MAX_PERIOD_DAYS = 3660
"""Ten years: longer periods are refused rather than left to run."""
SUPPORTED_PERIODS = ("24h", "8h", "1h", "1y")
DEFAULT_PERIOD_ORDER = ("24h", "8h", "1h", "1y")
UNIT_FACTORS: dict[tuple[str, str], Decimal] = {
    ("ppm", "ppb"): Decimal(1000),
    ("ppb", "ppm"): Decimal("0.001"),
    ("mg/m3", "ug/m3"): Decimal(1000),
    ("ug/m3", "mg/m3"): Decimal("0.001"),
}
"""Exact conversions only; ug/m3 <-> ppb needs a molar mass and a temperature and is refused."""
SHOWN = Decimal("0.001")

RULE_DAY = (
    f"Daily mean: mean of the hourly means of a local day ({{zone}}), valid with at least "
    f"{MIN_VALID_HOURS} hours of data."
)
RULE_AREA = (
    " For an area, a day is the area's worst valid station that day; for the whole deployment, "
    "the worst area's (the worst visible station)."
)
RULE_EXCEEDANCE = (
    "Valid days only, each against the version of the standard in force that day; the day's "
    "figure is reduced to the precision of the Thai AQI scale in force that day (half-up) "
    "before it is compared, so that over the standard and AQI above 100 agree. A standard "
    "that sets a minimum (dissolved oxygen) is broken strictly below it, a range (pH) strictly "
    "outside its ends; their parameters have no AQI scale and are compared exactly."
)


def _shown(value: Decimal | Fraction) -> float:
    exact = value if isinstance(value, Decimal) else Decimal(value.numerator) / value.denominator
    return float(exact.quantize(SHOWN, rounding=ROUND_HALF_UP))


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass(frozen=True)
class Target:
    kind: Literal["station", "area", "stations", "deployment"]
    station_code: str | None
    area: str | None
    stations: list[Station]


def resolve_target(
    session: Session,
    scope: StationScope,
    *,
    station_code: str | None,
    area: str | None,
    station_codes: Collection[str] | None = None,
) -> Target:
    """The stations an indicator covers, among those the scope may see: one station, an
    area, a set of stations (counted like an area), or every one."""
    if station_code is not None and area is not None:
        raise InvalidInput("give a station or an area, not both")
    query = select(Station).where(scope.visible()).order_by(Station.code)
    if station_codes is not None:
        if station_code is not None or area is not None:
            raise InvalidInput("give a set of stations alone")
        wanted = {code.strip().lower() for code in station_codes}
        found = session.scalars(query.where(func.lower(Station.code).in_(wanted))).all()
        if not found:
            raise NotFound("none of these stations is one you may see")
        return Target("stations", None, None, list(found))
    if station_code is not None:
        found = session.scalars(
            query.where(func.lower(Station.code) == station_code.strip().lower())
        ).all()
        if not found:
            raise NotFound(f"no station {station_code!r}")
        return Target("station", found[0].code, found[0].area, list(found))
    if area is not None:
        found = session.scalars(query.where(Station.area == area)).all()
        if not found:
            raise NotFound(f"no area {area!r} with stations you may see")
        return Target("area", None, area, list(found))
    return Target("deployment", None, None, list(session.scalars(query)))


def unit_factor(standard: Standard, parameter: ParameterInfo) -> Decimal:
    if standard.unit == parameter.unit:
        return Decimal(1)
    factor = UNIT_FACTORS.get((standard.unit, parameter.unit))
    if factor is None:
        raise InvalidInput(
            f"standard {standard.id} is in {standard.unit} and {parameter.code} is stored in "
            f"{parameter.unit}: there is no exact conversion"
        )
    return factor


def choose_series(parameter: ParameterInfo, standard: str | None) -> tuple[Standard, ...]:
    """Every version of the series asked for (a version id names its series), or of the
    parameter's Thai standard of the shortest averaging time (24-h first)."""
    if standard is None:
        for period in DEFAULT_PERIOD_ORDER:
            for candidate in load_standards().standards:
                if (
                    candidate.parameter == parameter.code
                    and candidate.jurisdiction == "th"
                    and candidate.period == period
                ):
                    return standard_series(candidate.series)
        raise InvalidInput(f"no Thai standard for {parameter.code}; name one with standard=")
    named = standard_by_id(standard)
    versions = standard_series(named.series if named is not None else standard)
    if not versions:
        raise InvalidInput(f"unknown standard {standard!r}")
    if versions[0].parameter != parameter.code:
        raise InvalidInput(f"standard {standard!r} is for {versions[0].parameter}")
    if versions[0].period not in SUPPORTED_PERIODS:
        raise InvalidInput(
            f"standard {standard!r} averages over {versions[0].period}; indicators support "
            + ", ".join(SUPPORTED_PERIODS)
        )
    return versions


@dataclass(frozen=True)
class DayRule:
    """What applies on one day: the standard version, its limit in the stored unit, the scale."""

    version: Standard | None
    limit: Decimal | None
    scale: AqiScale | None
    lower_limit: Decimal | None = None
    """A range's minimum in the stored unit."""

    @property
    def bound(self) -> Bound:
        return self.version.bound if self.version is not None else "upper"

    def reduce(self, value: Decimal) -> Decimal:
        return reduce_to_precision(self.scale, value) if self.scale is not None else value


@cache
def _day_rule(series: str, parameter_code: str, stat_period: str, day: date) -> DayRule:
    parameter = BY_CODE[parameter_code]
    version = next((v for v in standard_series(series) if v.in_force_on(day)), None)
    limit = version.limit * unit_factor(version, parameter) if version is not None else None
    lower = (
        version.lower_limit * unit_factor(version, parameter)
        if version is not None and version.lower_limit is not None
        else None
    )
    scale = thai_aqi_scale(parameter_code, on=day)
    if scale is not None and (scale.period != stat_period or scale.unit != parameter.unit):
        scale = None  # a scale for another averaging time says nothing about this figure
    return DayRule(version, limit, scale, lower)


CLEAR = Fraction(1, 10**9)
"""How far beyond a step of the limit a daily mean must lie for its verdict to be read off
integers alone: the 50-digit mean that `_judge` reduces is within 1e-30 of the exact one (a
stored value fits in 64 bits), and a reduction moves it by less than one step."""


def _mean(row: DayRow) -> Decimal:
    """A day's mean to 50 digits (as `DailyMean.value`), built only for figures reported."""
    return exact_quotient(row[2], row[3] * 1000)


def _above(row: DayRow, other: DayRow) -> bool:
    """Whether row's daily mean is strictly above other's, exactly: S1/h1 > S2/h2 as
    S1*h2 > S2*h1 (hours are positive)."""
    return row[2] * other[3] > other[2] * row[3]


Worse = Callable[[DayRow, DayRow], bool]
"""Whether a station-day's daily mean is strictly worse than another's under the standard."""


def worse_day(standard: Standard, parameter: ParameterInfo) -> Worse:
    """Higher is worse under an upper limit (every air standard: `_above`, on integers alone);
    lower under a minimum; further from the middle of a range."""
    if standard.bound == "upper":
        return _above
    factor = unit_factor(standard, parameter)
    limit = standard.limit * factor
    lower = standard.lower_limit * factor if standard.lower_limit is not None else None

    def worse_than(row: DayRow, other: DayRow) -> bool:
        return worse(
            standard.bound,
            Fraction(row[2], row[3] * 1000),
            Fraction(other[2], other[3] * 1000),
            limit,
            lower,
        )

    return worse_than


@dataclass
class Computed:
    unit_days: dict[date, DayRow]
    """Per day, the station-day that stands for the scope (the worst one), by day."""
    worst_by_mean: dict[date, DayRow]
    """Per day, the station-day with the highest valid daily mean, by day."""
    station_days: dict[int, list[DayRow]]
    stats: dict[tuple[int, date], Decimal | None] | None
    """The maximum 8-hour / 1-hour means (None when not valid) when the standard judges those;
    None when it judges the daily mean."""
    hours_with_data: int
    hours_expected: int
    hours_expected_per_station: int
    days_in_period: int

    def stat(self, row: DayRow) -> Decimal | None:
        """What the standard judges on this station-day; None when not valid."""
        if self.stats is None:
            return _mean(row) if row[3] >= MIN_VALID_HOURS else None
        return self.stats.get((row[0], row[1]))


def _compute(
    session: Session,
    stations: list[Station],
    parameter: ParameterInfo,
    period: str,
    start: date,
    end: date,
    zone: ZoneInfo,
    worse_than: Worse = _above,
) -> Computed:
    """One pass over the station-days as integer tuples: ties go to the lowest station id."""
    ids = [s.id for s in stations]
    rows = daily_rows(
        session, station_ids=ids, parameter_id=parameter.id, start=start, end=end, zone=zone
    )
    station_days: dict[int, list[DayRow]] = defaultdict(list)
    worst_by_mean: dict[date, DayRow] = {}
    hours_with_data = 0
    for row in rows:
        station_days[row[0]].append(row)
        hours_with_data += row[3]
        if row[3] >= MIN_VALID_HOURS:
            worst = worst_by_mean.get(row[1])
            if worst is None or worse_than(row, worst):
                worst_by_mean[row[1]] = row
    stats: dict[tuple[int, date], Decimal | None] | None = None
    unit_days = worst_by_mean
    if period in ("8h", "1h"):
        compute = max_8h_means if period == "8h" else max_1h_means
        stats = {
            (figure.station_id, figure.day): figure.value
            for figure in compute(
                session,
                station_ids=ids,
                parameter_id=parameter.id,
                start=start,
                end=end,
                zone=zone,
            )
        }
        highest: dict[date, tuple[Decimal, DayRow]] = {}
        for row in rows:
            stat = stats.get((row[0], row[1]))
            if stat is not None:
                best = highest.get(row[1])
                if best is None or stat > best[0]:
                    highest[row[1]] = (stat, row)
        unit_days = {day: row for day, (_, row) in highest.items()}
    day_count = (end - start).days
    expected_per_station = sum(
        hours_in_day(start + timedelta(days=i), zone) for i in range(day_count)
    )
    return Computed(
        unit_days=dict(sorted(unit_days.items())),
        worst_by_mean=dict(sorted(worst_by_mean.items())),
        station_days=station_days,
        stats=stats,
        hours_with_data=hours_with_data,
        hours_expected=expected_per_station * len(stations),
        hours_expected_per_station=expected_per_station,
        days_in_period=day_count,
    )


def _judge(
    series: str, parameter: ParameterInfo, stat_period: str, day: date, stat: Decimal
) -> tuple[DayRule, Decimal, bool | None]:
    rule = _day_rule(series, parameter.code, stat_period, day)
    reported = rule.reduce(stat)
    over = (
        outside(rule.bound, reported, rule.limit, rule.lower_limit)
        if rule.limit is not None
        else None
    )
    return rule, reported, over


@cache
def _clear_bounds(
    series: str, parameter_code: str, stat_period: str, day: date
) -> tuple[int, int, int, int] | None:
    """(a, b, c, d): a daily mean S/(1000 h) with S*b < a*h is surely not over the standard of
    the day, with S*d > c*h surely over; in between `_judge` decides. None: no standard."""
    rule = _day_rule(series, parameter_code, stat_period, day)
    if rule.limit is None or rule.bound != "upper":
        return None
    step = Fraction(rule.scale.precision) if rule.scale is not None else Fraction(0)
    low = (Fraction(rule.limit) - step - CLEAR) * 1000
    high = (Fraction(rule.limit) + step + CLEAR) * 1000
    return low.numerator, low.denominator, high.numerator, high.denominator


def _daily_mean_over(series: str, parameter: ParameterInfo, stat_period: str, row: DayRow) -> bool:
    """Whether a valid daily mean is over the 24-hour standard of its day, as `_judge` says,
    by integer comparisons unless it lies within a step of the limit (upper limits only: a
    minimum or a range is left to `_judge`)."""
    if _day_rule(series, parameter.code, stat_period, row[1]).bound != "upper":
        return bool(_judge(series, parameter, stat_period, row[1], _mean(row))[2])
    bounds = _clear_bounds(series, parameter.code, stat_period, row[1])
    if bounds is None:
        return False
    low_n, low_d, high_n, high_d = bounds
    total, hours = row[2], row[3]
    if total * high_d > high_n * hours:
        return True
    if total * low_d < low_n * hours:
        return False
    return bool(_judge(series, parameter, stat_period, row[1], _mean(row))[2])


@dataclass
class StationFigures:
    """One station's figures over the period, from its station-days in one pass."""

    valid_days: int
    exceedance_days: int
    mean: Fraction | None
    worst: DayRow | None
    hours: int


def _station_figures(
    computed: Computed,
    rows: list[DayRow],
    series: str,
    parameter: ParameterInfo,
    stat_period: str,
    judged: bool,
    worse_than: Worse = _above,
) -> StationFigures:
    by_hours: dict[int, int] = defaultdict(int)
    valid = over = hours_total = 0
    worst: DayRow | None = None
    for row in rows:
        hours = row[3]
        hours_total += hours
        if judged and computed.stats is not None:
            stat = computed.stats.get((row[0], row[1]))
            if stat is not None:
                over += bool(_judge(series, parameter, stat_period, row[1], stat)[2])
        if hours < MIN_VALID_HOURS:
            continue
        valid += 1
        by_hours[hours] += row[2]
        if worst is None or worse_than(row, worst):
            worst = row
        if judged and computed.stats is None:
            over += _daily_mean_over(series, parameter, stat_period, row)
    return StationFigures(valid, over, _mean_of(by_hours, valid), worst, hours_total)


def _mean_of(by_hours: dict[int, int], count: int) -> Fraction | None:
    """The exact mean of `count` daily means given as sums of hourly means (thousandths) per
    number of hours, so that only a few fractions are added."""
    if not count:
        return None
    total = sum((Fraction(s, h * 1000) for h, s in by_hours.items()), Fraction(0))
    return total / count


def _period_mean(days: Iterable[DayRow]) -> Fraction | None:
    """The exact mean of the valid daily means."""
    by_hours: dict[int, int] = defaultdict(int)
    count = 0
    for _, _, total, hours in days:
        if hours >= MIN_VALID_HOURS:
            by_hours[hours] += total
            count += 1
    return _mean_of(by_hours, count)


def _highest(days: Iterable[DayRow], worse_than: Worse = _above) -> DayRow | None:
    """The first day with the worst (by default the highest) daily mean."""
    top: DayRow | None = None
    for row in days:
        if top is None or worse_than(row, top):
            top = row
    return top


def _left_out(
    session: Session, station_ids: Collection[int], parameter_id: int, start: date, end: date
) -> int:
    if not station_ids:
        return 0
    total = session.scalar(
        select(func.coalesce(func.sum(DailyAggregate.invalid_count), 0)).where(
            DailyAggregate.station_id.in_(station_ids),
            DailyAggregate.parameter_id == parameter_id,
            DailyAggregate.day >= start,
            DailyAggregate.day < end,
        )
    )
    return int(total or 0)


def _check_period(start: date, end: date, what: str) -> None:
    if start > end:
        raise InvalidInput(f"{what} start {start} is after its end {end}")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput(f"{what} is longer than {MAX_PERIOD_DAYS} days (ten years)")


def compute_indicators(
    session: Session,
    *,
    scope: StationScope,
    parameter: str,
    start: date,
    end: date,
    zone: ZoneInfo,
    station_code: str | None = None,
    area: str | None = None,
    standard: str | None = None,
    baseline_start: date | None = None,
    baseline_end: date | None = None,
    station_codes: Collection[str] | None = None,
) -> IndicatorsPublic:
    """Indicators over the local days start..end (both included) for a station, an area, a
    set of stations, or (none given) every station the scope may see."""
    info = parameter_by_code(parameter)
    if info is None:
        raise InvalidInput(f"unknown parameter {parameter!r}")
    _check_period(start, end, "the period")
    if (baseline_start is None) != (baseline_end is None):
        raise InvalidInput("give both baseline_start and baseline_end, or neither")
    if baseline_start is not None and baseline_end is not None:
        _check_period(baseline_start, baseline_end, "the baseline")
    versions = choose_series(info, standard)
    for version in versions:
        unit_factor(version, info)
    series, period = versions[0].series, versions[0].period
    stat_period = "24h" if period == "1y" else period
    target = resolve_target(
        session, scope, station_code=station_code, area=area, station_codes=station_codes
    )
    end_exclusive = end + timedelta(days=1)
    worse_than = worse_day(versions[0], info)
    computed = _compute(
        session, target.stations, info, period, start, end_exclusive, zone, worse_than
    )
    code_of = {s.id: s.code for s in target.stations}
    area_of = {s.id: s.area for s in target.stations}

    # Exceedances and AQI bands over the scope's days.
    by_version: dict[str, list[int]] = {}
    without_standard = without_scale = 0
    bands: dict[tuple[str, int], list[int]] = {}
    band_info: dict[tuple[str, int], BandDays] = {}
    days_out: list[DayPublic] = []
    judged_period = period != "1y"
    for day, row in computed.unit_days.items():
        stat = computed.stat(row)
        assert stat is not None
        rule, reported, over = _judge(series, info, stat_period, day, stat)
        if rule.version is None:
            without_standard += 1
        elif judged_period:
            counts = by_version.setdefault(rule.version.id, [0, 0])
            counts[0] += 1
            counts[1] += int(bool(over))
        if rule.scale is None or stat < 0:
            without_scale += 1
        else:
            band = compute_aqi(rule.scale, stat).band
            position = rule.scale.bands.index(band)
            key = (rule.scale.id, position)
            bands.setdefault(key, [0])[0] += 1
            band_info[key] = BandDays(
                scale_id=rule.scale.id,
                label_en=band.label_en,
                label_th=band.label_th,
                color=band.color,
                days=0,
            )
        days_out.append(
            DayPublic(
                day=day,
                value=_shown(stat),
                reported=float(reported),
                standard_id=rule.version.id if rule.version else None,
                over_standard=over if judged_period else None,
                station_code=code_of[row[0]],
            )
        )
    version_of = {v.id: v for v in versions}
    exceedance_rows = [
        ExceedancesByVersion(
            standard_id=vid,
            limit=float(version_of[vid].limit),
            unit=version_of[vid].unit,
            days_judged=counts[0],
            exceedance_days=counts[1],
        )
        for vid, counts in sorted(
            by_version.items(), key=lambda item: str(version_of[item[0]].effective_from or "")
        )
    ]
    exceedance_days = sum(row.exceedance_days for row in exceedance_rows)
    zone_rule = RULE_DAY.format(zone=zone.key) + (RULE_AREA if target.kind != "station" else "")
    stat_rule = {"8h": RULE_8H, "1h": RULE_1H}.get(period, zone_rule)
    exceedances = ExceedancesFigure(
        days=exceedance_days,
        by_version=exceedance_rows,
        valid_days_without_standard=without_standard,
        standards=[row.standard_id for row in exceedance_rows],
        rule=(
            f"{stat_rule} {RULE_EXCEEDANCE}"
            if judged_period
            else "An annual standard is judged by the annual means, not by days. " + RULE_ANNUAL
        ),
    )

    valid = len(computed.worst_by_mean)
    worst_day = _highest(computed.worst_by_mean.values(), worse_than)
    mean = _period_mean(computed.worst_by_mean.values())
    annual_standard = period == "1y"
    years = []
    for annual in annual_means(
        (day, Fraction(total, hours * 1000))
        for day, (_, _, total, hours) in computed.worst_by_mean.items()
    ):
        last_day = min(date(annual.year, 12, 31), end)
        year_rule = _day_rule(series, info.code, stat_period, last_day) if annual_standard else None
        limit = year_rule.limit if year_rule is not None else None
        years.append(
            AnnualMeanPublic(
                year=annual.year,
                value=_shown(annual.value),
                valid_days=annual.valid_days,
                days_in_year=annual.days_in_year,
                valid=annual.valid,
                standard_id=year_rule.version.id if year_rule and year_rule.version else None,
                limit=float(limit) if limit is not None else None,
                over_standard=(annual.value > limit if annual.valid else None)
                if limit is not None
                else None,
            )
        )

    change = None
    if baseline_start is not None and baseline_end is not None:
        base = _compute(
            session,
            target.stations,
            info,
            period,
            baseline_start,
            baseline_end + timedelta(days=1),
            zone,
            worse_than,
        )
        base_over = 0
        if judged_period:
            for day, row in base.unit_days.items():
                stat = base.stat(row)
                assert stat is not None
                _rule, _reported, over = _judge(series, info, stat_period, day, stat)
                base_over += int(bool(over))
        base_mean = _period_mean(base.worst_by_mean.values())
        mean_change = mean - base_mean if mean is not None and base_mean is not None else None
        change = ChangeFigure(
            baseline_start=baseline_start,
            baseline_end=baseline_end,
            baseline_exceedance_days=base_over,
            exceedance_days_change=exceedance_days - base_over,
            exceedance_days_change_percent=(
                _shown(Fraction(100 * (exceedance_days - base_over), base_over))
                if base_over
                else None
            ),
            baseline_mean=_shown(base_mean) if base_mean is not None else None,
            mean_change=_shown(mean_change) if mean_change is not None else None,
            mean_change_percent=(
                _shown(100 * mean_change / base_mean)
                if mean_change is not None and base_mean
                else None
            ),
            rule="Change = period minus baseline, computed by the same rules; percent of the "
            "baseline, none when the baseline is zero.",
        )

    summaries = []
    if target.kind != "station":
        for station in target.stations:
            figures = _station_figures(
                computed,
                computed.station_days.get(station.id, []),
                series,
                info,
                stat_period,
                judged_period,
                worse_than,
            )
            worst = figures.worst
            summaries.append(
                StationSummary(
                    station_code=station.code,
                    area=station.area,
                    valid_days=figures.valid_days,
                    exceedance_days=figures.exceedance_days,
                    mean=_shown(figures.mean) if figures.mean is not None else None,
                    worst_value=_shown(_mean(worst)) if worst is not None else None,
                    worst_day=worst[1] if worst is not None else None,
                    completeness=_shown(
                        Fraction(figures.hours, computed.hours_expected_per_station)
                    ),
                )
            )

    return IndicatorsPublic(
        scope=ScopePublic(
            kind=target.kind,
            station_code=target.station_code,
            area=target.area,
            stations=[s.code for s in target.stations],
        ),
        parameter=info.code,
        unit=info.unit,
        start=start,
        end=end,
        time_zone=zone.key,
        standard_series=series,
        standard_period=period,
        standards=[_version_public(v, info) for v in versions],
        exceedances=exceedances,
        valid_days=ValidDaysFigure(
            valid_days=valid,
            days_in_period=computed.days_in_period,
            share=_shown(Fraction(valid, computed.days_in_period)),
            rule=zone_rule + " Share = valid days / days in the period.",
        ),
        worst_day=WorstDayFigure(
            value=_shown(_mean(worst_day)) if worst_day is not None else None,
            day=worst_day[1] if worst_day is not None else None,
            station_code=code_of[worst_day[0]] if worst_day is not None else None,
            area=area_of[worst_day[0]] if worst_day is not None else None,
            rule=(
                "The highest valid daily mean in the period (the lowest under a minimum, the "
                "furthest from the middle of a range). "
            )
            + zone_rule,
        ),
        period_mean=PeriodMeanFigure(
            value=_shown(mean) if mean is not None else None,
            valid_days=valid,
            rule="Mean of the valid daily means. " + zone_rule,
        ),
        completeness=CompletenessFigure(
            hours_with_data=computed.hours_with_data,
            hours_expected=computed.hours_expected,
            share=_shown(Fraction(computed.hours_with_data, computed.hours_expected))
            if computed.hours_expected
            else 0.0,
            rule="Hours with data / hours in the period, summed over the stations counted.",
        ),
        aqi_bands=AqiBandsFigure(
            bands=[
                band_info[key].model_copy(update={"days": count[0]})
                for key, count in sorted(bands.items())
            ],
            valid_days_without_scale=without_scale,
            scales=sorted({key[0] for key in bands}),
            rule="Each valid day's figure in the band of the Thai AQI scale in force that day.",
        ),
        annual_means=AnnualMeansFigure(
            years=years,
            standards=sorted({y.standard_id for y in years if y.standard_id}),
            rule=RULE_ANNUAL + " " + zone_rule,
        ),
        change=change,
        readings_left_out=LeftOutFigure(
            readings=_left_out(
                session, [s.id for s in target.stations], info.id, start, end_exclusive
            ),
            rule="Readings flagged invalid by quality control (or by the backbone's review) are "
            "kept out of the hourly and daily means and counted here; suspect ones stay in "
            "until reviewed.",
        ),
        days=days_out,
        stations=summaries,
    )


def _version_public(version: Standard, parameter: ParameterInfo) -> StandardVersionPublic:
    return StandardVersionPublic(
        id=version.id,
        series=version.series,
        period=version.period,
        limit=float(version.limit),
        bound=version.bound,
        lower_limit=float(version.lower_limit) if version.lower_limit is not None else None,
        unit=version.unit,
        limit_in_parameter_unit=float(version.limit * unit_factor(version, parameter)),
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        authority=version.authority,
        source=version.source,
    )
