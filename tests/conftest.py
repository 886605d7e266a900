"""Suite-wide settings: every app a test makes without a DATABASE_URL gets its own
in-memory store (filled from its DATA_DIR), never the developer's instance database."""

import os

os.environ.setdefault("ATLAS_DATABASE_URL", "sqlite://")
