"""Reports (inrapporter): what a reporting function saw, where, when, how serious — never who."""
