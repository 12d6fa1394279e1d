"""Apps import only apps in lower layers (README, "Architecture"): an upward import, even inside a function, fails."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = (
    {"access", "jobs"},
    {"missions"},
    {"checklists", "observers"},
    {"submissions"},
    {"incidents", "results", "tallies"},
    {"reports"},
    {"deployment"},
    {"observe", "cockpit", "synthetic"},
)
LAYER_OF = {app: index for index, apps in enumerate(LAYERS) for app in apps}


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & set(LAYER_OF)


def test_every_app_has_a_layer():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert packages - {"config", "tests", "bench"} == set(LAYER_OF)


def test_no_app_imports_an_app_above_or_beside_it():
    upward = []
    for app, layer in LAYER_OF.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for other in _imported_apps(path) - {app}:
                if LAYER_OF[other] >= layer:
                    upward.append(f"{path.relative_to(ROOT)} imports {other}")
    assert not upward, "\n".join(upward)
