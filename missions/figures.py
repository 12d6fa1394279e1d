"""One rounding rule for every published figure: half up, one decimal, computed from exact integers or Decimals.

Readers and spreadsheets round 31.25 to 31.3; Python's round() on floats rounds half to even (and 31.25 is not
always what a float holds), so no figure is ever rounded with it. Pages, the API, XLSX, CSV and PDF all show the
values computed here (the compiled result stores them), so the same share reads the same everywhere. It sits in
missions, below reports and results, so both round with it (reports.figures re-exports it under its old name).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

ONE_DECIMAL = Decimal("0.1")
# Enough digits that a ratio of two integers is rounded as if exact: a ratio lying on a .x5 boundary terminates.
PRECISION = 60
Z_95 = Decimal("1.959963984540054")


def half_up(value: Decimal | int) -> float:
    """A Decimal (or integer) rounded half up to one decimal, as the float that prints as that decimal."""
    return float(Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator rounded half up to one decimal; None without a denominator."""
    if not denominator:
        return None
    with localcontext() as context:
        context.prec = PRECISION
        return half_up(Decimal(int(numerator)) / Decimal(int(denominator)))


def exact(value: Fraction) -> float:
    """An exact fraction (a ratio of integers) rounded half up to one decimal."""
    return ratio(value.numerator, value.denominator)


def percent(count: int, n: int) -> float | None:
    """100 * count / n, half up to one decimal (5/16 -> 31.3); None without a denominator."""
    return ratio(100 * int(count), n)


def difference(before: float | None, after: float | None) -> float | None:
    """after - before of two published one-decimal figures, exactly (31.3 - 24.0 = 7.3, never 7.300000000000001)."""
    if before is None or after is None:
        return None
    return half_up(Decimal(str(after)) - Decimal(str(before)))


def wilson_bounds(successes: int, n: int, z: Decimal = Z_95) -> tuple[Decimal, Decimal]:
    """The Wilson score interval of successes / n as exact-enough Decimal fractions in [0, 1]; (0, 0) when n is 0."""
    if n <= 0:
        return (Decimal(0), Decimal(0))
    with localcontext() as context:
        context.prec = PRECISION
        n_dec = Decimal(int(n))
        p = Decimal(int(successes)) / n_dec
        z2 = z * z
        denominator = 1 + z2 / n_dec
        centre = (p + z2 / (2 * n_dec)) / denominator
        half = z * (p * (1 - p) / n_dec + z2 / (4 * n_dec * n_dec)).sqrt() / denominator
        return (max(Decimal(0), centre - half), min(Decimal(1), centre + half))


def wilson_percent(successes: int, n: int) -> list[float] | None:
    """The 95 % Wilson interval in per cent, each bound half up to one decimal; None without observations."""
    if not n:
        return None
    low, high = wilson_bounds(successes, n)
    with localcontext() as context:
        context.prec = PRECISION
        return [half_up(100 * low), half_up(100 * high)]
