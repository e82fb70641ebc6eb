"""Where the checkout is, for tests in any folder below tests/ (each test module imports this, not `__file__`)."""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
