"""One module per command of ``python -m cbe_core`` (see ``cbe_core/__main__.py``)."""
