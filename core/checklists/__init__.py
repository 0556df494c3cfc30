"""A tenant's checklist: a copy of its variant plugin, edited by the tenant admin in immutable versions."""
