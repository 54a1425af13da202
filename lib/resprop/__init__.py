"""resprop: signal propagation in randomly initialised residual networks.

Theory (``gaussian``, ``theory/``) and simulation (``networks``, ``simulate``) are two
independent routes that share only the activation functions (``activations``); chapters and
tests bring them together.
"""

__version__ = "0.1.0"
