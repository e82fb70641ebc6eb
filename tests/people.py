"""One principal per role, for tests that act as someone (import with `from people import STAFF`)."""
from __future__ import annotations

from monitor.auth import ANONYMOUS, Principal

PUBLIC = ANONYMOUS
CSO = Principal("ana@civil.example", "civil_society", "https://idp.example", "Ana")
OTHER_CSO = Principal("luis@other-civil.example", "civil_society", "https://idp.example", "Luis")
STAFF = Principal("officer@ogp.example", "support_unit", "https://idp.example", "Officer")
ADMIN = Principal("lead@ogp.example", "admin", "https://idp.example", "Lead")
BY_ROLE = {"public": PUBLIC, "civil_society": CSO, "support_unit": STAFF, "admin": ADMIN}
