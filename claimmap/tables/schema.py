"""datapackage.json read into small typed specs that drive loading and validation."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from claimmap.config import BUNDLED_DATA_DIR
from claimmap.files import FileRefused, check_relative
from claimmap.problems import NO_COLUMN, Problem, display_path

PACKAGE_FILE = "datapackage.json"
# The tables the app is built around; a package lacking one of them cannot be used.
RESOURCE_NAMES = ("sources", "actors", "places", "speakers", "claims", "geocode_cache")

# Frictionless defaults, used when a boolean field names none.
DEFAULT_TRUE = ("true", "True", "TRUE", "1")
DEFAULT_FALSE = ("false", "False", "FALSE", "0")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # string, date, number, integer or boolean
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    true_values: tuple[str, ...] = DEFAULT_TRUE
    false_values: tuple[str, ...] = DEFAULT_FALSE


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # the referenced resource; a self-reference is resolved to the resource's own name
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class ResourceSpec:
    name: str
    path: str  # relative to the data directory
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    missing_values: tuple[str, ...] = ("",)

    @property
    def column_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class PackageSpec:
    resources: tuple[ResourceSpec, ...]

    def resource(self, name: str) -> ResourceSpec:
        return next(r for r in self.resources if r.name == name)


def parse_package(descriptor: dict) -> PackageSpec:
    """Specs from a parsed datapackage.json; raises KeyError/TypeError on a malformed descriptor."""
    return PackageSpec(tuple(_parse_resource(r) for r in descriptor["resources"]))


def read_package(path: Path) -> PackageSpec:
    return parse_package(json.loads(path.read_text(encoding="utf-8")))


def package_for(data_dir: Path) -> tuple[PackageSpec, list[Problem]]:
    """The data directory's own schema, or the bundled one with a problem saying why not."""
    path = data_dir / PACKAGE_FILE
    try:
        package = read_package(path)
    except FileNotFoundError:
        reason = "file not found"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        reason = f"cannot be read ({err})"
    except (KeyError, TypeError, AttributeError) as err:
        reason = f"is not a valid data package (missing or malformed {err})"
    else:
        names = {r.name for r in package.resources}
        lacking = [n for n in RESOURCE_NAMES if n not in names]
        if not lacking:
            return _confine_paths(package, data_dir, display_path(path))
        reason = f"lacks the resources {', '.join(lacking)}"
    bundled = read_package(BUNDLED_DATA_DIR / PACKAGE_FILE)
    problem = Problem(
        display_path(path),
        None,
        NO_COLUMN,
        f"{reason}; using the bundled schema instead (copy {BUNDLED_DATA_DIR / PACKAGE_FILE} here)",
    )
    return bundled, [problem]


def _confine_paths(package: PackageSpec, data_dir: Path, shown: str) -> tuple[PackageSpec, list[Problem]]:
    """The package with every resource path a plain path inside `data_dir`: one that is not is
    reported and the bundled path read instead (a resource the app does not use is dropped)."""
    bundled = {r.name: r.path for r in read_package(BUNDLED_DATA_DIR / PACKAGE_FILE).resources}
    resources, problems = [], []
    for resource in package.resources:
        fix = f"give a path relative to {display_path(data_dir)}, such as {bundled.get(resource.name, 'name.csv')}"
        try:
            check_relative(resource.path, fix=fix)  # a symlink is refused when the table is read
        except FileRefused as err:
            instead = bundled.get(resource.name)
            then = f"; reading {instead} instead" if instead else "; the resource is left out"
            problems.append(Problem(shown, None, f"{resource.name}.path", err.reason + then, code=err.code))
            if instead is None:
                continue
            resource = replace(resource, path=instead)
        resources.append(resource)
    return PackageSpec(tuple(resources)), problems


def _parse_resource(resource: dict) -> ResourceSpec:
    schema = resource["schema"]
    name = resource["name"]
    return ResourceSpec(
        name=name,
        path=resource["path"],
        fields=tuple(_parse_field(f) for f in schema["fields"]),
        primary_key=_as_tuple(schema.get("primaryKey", ())),
        foreign_keys=tuple(_parse_foreign_key(fk, name) for fk in schema.get("foreignKeys", ())),
        missing_values=tuple(schema.get("missingValues", [""])),
    )


def _parse_field(field: dict) -> FieldSpec:
    constraints = field.get("constraints", {})
    enum = constraints.get("enum")
    return FieldSpec(
        name=field["name"],
        type=field.get("type", "string"),
        required=bool(constraints.get("required", False)),
        enum=tuple(str(v) for v in enum) if enum is not None else None,
        pattern=constraints.get("pattern"),
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        true_values=tuple(field.get("trueValues", DEFAULT_TRUE)),
        false_values=tuple(field.get("falseValues", DEFAULT_FALSE)),
    )


def _parse_foreign_key(fk: dict, own_name: str) -> ForeignKey:
    reference = fk["reference"]
    # Table Schema: an empty resource name means the table refers to itself.
    return ForeignKey(_as_tuple(fk["fields"]), reference["resource"] or own_name, _as_tuple(reference["fields"]))


def _as_tuple(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    # Table Schema allows a single field name where a list is expected.
    return (value,) if isinstance(value, str) else tuple(value)
