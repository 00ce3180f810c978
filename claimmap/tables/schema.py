"""datapackage.json read into small typed specs that drive loading and validation."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from claimmap.config import BUNDLED_DATA_DIR
from claimmap.files import FileRefused, check_relative
from claimmap.problems import NO_COLUMN, Problem, display_path

PACKAGE_FILE = "datapackage.json"
# The tables the app is built around; a package lacking one of them cannot be used.
RESOURCE_NAMES = ("sources", "actors", "places", "speakers", "claims", "geocode_cache")

# Vocabulary the code relies on (datapackage.json describes each value).
NARRATOR = "narrator"  # the speaker id for a source's own voice
ANONYMOUS = "anonymous"  # speaker kind: a voice the source describes but does not name
UNATTRIBUTED = "unattributed"  # speaker kind: no origin at all (rumours, unconfirmed reports)
FACILITY_KINDS = frozenset({"airbase", "naval_base", "port", "facility"})
# Claim types that only make sense for a facility.
FACILITY_CLAIM_TYPES = frozenset({"facility_operating", "facility_isolated"})

FIELD_TYPES = ("string", "date", "number", "integer", "boolean")
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
    # (constraint, what is wrong with it) for each constraint left out because it is malformed
    malformed: tuple[tuple[str, str], ...] = ()


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
            package, path_problems = _confine_paths(package, data_dir, display_path(path))
            package, constraint_problems = _with_bundled_constraints(package, display_path(path))
            return package, path_problems + constraint_problems
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


# What a field of the bundled schema promises the app's code (a date is a date, a grade is within its
# scale): a custom schema may narrow these, not loosen them. Enums and patterns it may change freely.
_RELIED_ON = ("type", "required", "minimum", "maximum")
_CONSTRAINTS = ("type", "required", "enum", "pattern", "minimum", "maximum")


def _with_bundled_constraints(package: PackageSpec, shown: str) -> tuple[PackageSpec, list[Problem]]:
    """The package with each malformed constraint reported (and left out), and each field the
    bundled schema also has held to the bundled constraints it would loosen or lacks."""
    bundled = read_package(BUNDLED_DATA_DIR / PACKAGE_FILE)
    bundled_fields = {(r.name, f.name): f for r in bundled.resources for f in r.fields}
    problems = []
    resources = []
    for resource in package.resources:
        fields = []
        for field_ in resource.fields:
            ours = bundled_fields.get((resource.name, field_.name))
            label = f"{resource.name}.{field_.name}"
            for constraint, wrong in field_.malformed:
                instead = _bundled_text(ours, constraint)
                problems.append(Problem(shown, None, label, f"{constraint} {wrong}; {instead}", code="schema-error"))
            if ours is not None:
                malformed = {c: getattr(ours, c) for c, _ in field_.malformed if c in _CONSTRAINTS}
                loosened = {c: getattr(ours, c) for c in _RELIED_ON if c not in malformed and _looser(field_, ours, c)}
                problems += [
                    Problem(shown, None, label, _loosened_text(field_, ours, c), "warning", "schema-loosened")
                    for c in loosened
                ]
                field_ = replace(field_, **malformed, **loosened)
            fields.append(field_)
        resources.append(replace(resource, fields=tuple(fields)))
    return PackageSpec(tuple(resources)), problems


def _looser(custom: FieldSpec, bundled: FieldSpec, constraint: str) -> bool:
    mine, ours = getattr(custom, constraint), getattr(bundled, constraint)
    if constraint == "type":
        return mine != ours
    if ours is None or ours is False:
        return False
    if mine is None or mine is False:
        return True
    if constraint == "minimum":
        return mine < ours
    return constraint == "maximum" and mine > ours


def _bundled_text(bundled: FieldSpec | None, constraint: str) -> str:
    value = getattr(bundled, constraint, None) if bundled is not None else None
    if value is None or value is False or constraint == "constraints":
        return "it is ignored"
    return f"the bundled {constraint} {_shown_value(value)} is used"


def _loosened_text(custom: FieldSpec, bundled: FieldSpec, constraint: str) -> str:
    mine = getattr(custom, constraint)
    if constraint == "type":
        what = f"type {mine} is not the type the app relies on"
    elif mine is None or mine is False:
        what = f"{constraint} is not set, but the app relies on it"
    else:
        what = f"{constraint} {_shown_value(mine)} is looser than the app relies on"
    return f"{what}; {_bundled_text(bundled, constraint)}"


def _shown_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return ", ".join(value) if isinstance(value, tuple) else f"{value}"


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
    """The field's spec; a malformed constraint is left out and named in `malformed`."""
    constraints = field.get("constraints", {})
    malformed: list[tuple[str, str]] = []
    if not isinstance(constraints, dict):
        malformed.append(("constraints", f"{constraints!r} is not an object"))
        constraints = {}

    # Any: the values come from JSON and are checked here before they become typed fields.
    def checked(name: str, value: Any, problem: str | None, default: Any = None) -> Any:
        if value is None or problem is None:
            return default if value is None else value
        malformed.append((name, problem))
        return default

    type_ = field.get("type", "string")
    enum, pattern = constraints.get("enum"), constraints.get("pattern")
    if enum is None and isinstance(field.get("categories"), list):
        # Table Schema v2 `categories` (values with their descriptions) constrain like an enum.
        enum = [c.get("value") if isinstance(c, dict) else c for c in field["categories"]]
    minimum, maximum = constraints.get("minimum"), constraints.get("maximum")
    required = constraints.get("required")
    return FieldSpec(
        name=field["name"],
        type=checked(
            "type", type_, None if type_ in FIELD_TYPES else f"{type_!r} is not one of {FIELD_TYPES}", "string"
        ),
        required=checked(
            "required", required, None if isinstance(required, bool) else f"{required!r} is not true or false", False
        ),
        enum=_as_enum(
            checked("enum", enum, None if isinstance(enum, list) and enum else f"{enum!r} is not a non-empty list")
        ),
        pattern=checked("pattern", pattern, pattern_problem(pattern)),
        minimum=checked("minimum", minimum, _number_problem(minimum)),
        maximum=checked("maximum", maximum, _number_problem(maximum)),
        true_values=tuple(field.get("trueValues", DEFAULT_TRUE)),
        false_values=tuple(field.get("falseValues", DEFAULT_FALSE)),
        malformed=tuple(malformed),
    )


