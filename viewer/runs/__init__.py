"""Runs data: the upstream client, its cache, redaction, the tolerant model and statuses."""
