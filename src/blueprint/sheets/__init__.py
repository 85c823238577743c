"""Spreadsheets in and out: ``blueprint export`` and ``blueprint import``.

``table.py`` holds the one tabular form of a blueprint that every output and
the importer share (the columns of the Steps sheet, the About, Phases, Roles
and Flows tables, the escaping of text a spreadsheet would execute);
``export.py`` writes xlsx, csv and json; ``importer.py`` reads a grid or a
steps table back into a blueprint, after refusing hostile files (not a
spreadsheet, encrypted, too large, a zip bomb) before openpyxl opens them.
Only ``export.py`` and ``importer.py`` import openpyxl, and only the
``export`` and ``import`` commands import them.
"""
