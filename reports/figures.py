"""The product's rounding rule, kept importable under its old name: it lives in missions.figures, below both
reports and results, so official results round exactly as the statistics do."""

from missions.figures import (  # noqa: F401
    ONE_DECIMAL,
    PRECISION,
    Z_95,
    difference,
    exact,
    half_up,
    percent,
    ratio,
    wilson_bounds,
    wilson_percent,
)
