"""The lowest layer of the shop's Django side: what every app shares and nothing of theirs.

``core`` imports no app of the project; every app may import it. The project package
(``marketplace/``) is only the root: settings, URLs, middleware and health probes.
"""
