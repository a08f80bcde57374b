"""The releases ritual's defaults (`[rituals.releases]` in config/defaults.toml): the tier
templates and the acknowledgement rules. Admins override them per workspace from Slack."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.rituals.releases.domain import Section, TierTemplate


class TierOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    emoji: str = "rocket"
    sections: list[Section] = Field(default_factory=lambda: [Section.WHATS_NEW])
    default_channels: list[str] = Field(default_factory=list)
    needs_approval: bool = False
    acknowledge: bool = False


class ReleaseOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tiers: dict[int, TierOptions] = Field(
        default_factory=lambda: {
            1: TierOptions(
                name="Major launch",
                emoji="rocket",
                sections=list(Section),
                needs_approval=True,
                acknowledge=True,
            ),
            2: TierOptions(
                name="Feature release",
                emoji="sparkles",
                sections=[Section.WHATS_NEW, Section.WHY],
            ),
            3: TierOptions(name="Improvement", emoji="wrench"),
        }
    )
    # Who must acknowledge a release whose tier asks for it: a user group (S…) or channel (C…).
    ack_group: str = ""
    ack_reminder_hours: float = Field(default=24.0, gt=0)
    work_start_hour: int = Field(default=9, ge=0, le=23)
    work_end_hour: int = Field(default=17, ge=1, le=24)
    github_timeout_seconds: float = Field(default=8.0, gt=0)

    @field_validator("tiers")
    @classmethod
    def _three_tiers(cls, value: dict[int, TierOptions]) -> dict[int, TierOptions]:
        if not value or any(tier not in {1, 2, 3} for tier in value):
            raise ValueError("release tiers are 1, 2 and 3")
        return value

    def templates(self) -> dict[int, TierTemplate]:
        return {
            tier: TierTemplate(
                tier=tier,
                name=t.name,
                emoji=t.emoji.strip(":"),
                sections=tuple(t.sections),
                default_channels=tuple(t.default_channels),
                needs_approval=t.needs_approval,
                acknowledge=t.acknowledge,
            )
            for tier, t in sorted(self.tiers.items())
        }
