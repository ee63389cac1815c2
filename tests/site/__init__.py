"""A local Vietnamese news site built from real articles, for crawler tests and benchmarks.

`server.NewsSite` serves it; `pages` renders what a well-behaved outlet publishes and `bad` what a
misbehaving one sends.
"""
