"""etude — reproduce and extend the 2017 study on innovation in public procurement in Hauts-de-France.

Logic lives in small modules (``codebook``, ``data``, ``stats``, ``plots``, ``fmt``, ``engine``…);
the study's story lives in the notebooks under ``notebooks/``.
"""
__version__ = "0.1.0"
