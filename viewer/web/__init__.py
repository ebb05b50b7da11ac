"""The web layer: blueprints, view models, error pages, formatting and the audit log."""
