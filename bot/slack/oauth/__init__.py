"""Multi-workspace install over OAuth: encrypted installation store, state store, authorize."""
