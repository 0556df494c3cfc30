"""Accounts: users, passwords, API tokens and tenant memberships with roles."""
