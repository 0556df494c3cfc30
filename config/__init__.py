"""Settings per environment. Every setting can be overridden by an ``EST_<NAME>`` environment variable."""
