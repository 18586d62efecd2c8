"""CBE Decision Dashboard core: all logic, no Streamlit.

Data flows one way: file -> ``cbe_core.ingest`` -> canonical frame -> a decision module -> result ->
page / command line / export. Import submodules directly (``from cbe_core.customers import rfm``);
this package imports nothing heavy so the command line starts fast.
"""

__version__ = "0.1.0"
