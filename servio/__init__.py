"""servio: make the seven-stage customer-service process visible.

read -> analyze -> evaluate -> store/report. Importing this package is cheap:
Vabamorf and other heavy dependencies load on first use.
"""

__version__ = "0.1.0"
