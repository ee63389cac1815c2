"""The HTML pages, one module per resource; each exposes `router` and the `NAV` entries it adds."""
