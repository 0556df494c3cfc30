"""Proposals beyond a group's mandate: to a higher group (model B) or on a forwarding form (model C)."""
