"""Tenants: the municipalities (and their partners) that run EST on this platform."""
