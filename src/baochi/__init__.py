"""baochi: the press office platform."""
