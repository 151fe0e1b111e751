"""chaindrag: drag on a mobile particle in a one-dimensional crystal.

Reproduces Mahalingam, Yap, Olsen and Rodin, "Minimal model of drag in
one-dimensional crystals", Phys. Rev. Research 5, 013053 (2023).
"""

__version__ = "0.1.0"
