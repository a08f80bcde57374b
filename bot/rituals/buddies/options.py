"""The ritual's defaults (`[rituals.buddies]` in config/defaults.toml) and the per-workspace
override kept as a workspace setting."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

SETTING_KEY = "buddies"  # {"calls_target": 3}


class BuddiesOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    calls_target: int = Field(default=2, ge=0, le=31)  # calls each PM joins per month
    avoid_cycles: int = Field(default=3, ge=0, le=24)  # no repeat of the last N cycles
