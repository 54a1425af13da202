"""The theory route: infinite-width recursions, depth limits and finite-size corrections.

Nothing here imports the simulation (``networks``, ``simulate``); chapters and tests compare
the two routes.
"""