def pattern_problem(pattern: object) -> str | None:
    """Why `pattern` cannot be a field pattern, or None. Patterns are matched by RE2, in time
    linear in the text, so lookarounds and backreferences (which need backtracking) are refused."""
    if not isinstance(pattern, str):
        return f"{pattern!r} is not a string"
    try:
        for compiled in (pattern, full_match(pattern)):  # the first names the fault in the pattern as written
            pc.match_substring_regex(pa.array([""], pa.string()), compiled)
    except pa.ArrowInvalid as err:
        reason = str(err).removeprefix("Invalid regular expression: ")
        return f"'{pattern}' cannot be used ({reason}; lookarounds and backreferences are not supported)"
    return None


def full_match(pattern: str) -> str:
    """`pattern` anchored to match a whole value, as Table Schema patterns do."""
    return f"^(?:{pattern})$"


def _number_problem(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return f"{value!r} is not a number"
    return None


def _as_enum(values: Any) -> tuple[str, ...] | None:
    return None if values is None else tuple(str(v) for v in values)


def _parse_foreign_key(fk: dict, own_name: str) -> ForeignKey:
    reference = fk["reference"]
    # Table Schema: an empty resource name means the table refers to itself.
    return ForeignKey(_as_tuple(fk["fields"]), reference["resource"] or own_name, _as_tuple(reference["fields"]))


def _as_tuple(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    # Table Schema allows a single field name where a list is expected.
    return (value,) if isinstance(value, str) else tuple(value)


def value_descriptions(data_dir: Path, resource: str, field: str) -> dict[str, str]:
    """Value → description of a field's Table Schema `categories` ({} when it declares none), for
    lists that show what each value means."""
    try:
        descriptor = json.loads((data_dir / PACKAGE_FILE).read_text(encoding="utf-8"))
        fields = next(r for r in descriptor["resources"] if r.get("name") == resource)["schema"]["fields"]
        categories = next(f for f in fields if f.get("name") == field).get("categories") or []
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return {}
    return {
        str(c["value"]): str(c.get("description") or c.get("label") or "")
        for c in categories
        if isinstance(c, dict) and "value" in c
    }
