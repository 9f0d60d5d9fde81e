"""Languages: English/Spanish detection, Apertium translation, message catalogs. Imports none."""
