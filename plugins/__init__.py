"""Built-in plugins, registered exactly like third-party ones (see ``core.registry.manager.DEFAULT_PLUGINS``)."""
