"""Errors of entrepot.aftersales, each with a message for the person who asked::

AftersalesError
├── ReturnRefused    the return cannot be asked for / moved as asked
├── RefundRefused    nothing (or not that much) to refund, or the wallet said no
└── DisputeRefused   the dispute cannot be opened / moved as asked
"""

from __future__ import annotations


class AftersalesError(Exception):
    pass


class ReturnRefused(AftersalesError):
    pass


class RefundRefused(AftersalesError):
    pass


class DisputeRefused(AftersalesError):
    pass
