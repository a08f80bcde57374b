from enum import StrEnum


class OpsIds(StrEnum):
    COMMAND = "/ops"
