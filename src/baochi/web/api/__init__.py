"""The JSON API under /api/v1: the same users, roles and rules as the pages."""
