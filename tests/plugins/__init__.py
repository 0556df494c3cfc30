"""Test plugins: real modules registered the way plugins are, to prove the hooks let a plugin change decisions."""
