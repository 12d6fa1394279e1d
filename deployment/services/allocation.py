"""Pure allocation arithmetic used by the planner: proportional quotas, balanced groups, route order."""

from __future__ import annotations

import math
from collections.abc import Sequence


def largest_remainder(
    weights: dict, total: int, *, at_least_one: bool = False, order: Sequence | None = None
) -> tuple[dict, dict]:
    """Split `total` seats over keys in proportion to their weights (Hamilton's largest remainder method).

    Returns (seats, quotas). With at_least_one (and total >= number of keys), every key gets a seat, taken
    from the keys that were rounded up furthest above their quota, so every count stays within one of its quota
    whenever that is arithmetically possible. `order` breaks ties deterministically (default: sorted keys).
    """
    keys = list(order) if order is not None else sorted(weights)
    weight_sum = sum(max(0, weights[key]) for key in keys)
    if not keys or total <= 0:
        return dict.fromkeys(keys, 0), dict.fromkeys(keys, 0.0)
    if weight_sum <= 0:
        quotas = {key: total / len(keys) for key in keys}
    else:
        quotas = {key: total * max(0, weights[key]) / weight_sum for key in keys}
    seats = {key: math.floor(quotas[key]) for key in keys}
    left = total - sum(seats.values())
    position = {key: index for index, key in enumerate(keys)}
    by_remainder = sorted(keys, key=lambda key: (-(quotas[key] - seats[key]), position[key]))
    for key in by_remainder[:left]:
        seats[key] += 1
    if at_least_one and total >= len(keys):
        for key in keys:
            if seats[key] > 0:
                continue
            donors = [k for k in keys if seats[k] >= 2]
            donor = max(donors, key=lambda k: (seats[k] - quotas[k], -position[k]))
            seats[donor] -= 1
            seats[key] += 1
    return seats, quotas


def balanced_groups(items: Sequence, weights: Sequence[float], groups: int) -> list[list]:
    """Cut an ordered sequence into `groups` contiguous, non-empty runs of roughly equal weight (groups <= len)."""
    count = len(items)
    if groups <= 0 or count == 0:
        return []
    groups = min(groups, count)
    total = float(sum(weights)) or float(count)
    weights = [float(w) for w in weights] if sum(weights) else [1.0] * count
    result: list[list] = []
    current: list = []
    accumulated = 0.0
    for index, (item, weight) in enumerate(zip(items, weights, strict=True)):
        current.append(item)
        accumulated += weight
        groups_left = groups - len(result) - 1  # groups still to open after the current one
        items_left = count - index - 1
        if groups_left == 0:
            continue
        boundary = total * (len(result) + 1) / groups
        if items_left == groups_left or accumulated >= boundary - weight / 2:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def route_order(stations: list[tuple]) -> list[tuple]:
    """Order a route: nearest neighbour from the south-west-most station when every station has coordinates,
    otherwise by TEC and station number. Items are (id, sort_key, latitude, longitude)."""
    if len(stations) < 3 or any(s[2] is None or s[3] is None for s in stations):
        return sorted(stations, key=lambda s: s[1])
    left = sorted(stations, key=lambda s: (float(s[2]) + float(s[3]), s[1]))
    route = [left.pop(0)]
    while left:
        lat, lon = float(route[-1][2]), float(route[-1][3])
        nearest = min(
            range(len(left)),
            key=lambda i: ((float(left[i][2]) - lat) ** 2 + (float(left[i][3]) - lon) ** 2, left[i][1]),
        )
        route.append(left.pop(nearest))
    return route


def natural_key(text: str) -> tuple:
    """'12' after '9', '0101-3' after '0101-2': numbers compare as numbers inside station numbers and codes."""
    parts = []
    number = ""
    word = ""
    for char in text:
        if char.isdigit():
            if word:
                parts.append((1, word, 0))
                word = ""
            number += char
        else:
            if number:
                parts.append((0, "", int(number)))
                number = ""
            word += char
    if number:
        parts.append((0, "", int(number)))
    if word:
        parts.append((1, word, 0))
    return tuple(parts)
