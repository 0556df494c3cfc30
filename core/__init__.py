"""est core: tenancy, accounts, the plugin system, jobs, and the nouns every tenant shares."""

from core.i18n import marshmallow_messages as _marshmallow_messages

# Before any schema is defined: marshmallow's own messages are written in the reader's language (core.i18n).
_marshmallow_messages.install()
