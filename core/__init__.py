"""est core: tenancy, accounts, the plugin system, jobs, and the nouns every tenant shares."""
