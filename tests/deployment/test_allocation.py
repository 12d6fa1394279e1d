import math

from hypothesis import given
from hypothesis import strategies as st

from deployment.services.allocation import balanced_groups, largest_remainder, natural_key, route_order


def test_largest_remainder_gives_the_seats_with_the_largest_fractions():
    seats, quotas = largest_remainder({"a": 5, "b": 3, "c": 2}, 7)
    assert quotas == {"a": 3.5, "b": 2.1, "c": 1.4}
    assert seats == {"a": 4, "b": 2, "c": 1}


def test_at_least_one_seat_per_key_is_taken_from_the_furthest_rounded_up():
    seats, _ = largest_remainder({"big": 100, "middle": 30, "tiny": 1}, 4, at_least_one=True)
    assert seats == {"big": 2, "middle": 1, "tiny": 1}


@given(
    weights=st.lists(st.integers(min_value=1, max_value=2000), min_size=1, max_size=30),
    extra=st.integers(min_value=0, max_value=500),
)
def test_largest_remainder_hands_out_every_seat_within_one_of_the_quota(weights, extra):
    keys = list(range(len(weights)))
    total = len(weights) + extra
    plain, quotas = largest_remainder(dict(zip(keys, weights, strict=True)), total)
    assert sum(plain.values()) == total
    assert all(abs(plain[key] - quotas[key]) < 1 for key in keys)
    seats, _ = largest_remainder(dict(zip(keys, weights, strict=True)), total, at_least_one=True)
    assert sum(seats.values()) == total and all(seats[key] >= 1 for key in keys)
    # With a seat for everyone, staying within one of every quota is sometimes impossible; whenever it is
    # possible, the allocation does it.
    lowest = sum(max(1, math.ceil(quotas[key] - 1 - 1e-9)) for key in keys)
    highest = sum(math.floor(quotas[key] + 1 + 1e-9) for key in keys)
    if lowest <= total <= highest:
        assert all(abs(seats[key] - quotas[key]) <= 1 + 1e-9 for key in keys)


@given(
    weights=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=40),
    groups=st.integers(min_value=1, max_value=40),
)
def test_balanced_groups_cut_the_sequence_into_contiguous_non_empty_runs(weights, groups):
    items = list(range(len(weights)))
    runs = balanced_groups(items, weights, groups)
    assert len(runs) == min(groups, len(items))
    assert all(runs)
    assert [item for run in runs for item in run] == items


def test_routes_follow_nearest_neighbours_when_stations_have_coordinates():
    stations = [(1, (1,), 43.0, 77.0), (2, (2,), 43.3, 77.0), (3, (3,), 43.1, 77.0), (4, (4,), 43.2, 77.0)]
    assert [s[0] for s in route_order(stations)] == [1, 3, 4, 2]


def test_routes_without_coordinates_follow_tec_and_station_number():
    stations = [
        (1, natural_key("12"), None, None),
        (2, natural_key("9"), None, None),
        (3, natural_key("10"), None, None),
    ]
    assert [s[0] for s in route_order(stations)] == [2, 3, 1]
