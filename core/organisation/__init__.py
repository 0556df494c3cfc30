"""A tenant's structure: areas, organisations (the legs), reporter functions and the org model's groups."""
