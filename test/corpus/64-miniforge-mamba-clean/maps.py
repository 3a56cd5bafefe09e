import geopandas

print(geopandas.__version__)
