"""The outcome of a planning run, as the services, commands, tasks and pages report it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PlanResult:
    """What a planning run decided: LTO areas, teams per region against quota, what moved, and warnings."""

    basis: str
    route_length: int
    seed: int
    lto_areas: list[dict] = field(default_factory=list)
    regions: list[dict] = field(default_factory=list)
    kept: int = 0
    locked: int = 0
    planned: int = 0
    moved: int = 0
    unplaced: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)  # notices (jobs/notices.py)

    def as_dict(self) -> dict:
        return {
            "basis": self.basis,
            "route_length": self.route_length,
            "seed": self.seed,
            "lto_areas": self.lto_areas,
            "regions": self.regions,
            "assignments_kept": self.kept,
            "assignments_locked": self.locked,
            "assignments_planned": self.planned,
            "teams_moved": self.moved,
            "teams_unplaced": self.unplaced,
            "warnings": self.warnings,
        }
