"""Boussole's item bank: content, schema, lint, formats and the psychometrics (``irt``).

This package never imports Flask, SQLAlchemy, ``models`` or ``lti_tool``.
"""
