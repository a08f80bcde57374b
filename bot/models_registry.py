"""Imports every model module so `Base.metadata` knows all tables (Alembic and tests use it)."""

from bot.db import Base
from bot.outbox import models as _outbox_models  # noqa: F401
from bot.rituals.feedback import models as _feedback_models  # noqa: F401
from bot.rituals.releases import models as _releases_models  # noqa: F401
from bot.rituals.triage import models as _triage_models  # noqa: F401
from bot.scheduling import models as _scheduling_models  # noqa: F401
from bot.workspace import models as _workspace_models  # noqa: F401

metadata = Base.metadata
