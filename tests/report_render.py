"""The plain-table renderer of the parser's unit and property tests, now :mod:`synthetic.plain`."""

from __future__ import annotations

from synthetic.plain import ARTICLE20, appeal_rows, application_rows, article20_rows, render

__all__ = ["ARTICLE20", "appeal_rows", "application_rows", "article20_rows", "render"]
