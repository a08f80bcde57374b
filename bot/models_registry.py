"""Every table opsbot has: the platform's models and each installed ritual's, so
`Base.metadata` knows all of them (Alembic's env and the tests read `metadata`)."""

from bot.db import Base
from bot.home import models as _home_models  # noqa: F401
from bot.outbox import models as _outbox_models  # noqa: F401
from bot.rituals.installed import INSTALLED
from bot.scheduling import models as _scheduling_models  # noqa: F401
from bot.slack.oauth import models as _oauth_models  # noqa: F401
from bot.stats import models as _stats_indexes  # noqa: F401
from bot.workspace import models as _workspace_models  # noqa: F401

RITUAL_MODELS = tuple(ritual.models for ritual in INSTALLED if ritual.models is not None)
metadata = Base.metadata
