"""Formats shared by the driving adapters (the web API and the support CLI): how a read model
becomes JSON or table rows (`views.py`, one cattrs converter) and how an uploaded file becomes
rows a use case takes (`listing_csv.py`).

Why a package of its own: both adapters need the same answer, adapters may not import each
other, and the application layer stays free of wire formats and of cattrs. import-linter keeps
it a leaf: it imports no other adapter, and only the driving adapters import it.
"""
