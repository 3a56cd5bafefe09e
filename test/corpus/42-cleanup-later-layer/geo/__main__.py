import shapely

print(shapely.__version__)
