"""The plugin manager: discovery, validation of what plugins register, and per-tenant hook calling."""
