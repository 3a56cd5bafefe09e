import polars

print(polars.__version__)
