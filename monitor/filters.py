"""The shared filters of every page and export scope, and their round trip through the URL."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from vocabulary.status import COMPLETION_CODES, RAG_STATUSES, RESULTS_BANDS

LIST_FIELDS = ("member", "region", "plan", "policy_area", "status", "completion", "results")


@dataclass(frozen=True)
class Filters:
    member: tuple[str, ...] = ()        # member codes: MEX
    region: tuple[str, ...] = ()
    plan: tuple[str, ...] = ()          # action plan ids: AP_MEX04
    policy_area: tuple[str, ...] = ()
    status: tuple[str, ...] = ()        # RAG reasons, see vocabulary.status
    completion: tuple[str, ...] = ()    # IRM completion codes
    results: tuple[str, ...] = ()       # IRM early-results bands: none, some, strong, top, negative
    lead: str = ""                      # text within the lead institution
    q: str = ""                         # free text in titles and descriptions
    starred: bool = False
    watched: bool = False

    def to_params(self) -> dict[str, str]:
        """URL form: lists comma-joined, empty values left out, so links stay short."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple) and value:
                out[f.name] = ",".join(value)
            elif isinstance(value, bool) and value:
                out[f.name] = "1"
            elif isinstance(value, str) and value:
                out[f.name] = value
        return out

    @classmethod
    def from_params(cls, params: dict[str, str]) -> Filters:
        values = {}
        for name in LIST_FIELDS:
            raw = params.get(name, "")
            values[name] = tuple(v for v in str(raw).split(",") if v)
        values["lead"] = str(params.get("lead", ""))[:200]
        values["q"] = str(params.get("q", ""))[:200]
        values["starred"] = params.get("starred") == "1"
        values["watched"] = params.get("watched") == "1"
        return cls(**values)

    def is_empty(self) -> bool:
        return not self.to_params()


def allowed_values(options: dict) -> dict[str, set[str]]:
    """The values each list filter may take: those that exist (monitor.queries.filter_options) or are defined."""
    return {"member": {m[0] for m in options["members"]}, "plan": {p[0] for p in options["plans"]},
            "region": set(options["regions"]), "policy_area": set(options["policy_areas"]),
            "status": set(RAG_STATUSES), "completion": set(COMPLETION_CODES), "results": set(RESULTS_BANDS)}


def unknown_values(f: Filters, options: dict) -> dict[str, list[str]]:
    """Per filter, the values URL input asked for that do not exist: a page drops them, the API refuses them."""
    allowed = allowed_values(options)
    unknown = {name: [v for v in getattr(f, name) if v not in ok] for name, ok in allowed.items()}
    return {name: values for name, values in unknown.items() if values}


def known_only(f: Filters, options: dict) -> Filters:
    """`f` without the values that do not exist."""
    allowed = allowed_values(options)
    return replace(f, **{k: tuple(v for v in getattr(f, k) if v in ok) for k, ok in allowed.items()})


@dataclass
class Where:
    """A SQL condition built from fixed fragments, with every user value passed as a named parameter."""

    clauses: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)

    def add(self, fragment: str, *values) -> None:
        """`fragment` refers to its values as {0}, {1}...; each becomes a $pN parameter, never SQL text."""
        self.clauses.append(fragment.format(*(self.param(value) for value in values)))

    def param(self, value) -> str:
        """A new named parameter holding `value`, as it is written in SQL."""
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    @property
    def sql(self) -> str:
        return " and ".join(self.clauses) if self.clauses else "true"
