"""``python -m cbe_core.sample [DIR]``: write the sample store as CSV files (default ``sample_data/``)."""

from .store import main

if __name__ == "__main__":
    raise SystemExit(main())
